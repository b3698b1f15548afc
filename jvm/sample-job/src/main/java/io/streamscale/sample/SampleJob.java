package io.streamscale.sample;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The Azure sample's job, ported to Flink 2.2 as a benchmark contender: reads the input topic,
 * parses each event into a {@link SampleEvent}, runs {@link SamplePipeline} and writes JSON to
 * the output topic, at-least-once, with a checkpoint every 500 ms by default. Arguments:
 * {@code --bootstrap-servers --input-topic --output-topic --group-id [--checkpoint-interval-ms]}.
 */
public final class SampleJob {
    private SampleJob() {}

    public static void main(String[] args) throws Exception {
        ParameterTool p = ParameterTool.fromArgs(args);
        String brokers = p.getRequired("bootstrap-servers");
        String in = p.getRequired("input-topic");
        String out = p.getRequired("output-topic");
        String group = p.get("group-id", "streamscale-sample-job");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(p.getLong("checkpoint-interval-ms", 500));

        KafkaSource<SampleEvent> source = KafkaSource.<SampleEvent>builder()
                .setBootstrapServers(brokers)
                .setTopics(in)
                .setGroupId(group)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new SampleDeserializer())
                .build();
        KafkaSink<SampleEvent> sink = KafkaSink.<SampleEvent>builder()
                .setBootstrapServers(brokers)
                .setRecordSerializer(new SampleSerializer(out))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        SamplePipeline.build(env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka: " + in).uid("kafka-source"))
                .sinkTo(sink).name("kafka: " + out).uid("kafka-sink");
        env.execute("streamscale-sample-job " + in + "->" + out);
    }
}
