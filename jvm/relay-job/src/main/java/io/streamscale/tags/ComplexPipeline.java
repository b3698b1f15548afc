package io.streamscale.tags;

import io.streamscale.kafka.KafkaInput;
import io.streamscale.kafka.Relayed;
import io.streamscale.relay.DeviceEvent;
import io.streamscale.relay.RelayFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The complex job's dataflow between a source of {@link KafkaInput} (with event-time
 * watermarks) and a sink of {@link Relayed}: parse (uid {@code parse}), key by deviceId, tag
 * (uid {@code tag}); records that are not events leave the parse step as dead letters and join
 * the tags. The job plugs in Kafka; tests plug in bounded data and collect the result.
 */
public final class ComplexPipeline {
    private ComplexPipeline() {}

    /** Adds the parse and tag steps to {@code input}; the result holds tags and dead letters. */
    public static DataStream<Relayed> build(DataStream<KafkaInput> input, int maxRecordBytes, RelayFunction.SerializableClock clock) {
        SingleOutputStreamOperator<DeviceEvent> events = input.process(new ParseEvents(maxRecordBytes))
                .name("parse events").uid("parse");
        DataStream<Relayed> tags = events.keyBy(e -> e.deviceId)
                .process(new TagEvents(clock))
                .name("tag events per device").uid("tag");
        return tags.union(events.getSideOutput(ParseEvents.DEAD_LETTERS));
    }
}
