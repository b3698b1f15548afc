package io.streamscale.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamscale.json.Timestamps;
import io.streamscale.kafka.RelaySerializer;
import io.streamscale.options.RelayOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One relay run against a real broker: make LogAppendTime topics, produce events and two
 * non-objects, run the job as submitted ({@link RelayJob#define}) on the current (Mini)cluster,
 * read {@code out} and the dead-letter topic, and check every record.
 */
final class RelayScenario {
    private RelayScenario() {}

    static final int EVENTS = 2000;
    static final Duration DEADLINE = Duration.ofMinutes(2);

    /**
     * Runs the scenario. {@code client} is the test's own Kafka client settings (security, for a
     * secured broker); {@code jobArgs} are added to the job's arguments after
     * {@code --bootstrap-servers}.
     */
    static void run(String bootstrap, Map<String, Object> client, String[] jobArgs) throws Exception {
        Map<String, String> logAppendTime = Map.of("message.timestamp.type", "LogAppendTime");
        try (Admin admin = Admin.create(config(client, AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic("in", 2, (short) 1).configs(logAppendTime),
                            new NewTopic("out", 2, (short) 1).configs(logAppendTime),
                            new NewTopic("in-dead-letter", 1, (short) 1)))
                    .all()
                    .get();
        }

        // What the broker stamped on each input (LogAppendTime: the producer's ack carries it).
        Map<String, Long> appendedAt = new HashMap<>();
        Map<String, String> keyOf = new HashMap<>();
        Map<String, Object> producerConfig = config(client, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
            Map<String, Future<RecordMetadata>> acks = new HashMap<>();
            for (int i = 0; i < EVENTS; i++) {
                String key = "contoso://device-id-" + (i % 20);
                String value = "{\"deviceId\":\"" + key + "\",\"deviceSequenceNumber\":" + i / 20 + ",\"value\":57.739726013343247}";
                keyOf.put(value, key);
                acks.put(value, producer.send(new ProducerRecord<>("in", bytes(key), bytes(value))));
            }
            producer.send(new ProducerRecord<>("in", bytes("k"), bytes("not json")));
            producer.send(new ProducerRecord<>("in", bytes("k"), bytes("[1,2]")));
            producer.flush();
            for (Map.Entry<String, Future<RecordMetadata>> e : acks.entrySet()) {
                appendedAt.put(e.getKey(), e.getValue().get().timestamp());
            }
        }

        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--checkpoint-interval-ms", "500"));
        args.addAll(List.of(jobArgs));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        RelayJob.define(env, RelayOptions.parse(args.toArray(new String[0])));
        JobClient job = env.executeAsync("relay-job-kafka-test");
        List<ConsumerRecord<byte[], byte[]>> out;
        List<ConsumerRecord<byte[], byte[]>> dead;
        try {
            out = consume(bootstrap, client, "out", EVENTS);
            dead = consume(bootstrap, client, "in-dead-letter", 2);
        } finally {
            job.cancel().get();
        }

        for (ConsumerRecord<byte[], byte[]> r : out) {
            String value = new String(r.value(), StandardCharsets.UTF_8);
            int at = value.lastIndexOf(",\"enqueuedAt\":\"");
            assertThat(at).as("output %s has enqueuedAt", value).isPositive();
            String original = value.substring(0, at) + "}";
            Long appended = appendedAt.remove(original);
            assertThat(appended).as("output %s maps to exactly one input", value).isNotNull();
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(keyOf.get(original));
            Instant enqueued = Instant.parse(value.substring(at + 15, at + 15 + Timestamps.LENGTH));
            Instant processed = Instant.parse(value.substring(value.length() - 2 - Timestamps.LENGTH, value.length() - 2));
            assertThat(enqueued.toEpochMilli()).as("enqueuedAt is the input's broker timestamp").isEqualTo(appended);
            assertThat(processed).isAfterOrEqualTo(enqueued);
            assertThat(r.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(r.timestamp()).as("the output was appended after the job handled it").isGreaterThanOrEqualTo(processed.toEpochMilli());
        }
        assertThat(appendedAt).as("inputs never relayed").isEmpty();
        assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("not json", "[1,2]");
        assertThat(dead).allSatisfy(r -> assertThat(r.headers().lastHeader(RelaySerializer.ERROR_HEADER)).isNotNull());
    }

    /** Reads topic from the start until it has n records; fails after DEADLINE. */
    private static List<ConsumerRecord<byte[], byte[]>> consume(String bootstrap, Map<String, Object> client, String topic, int n) {
        Map<String, Object> c = config(client, ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "relay-job-kafka-test-" + topic);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plus(DEADLINE);
            while (got.size() < n && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(500)).forEach(got::add);
            }
        }
        assertThat(got).as("records in %s within %s", topic, DEADLINE).hasSize(n);
        return got;
    }

    private static Map<String, Object> config(Map<String, Object> client, String key, Object value) {
        Map<String, Object> c = new HashMap<>(client);
        c.put(key, value);
        return c;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
