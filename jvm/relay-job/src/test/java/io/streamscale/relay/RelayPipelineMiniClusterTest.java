package io.streamscale.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamscale.kafka.KafkaInput;
import io.streamscale.kafka.Relayed;
import io.streamscale.testing.MiniClusters;
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
            KafkaInput in = new KafkaInput(bytes(key), bytes(value), BASE_TS + i, "in", i % 2, i);
            if (i % 3 == 0) {
                in.headerKeys = new String[] {"trace", "none"};
                in.headerValues = new byte[][] {bytes("t" + i), null};
            }
            inputs.add(in);
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
            assertThat(r.headerKeys).isEqualTo(in.headerKeys);
            assertThat(r.headerValues).isDeepEqualTo(in.headerValues);
            String enqueued = out.substring(at + 15, at + 15 + 24);
            String processed = out.substring(out.length() - 26, out.length() - 2);
            assertThat(Instant.parse(enqueued).toEpochMilli()).isEqualTo(in.timestamp);
            assertThat(Instant.parse(processed).toEpochMilli()).isGreaterThanOrEqualTo(before);
        }
        assertThat(dead).extracting(r -> r.source).containsExactlyInAnyOrder("in/0/9001", "in/1/9002", "in/1/9003");
        assertThat(dead).allSatisfy(r -> assertThat(r.error).isNotBlank());
    }

    @Test
    void dedupDropsRepeatedEventIdsWithinTheWindowOnly() throws Exception {
        int window = 10;
        List<KafkaInput> inputs = new ArrayList<>();
        int offset = 0;
        int expected = 0;
        for (int d = 0; d < 20; d++) {
            String device = "contoso://device-id-" + d;
            List<String> values = new ArrayList<>();
            for (int s = 0; s < 30; s++) {
                values.add("{\"eventId\":\"" + d + "-" + s + "\",\"deviceId\":\"" + device + "\",\"deviceSequenceNumber\":" + s + "}");
            }
            for (int s = 0; s < 30; s++) {
                inputs.add(new KafkaInput(bytes(device), bytes(values.get(s)), BASE_TS, "in", 0, offset++));
                expected++;
                if (s % 7 == 3) { // a byte-identical copy right after: dropped
                    inputs.add(new KafkaInput(bytes(device), bytes(values.get(s)), BASE_TS, "in", 0, offset++));
                }
                if (s == 20) { // a copy of event 5, 15 events ago, beyond the window of 10: relayed
                    inputs.add(new KafkaInput(bytes(device), bytes(values.get(5)), BASE_TS, "in", 0, offset++));
                    expected++;
                }
            }
        }
        // Without a deviceId or an eventId, or not an object: never de-duplicated.
        for (int i = 0; i < 3; i++) {
            inputs.add(new KafkaInput(bytes("k"), bytes("{\"eventId\":\"x\"}"), BASE_TS, "in", 0, offset++));
            inputs.add(new KafkaInput(bytes("k"), bytes("{\"deviceId\":\"x\"}"), BASE_TS, "in", 0, offset++));
            inputs.add(new KafkaInput(bytes("k"), bytes("nope"), BASE_TS, "in", 0, offset++));
        }
        expected += 6;

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // One source and relay subtask: a device's records arrive in order, as from a Kafka
        // partition (fromData would deal them out to the subtasks round-robin).
        env.setParallelism(1);
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // the state too must be a POJO, not Kryo
        env.configure(conf);
        DataStream<KafkaInput> source = env.fromData(KafkaInput.class, inputs.toArray(new KafkaInput[0]));
        List<Relayed> relayed = new ArrayList<>();
        List<Relayed> dead = new ArrayList<>();
        try (CloseableIterator<Relayed> it = RelayPipeline.build(source, new RelayFunction(System::currentTimeMillis,
                RelayFunction.DEFAULT_MAX_RECORD_BYTES, true), window).executeAndCollect()) {
            it.forEachRemaining(r -> (r.isDeadLetter() ? dead : relayed).add(r));
        }
        assertThat(relayed).hasSize(expected);
        assertThat(dead).hasSize(3);
        Map<String, Integer> perEvent = new HashMap<>();
        for (Relayed r : relayed) {
            String v = new String(r.value, StandardCharsets.UTF_8);
            perEvent.merge(v.substring(0, v.indexOf(",\"enqueuedAt\"")), 1, Integer::sum);
        }
        for (int d = 0; d < 20; d++) {
            String device = "contoso://device-id-" + d;
            for (int s = 0; s < 30; s++) {
                String v = "{\"eventId\":\"" + d + "-" + s + "\",\"deviceId\":\"" + device + "\",\"deviceSequenceNumber\":" + s;
                assertThat(perEvent.get(v)).as(v).isEqualTo(s == 5 ? 2 : 1);
            }
        }
    }

    @Test
    void dedupWindowSurvivesAResize() {
        Dedup.Seen s = new Dedup.Seen();
        s.ids = new String[4];
        for (String id : List.of("a", "b", "c", "d", "e", "f")) {
            s.add(id);
        }
        s.resize(2);
        assertThat(s.contains("f")).isTrue();
        assertThat(s.contains("e")).isTrue();
        assertThat(s.contains("d")).isFalse();
        s.add("g"); // replaces the oldest, e
        assertThat(s.contains("e")).isFalse();
        assertThat(s.contains("f")).isTrue();
        s.resize(5);
        s.add("h");
        assertThat(List.of("f", "g", "h")).allMatch(s::contains);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
