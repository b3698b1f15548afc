package io.streamscale.relay;

import io.streamscale.kafka.KafkaInput;
import io.streamscale.kafka.Relayed;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The relay's dataflow between a source of {@link KafkaInput} and a sink of {@link Relayed}.
 * The job plugs in Kafka; tests plug in bounded data and collect the result.
 */
public final class RelayPipeline {
    private RelayPipeline() {}

    /** Adds the relay step (uid {@code relay}) to {@code input}. */
    public static DataStream<Relayed> build(DataStream<KafkaInput> input, RelayFunction relay) {
        return build(input, relay, 0);
    }

    /**
     * Adds the relay step (uid {@code relay}) and, with {@code dedupWindow} &gt; 0, the per-device
     * de-duplication keyed by deviceId (uid {@code dedup}) to {@code input}.
     */
    public static DataStream<Relayed> build(DataStream<KafkaInput> input, RelayFunction relay, int dedupWindow) {
        DataStream<Relayed> relayed = input.map(relay).name("add enqueuedAt and processedAt").uid("relay");
        if (dedupWindow <= 0) {
            return relayed;
        }
        return relayed.keyBy(Dedup.KEY)
                .process(new Dedup(dedupWindow))
                .name("drop eventIds seen among the device's last " + dedupWindow)
                .uid("dedup");
    }
}
