package io.streamscale.relay;

import io.streamscale.kafka.KafkaInput;
import io.streamscale.kafka.Relayed;
import io.streamscale.options.RelayOptions;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

import java.util.function.LongSupplier;

/**
 * Relays one input record with {@link RecordRelay}: a JSON object gets {@code enqueuedAt} (its
 * Kafka timestamp) and {@code processedAt} (now); anything else becomes a dead letter with the
 * reason. Counts both in the Flink metrics {@code relayedRecords} and
 * {@code deadLetteredRecords}.
 *
 * <p>{@link #map} never throws for any record: should the relay itself fail on one (a bug), the
 * record is dead-lettered with the error as its reason rather than failing, and so restarting,
 * the job on it forever.
 */
public class RelayFunction extends RichMapFunction<KafkaInput, Relayed> {
    private static final long serialVersionUID = 1L;

    /** The default for {@code --max-record-bytes} against Kafka. */
    public static final int DEFAULT_MAX_RECORD_BYTES = RelayOptions.KAFKA_MAX_RECORD_BYTES;

    private final SerializableClock clock;
    private final int maxRecordBytes;
    private final boolean wantIds;
    private transient RecordRelay relay;
    private transient Counter relayed;
    private transient Counter deadLettered;

    /** A relay function stamping processedAt from the system clock, with the default size limit. */
    public RelayFunction() {
        this(System::currentTimeMillis, DEFAULT_MAX_RECORD_BYTES, false);
    }

    /** A relay function with its own clock, for tests. */
    public RelayFunction(SerializableClock clock) {
        this(clock, DEFAULT_MAX_RECORD_BYTES, false);
    }

    /**
     * A relay function with its clock, record size limit ({@code --max-record-bytes}) and whether
     * relayed records carry deviceId and eventId (for de-duplication).
     */
    public RelayFunction(SerializableClock clock, int maxRecordBytes, boolean wantIds) {
        this.clock = clock;
        this.maxRecordBytes = maxRecordBytes;
        this.wantIds = wantIds;
    }

    @Override
    public void open(OpenContext ctx) {
        relay = new RecordRelay(maxRecordBytes, wantIds);
        relayed = getRuntimeContext().getMetricGroup().counter("relayedRecords");
        deadLettered = getRuntimeContext().getMetricGroup().counter("deadLetteredRecords");
    }

    @Override
    public Relayed map(KafkaInput in) {
        Relayed r = relaySafely(relay, in, clock.getAsLong());
        (r.isDeadLetter() ? deadLettered : relayed).inc();
        return r;
    }

    /**
     * {@code relay.relay(in, now)}, or, should that throw (a bug), a dead letter with the error as
     * the reason; should even that throw, a bare dead letter: no key, value or input headers,
     * only the reason and the source position (the record stays in the input topic there).
     */
    static Relayed relaySafely(RecordRelay relay, KafkaInput in, long now) {
        try {
            return relay.relay(in, now);
        } catch (OutOfMemoryError e) {
            throw e; // the TaskManager's trouble, not the record's
        } catch (Throwable t) {
            String reason = "relay error: " + t;
            try {
                return relay.deadLetter(in, reason);
            } catch (OutOfMemoryError e) {
                throw e;
            } catch (Throwable again) {
                return RecordRelay.bareDeadLetter(in.source(), reason);
            }
        }
    }

    /** A clock that Flink can ship with the function. */
    @FunctionalInterface
    public interface SerializableClock extends LongSupplier, java.io.Serializable {}
}
