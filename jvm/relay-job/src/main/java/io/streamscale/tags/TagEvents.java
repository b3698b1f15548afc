package io.streamscale.tags;

import io.streamscale.json.Timestamps;
import io.streamscale.kafka.Relayed;
import io.streamscale.relay.DeviceEvent;
import io.streamscale.relay.DeviceTags;
import io.streamscale.relay.RelayFunction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The complex job's keyed process function (keyed by deviceId): applies {@link DeviceTags} to
 * each event and each event-time timer, and writes each tag as a record for the output topic,
 * keyed by the deviceId:
 *
 * <pre>{"deviceId":…,"processedAt":…,"triggerEventCreatedAt":…,"triggerEventId":…,"tag":…}</pre>
 *
 * <p>{@code processedAt} is when the tag was made (RFC 3339, milliseconds, UTC, as the relay
 * writes it; the sample's {@code Instant.now()} at each tag, written with milliseconds);
 * {@code triggerEventCreatedAt} is the trigger event's createdAt as it was written (the sample
 * re-wrote it with milliseconds, the precision its input had, so on its input the two agree; ours
 * has microseconds, kept). Each event that is not a buffered duplicate registers a timer at its
 * createdAt + 45 s, as the sample's each event did. Counts the metric {@code emittedTags}.
 */
public class TagEvents extends KeyedProcessFunction<String, DeviceEvent, Relayed> {
    private static final long serialVersionUID = 1L;

    private final RelayFunction.SerializableClock clock;
    private transient ValueState<DeviceTags> state;
    private transient ObjectMapper mapper;
    private transient byte[] stamp;
    private transient Counter emitted;

    /** Stamps processedAt from {@code clock}. */
    public TagEvents(RelayFunction.SerializableClock clock) {
        this.clock = clock;
    }

    @Override
    public void open(OpenContext ctx) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("device-tags", TypeInformation.of(DeviceTags.class)));
        mapper = new ObjectMapper();
        stamp = new byte[Timestamps.LENGTH];
        emitted = getRuntimeContext().getMetricGroup().counter("emittedTags");
    }

    @Override
    public void processElement(DeviceEvent e, Context ctx, Collector<Relayed> out) throws Exception {
        DeviceTags s = state.value();
        if (s == null) {
            s = new DeviceTags();
        }
        List<DeviceTags.Tag> tags = s.onEvent(e);
        if (tags == null) {
            return; // a duplicate of a buffered event
        }
        state.update(s);
        ctx.timerService().registerEventTimeTimer(e.createdAtMillis + DeviceTags.NO_NEWS_MS);
        for (DeviceTags.Tag t : tags) {
            out.collect(tag(t.trigger, t.tag));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Relayed> out) throws Exception {
        DeviceTags s = state.value();
        if (s == null) {
            return;
        }
        DeviceEvent last = s.onTimer(timestamp);
        if (last != null) {
            state.update(s);
            out.collect(tag(last, DeviceTags.NO_NEWS));
        }
    }

    private Relayed tag(DeviceEvent trigger, String tag) throws JsonProcessingException {
        Timestamps.write(stamp, 0, clock.getAsLong());
        ObjectNode o = mapper.createObjectNode();
        o.put("deviceId", trigger.deviceId);
        o.put("processedAt", new String(stamp, StandardCharsets.US_ASCII));
        o.put("triggerEventCreatedAt", trigger.createdAt);
        o.put("triggerEventId", trigger.eventId);
        o.put("tag", tag);
        Relayed r = new Relayed();
        r.key = trigger.deviceId.getBytes(StandardCharsets.UTF_8);
        r.value = mapper.writeValueAsBytes(o);
        emitted.inc();
        return r;
    }
}
