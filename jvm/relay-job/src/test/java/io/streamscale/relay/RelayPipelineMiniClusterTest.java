package io.streamscale.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The relay pipeline on Flink's MiniCluster with a bounded source and a collecting sink. */
class RelayPipelineMiniClusterTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.oneTaskManagerTwoSlots();

    private static final int RECORDS = 3000;
    private static final long BASE_TS = 1_700_000_000_000L;

    @Test
    void relaysObjectsAndDeadLettersTheRest() throws Exception {
        List<KafkaInput> inputs = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            String key = "contoso://device-id-" + (i % 50);
            String value = "{\"deviceId\":\"" + key + "\",\"deviceSequenceNumber\":" + i / 50 + ",\"n\":" + i + "}";
            inputs.add(new KafkaInput(bytes(key), bytes(value), BASE_TS + i, "in", i % 2, i));
        }
        inputs.add(new KafkaInput(bytes("k"), bytes("not json"), BASE_TS, "in", 0, 9001));
        inputs.add(new KafkaInput(bytes("k"), bytes("[1]"), BASE_TS, "in", 1, 9002));
        inputs.add(new KafkaInput(bytes("k"), null, BASE_TS, "in", 1, 9003));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // KafkaInput must be a POJO, not Kryo
        env.configure(conf);
        DataStream<KafkaInput> source = env.fromData(KafkaInput.class, inputs.toArray(new KafkaInput[0]));
        long before = System.currentTimeMillis();

        Map<String, KafkaInput> byValue = new HashMap<>();
        for (KafkaInput in : inputs) {
            if (in.value != null) {
                byValue.put(new String(in.value, StandardCharsets.UTF_8), in);
            }
        }
        List<Relayed> relayed = new ArrayList<>();
        List<Relayed> dead = new ArrayList<>();
        try (CloseableIterator<Relayed> it = RelayPipeline.build(source, new RelayFunction()).executeAndCollect()) {
            it.forEachRemaining(r -> (r.isDeadLetter() ? dead : relayed).add(r));
        }

        assertThat(relayed).hasSize(RECORDS);
        for (Relayed r : relayed) {
            String out = new String(r.value, StandardCharsets.UTF_8);
            int at = out.lastIndexOf(",\"enqueuedAt\":\"");
            String original = out.substring(0, at) + "}";
            KafkaInput in = byValue.remove(original);
            assertThat(in).as("output %s maps to exactly one input", out).isNotNull();
            assertThat(r.key).isEqualTo(in.key);
            String enqueued = out.substring(at + 15, at + 15 + 24);
            String processed = out.substring(out.length() - 26, out.length() - 2);
            assertThat(Instant.parse(enqueued).toEpochMilli()).isEqualTo(in.timestamp);
            assertThat(Instant.parse(processed).toEpochMilli()).isGreaterThanOrEqualTo(before);
        }
        assertThat(dead).extracting(r -> r.source).containsExactlyInAnyOrder("in/0/9001", "in/1/9002", "in/1/9003");
        assertThat(dead).allSatisfy(r -> assertThat(r.error).isNotBlank());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
