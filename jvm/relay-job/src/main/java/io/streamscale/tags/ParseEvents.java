package io.streamscale.tags;

import io.streamscale.json.Splice;
import io.streamscale.kafka.KafkaInput;
import io.streamscale.kafka.Relayed;
import io.streamscale.relay.DeviceEvent;
import io.streamscale.relay.RecordRelay;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The complex job's first step: an input record that is an event becomes a {@link DeviceEvent};
 * anything else goes to the side output {@link #DEAD_LETTERS} with the reason, with the relay's
 * headers ({@link RecordRelay#deadLetter}). Never throws for any record.
 *
 * <p>An event is exactly one JSON object (as strict as the relay, {@link io.streamscale.json.ObjectScan}) with a
 * string {@code deviceId}, {@code eventId}, {@code type}, a number {@code value} and a string
 * RFC 3339 {@code createdAt}. Counts the Flink metrics {@code parsedEvents} and
 * {@code deadLetteredRecords}.
 */
public class ParseEvents extends ProcessFunction<KafkaInput, DeviceEvent> {
    private static final long serialVersionUID = 1L;

    /** Where records that are not events go. */
    public static final OutputTag<Relayed> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final int maxRecordBytes;
    private transient Splice splice;
    private transient RecordRelay deadLetters;
    private transient ObjectMapper mapper;
    private transient Counter parsed;
    private transient Counter deadLettered;

    /** Dead letters stay within {@code maxRecordBytes} as the relay's do. */
    public ParseEvents(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void open(OpenContext ctx) {
        splice = new Splice();
        deadLetters = new RecordRelay(maxRecordBytes, false);
        mapper = new ObjectMapper();
        parsed = getRuntimeContext().getMetricGroup().counter("parsedEvents");
        deadLettered = getRuntimeContext().getMetricGroup().counter("deadLetteredRecords");
    }

    @Override
    public void processElement(KafkaInput in, Context ctx, Collector<DeviceEvent> out) {
        DeviceEvent e = new DeviceEvent();
        String reason;
        try {
            reason = parse(in, e);
        } catch (OutOfMemoryError oom) {
            throw oom;
        } catch (Throwable t) {
            reason = "parse error: " + t;
        }
        if (reason == null) {
            parsed.inc();
            out.collect(e);
            return;
        }
        Relayed dead;
        try {
            dead = deadLetters.deadLetter(in, reason);
        } catch (OutOfMemoryError oom) {
            throw oom;
        } catch (Throwable t) {
            dead = RecordRelay.bareDeadLetter(in.source(), reason);
        }
        deadLettered.inc();
        ctx.output(DEAD_LETTERS, dead);
    }

    /** Fills {@code e} from {@code in}; returns null, or why {@code in} is not an event. */
    String parse(KafkaInput in, DeviceEvent e) throws java.io.IOException {
        String reason = splice.check(in.value, false);
        if (reason != null) {
            return reason;
        }
        JsonNode o = mapper.readTree(in.value);
        e.deviceId = text(o, "deviceId");
        e.eventId = text(o, "eventId");
        e.type = text(o, "type");
        e.createdAt = text(o, "createdAt");
        JsonNode v = o.get("value");
        String missing = e.deviceId == null ? "deviceId" : e.eventId == null ? "eventId" : e.type == null ? "type"
                : e.createdAt == null ? "createdAt" : v == null || !v.isNumber() ? "value" : null;
        if (missing != null) {
            return "not an event: no " + (missing.equals("value") ? "number" : "string") + " " + missing;
        }
        e.value = v.doubleValue();
        e.createdAtMillis = EventTime.parse(e.createdAt);
        if (e.createdAtMillis == EventTime.INVALID) {
            return "not an event: createdAt " + e.createdAt + " is not an RFC 3339 date-time";
        }
        e.enqueuedAt = in.timestamp;
        return null;
    }

    private static String text(JsonNode o, String name) {
        JsonNode n = o.get(name);
        return n != null && n.isTextual() ? n.textValue() : null;
    }
}
