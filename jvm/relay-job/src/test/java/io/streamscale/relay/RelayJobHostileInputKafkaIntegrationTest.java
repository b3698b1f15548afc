package io.streamscale.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamscale.json.Splice;
import io.streamscale.json.Timestamps;
import io.streamscale.options.RelayOptions;
import io.streamscale.testing.KafkaBrokerExtension;
import io.streamscale.testing.KafkaTopics;
import io.streamscale.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile input against the job as submitted, on the MiniCluster with a real broker: thousands
 * of arbitrary and mutated records (the fuzz test's generator, seeded), tombstones, an empty
 * value, a null key, and records at nearly the broker's maximum size, interleaved with valid
 * events. The job runs with {@code --restart-strategy none}, so any failure would end it: it must
 * still be RUNNING at the end. Every record is accounted for: each JSON object in {@code out},
 * byte for byte as spliced, with its headers; everything else in the dead-letter topic with its
 * headers, a reason and its source, cut to fit only when too large.
 */
class RelayJobHostileInputKafkaIntegrationTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.oneTaskManagerTwoSlots();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(SecurityProtocol.PLAINTEXT);

    private static final long SEED = Long.getLong("fuzz.seed", 7L);
    private static final int HOSTILE = 3000;
    private static final int EVENTS = 1000;

    @Test
    void noRecordFailsTheJobAndEveryRecordIsAccountedFor() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        KafkaTopics.create(bootstrap, "h-in", "h-out", "h-dlq");

        List<byte[]> values = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < HOSTILE + EVENTS; i++) {
            values.add(r.nextInt(HOSTILE + EVENTS) < EVENTS ? RelayFuzzTest.event(r).getBytes(StandardCharsets.UTF_8) : RelayFuzzTest.input(r));
            keys.add(("device-" + i % 17).getBytes(StandardCharsets.UTF_8));
        }
        int tooLarge = values.size();
        values.add(bigObject(1_047_800)); // fits the broker, not once spliced: a dead letter, cut
        keys.add("big".getBytes(StandardCharsets.UTF_8));
        int fits = values.size();
        values.add(bigObject(1_040_000)); // relayed
        keys.add("big".getBytes(StandardCharsets.UTF_8));
        values.add(null); // a tombstone
        keys.add("gone".getBytes(StandardCharsets.UTF_8));
        values.add(new byte[0]);
        keys.add("empty".getBytes(StandardCharsets.UTF_8));
        values.add("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        keys.add(null);

        Map<Integer, Long> appendedAt = new HashMap<>();
        Map<Integer, RecordMetadata> position = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTopics.producer(bootstrap)) {
            Map<Integer, Future<RecordMetadata>> acks = new HashMap<>();
            for (int i = 0; i < values.size(); i++) {
                RecordHeaders h = new RecordHeaders();
                h.add("n", Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
                if (i % 5 == 0) {
                    h.add("trace", null);
                }
                acks.put(i, producer.send(new ProducerRecord<>("h-in", null, null, keys.get(i), values.get(i), h)));
            }
            producer.flush();
            for (Map.Entry<Integer, Future<RecordMetadata>> e : acks.entrySet()) {
                appendedAt.put(e.getKey(), e.getValue().get().timestamp());
                position.put(e.getKey(), e.getValue().get());
            }
        }
        int expectedOut = 0;
        for (int i = 0; i < values.size(); i++) {
            if (i != tooLarge && RelayFuzzTest.oracle(values.get(i)) != null) {
                expectedOut++;
            }
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        RelayJob.define(env, RelayOptions.parse(new String[] {"--bootstrap-servers", bootstrap, "--input-topic", "h-in",
            "--output-topic", "h-out", "--dead-letter-topic", "h-dlq", "--group-id", "hostile", "--checkpoint-interval-ms", "500",
            "--restart-strategy", "none"}));
        JobClient job = env.executeAsync("relay-hostile-input-test");
        List<ConsumerRecord<byte[], byte[]>> out;
        List<ConsumerRecord<byte[], byte[]>> dead;
        try {
            out = KafkaTopics.readAll(bootstrap, "h-out", "read_uncommitted", expectedOut);
            dead = KafkaTopics.readAll(bootstrap, "h-dlq", "read_uncommitted", values.size() - expectedOut);
            assertThat(job.getJobStatus().get()).as("no record failed the job (restart strategy none)").isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }

        assertThat(out).hasSize(expectedOut);
        assertThat(dead).hasSize(values.size() - expectedOut);
        boolean[] seen = new boolean[values.size()];
        Splice splice = new Splice();
        for (ConsumerRecord<byte[], byte[]> o : out) {
            int i = index(o);
            assertThat(seen[i]).as("record %d once", i).isFalse();
            seen[i] = true;
            assertThat(splice.check(values.get(i))).as("record %d is an object", i).isNull();
            String v = new String(o.value(), StandardCharsets.UTF_8);
            long processed = java.time.Instant.parse(v.substring(v.length() - 2 - Timestamps.LENGTH, v.length() - 2)).toEpochMilli();
            assertThat(o.value()).as("record %d spliced", i).isEqualTo(splice.splice(appendedAt.get(i), processed));
            assertThat(o.key()).isEqualTo(keys.get(i));
            assertThat(names(o.headers().toArray())).as("record %d keeps its headers, gets none of ours", i)
                    .isEqualTo(i % 5 == 0 ? List.of("n", "trace") : List.of("n"));
        }
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            int i = index(d);
            assertThat(seen[i]).as("record %d once", i).isFalse();
            seen[i] = true;
            assertThat(header(d, RecordRelay.ERROR_HEADER)).as("record %d has a reason", i).isNotBlank();
            RecordMetadata m = position.get(i);
            assertThat(header(d, RecordRelay.SOURCE_HEADER)).isEqualTo("h-in/" + m.partition() + "/" + m.offset());
            assertThat(names(d.headers().toArray()).subList(0, i % 5 == 0 ? 2 : 1))
                    .isEqualTo(i % 5 == 0 ? List.of("n", "trace") : List.of("n"));
            byte[] in = values.get(i);
            if (i == tooLarge) {
                assertThat(header(d, RecordRelay.ERROR_HEADER)).contains("above --max-record-bytes");
                assertThat(header(d, RecordRelay.TRUNCATED_HEADER)).isEqualTo(String.valueOf(in.length));
                assertThat(d.value()).isEqualTo(Arrays.copyOf(in, d.value().length));
            } else {
                assertThat(d.value()).as("record %d kept as it was", i).isEqualTo(in);
                assertThat(d.headers().lastHeader(RecordRelay.TRUNCATED_HEADER)).isNull();
            }
        }
        for (int i = 0; i < seen.length; i++) {
            assertThat(seen[i]).as("record %d came out", i).isTrue();
        }
        assertThat(seen[fits]).isTrue();
    }

    /** A valid object of exactly n bytes: one string member. */
    private static byte[] bigObject(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        byte[] head = "{\"blob\":\"".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, b, 0, head.length);
        b[n - 2] = '"';
        b[n - 1] = '}';
        return b;
    }

    private static int index(ConsumerRecord<byte[], byte[]> r) {
        return Integer.parseInt(header(r, "n"));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static List<String> names(Header[] headers) {
        List<String> names = new ArrayList<>();
        for (Header h : headers) {
            names.add(h.key());
        }
        return names;
    }
}
