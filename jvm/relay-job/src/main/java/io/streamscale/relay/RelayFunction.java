package io.streamscale.relay;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

import java.util.function.LongSupplier;

/**
 * Relays one input record: a JSON object gets {@code enqueuedAt} (its Kafka timestamp) and
 * {@code processedAt} (now); anything else becomes a dead letter with the reason. Counts both
 * in the Flink metrics {@code relayedRecords} and {@code deadLetteredRecords}.
 */
public class RelayFunction extends RichMapFunction<KafkaInput, Relayed> {
    private static final long serialVersionUID = 1L;

    private final SerializableClock clock;
    private transient Splice splice;
    private transient Counter relayed;
    private transient Counter deadLettered;

    /** A relay function stamping processedAt from the system clock. */
    public RelayFunction() {
        this(System::currentTimeMillis);
    }

    /** A relay function with its own clock, for tests. */
    public RelayFunction(SerializableClock clock) {
        this.clock = clock;
    }

    @Override
    public void open(OpenContext ctx) {
        splice = new Splice();
        relayed = getRuntimeContext().getMetricGroup().counter("relayedRecords");
        deadLettered = getRuntimeContext().getMetricGroup().counter("deadLetteredRecords");
    }

    @Override
    public Relayed map(KafkaInput in) {
        String reason = splice.invalidReason(in.value);
        if (reason != null) {
            deadLettered.inc();
            return Relayed.deadLetter(in, reason);
        }
        relayed.inc();
        return Relayed.relayed(in.key, Splice.splice(in.value, in.timestamp, clock.getAsLong()));
    }

    /** A clock that Flink can ship with the function. */
    @FunctionalInterface
    public interface SerializableClock extends LongSupplier, java.io.Serializable {}
}
