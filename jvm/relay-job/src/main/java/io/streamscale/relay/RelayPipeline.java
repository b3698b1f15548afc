package io.streamscale.relay;

import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The relay's dataflow between a source of {@link KafkaInput} and a sink of {@link Relayed}.
 * The job plugs in Kafka; tests plug in bounded data and collect the result.
 */
public final class RelayPipeline {
    private RelayPipeline() {}

    /** Adds the relay step (uid {@code relay}) to {@code input}. */
    public static DataStream<Relayed> build(DataStream<KafkaInput> input, RelayFunction relay) {
        return input.map(relay).name("add enqueuedAt and processedAt").uid("relay");
    }
}
