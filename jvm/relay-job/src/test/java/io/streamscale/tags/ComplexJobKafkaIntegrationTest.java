package io.streamscale.tags;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamscale.kafka.RelaySerializer;
import io.streamscale.testing.KafkaBrokerExtension;
import io.streamscale.testing.KafkaTopics;
import io.streamscale.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The complex job as it is submitted ({@link ComplexJob#define}: Kafka source with event-time
 * watermarks, parse, keyed tags, Kafka sink, at-least-once checkpoints) on Flink's MiniCluster
 * against a real Kafka broker: every tag kind, exactly the expected tags, dead letters.
 */
class ComplexJobKafkaIntegrationTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.oneTaskManagerTwoSlots();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(SecurityProtocol.PLAINTEXT);

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> inputs = new ArrayList<>();
    private final Set<String> want = new HashSet<>();
    private int ids;

    @Test
    void emitsExactlyTheExpectedTagsOfEveryKind() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        KafkaTopics.create(bootstrap, "in", "out", "in-dead-letter");
        try (KafkaProducer<byte[], byte[]> producer = KafkaTopics.producer(bootstrap)) {
            // Four devices as the generator makes them (even TEMP, odd CO2), 12 events 1 s apart:
            // First, 2..9 RecordsForThisKey, NoNews for the last; a TEMP device's second reading
            // in [70, 80) (its 6th event) makes SeveralTemperaturesIn70s.
            for (int d = 0; d < 4; d++) {
                String device = "contoso://device-id-" + d;
                String type = d % 2 == 0 ? "TEMP" : "CO2";
                String last = null;
                for (int i = 0; i < 12; i++) {
                    double value = type.equals("TEMP") && (i == 3 || i == 5) ? 75.5 : 10;
                    last = send(producer, device, type, value, T0 + i * 1000L + d, -1);
                    if (i == 0) {
                        expect(device, "FirstTagForThisKey", last);
                    } else if (i < 9) {
                        expect(device, (i + 1) + "RecordsForThisKey", last);
                    }
                    if (type.equals("TEMP") && i == 5) {
                        expect(device, "SeveralTemperaturesIn70s", last);
                    }
                    if (d == 0 && i == 2) {
                        producer.send(new ProducerRecord<>("in", bytes(device), bytes(inputs.get(inputs.size() - 1)))); // a duplicate
                    }
                }
                expect(device, "NoNewsForAtLeast45000ms", last);
            }
            // A device with both types (the generator makes them only with --mixed-types):
            // HighCO2WithSeveralTemperaturesIn70s on every event while the buffer holds a CO2
            // reading above 80 and two temperatures in [70, 80).
            String mixed = "mixed";
            expect(mixed, "FirstTagForThisKey", send(producer, mixed, "TEMP", 71, T0, -1));
            String second = send(producer, mixed, "TEMP", 79.9, T0 + 1, -1);
            expect(mixed, "2RecordsForThisKey", second);
            expect(mixed, "SeveralTemperaturesIn70s", second);
            String co2 = send(producer, mixed, "CO2", 80.01, T0 + 2, -1);
            expect(mixed, "3RecordsForThisKey", co2);
            expect(mixed, "HighCO2WithSeveralTemperaturesIn70s", co2);
            String after = send(producer, mixed, "TEMP", 10, T0 + 3, -1); // the three still buffered
            expect(mixed, "4RecordsForThisKey", after);
            expect(mixed, "HighCO2WithSeveralTemperaturesIn70s", after);
            expect(mixed, "NoNewsForAtLeast45000ms", after);
            // The sample's rule with the CO2 reading first (the example): the second
            // temperature is the trigger.
            String early = "co2-first";
            expect(early, "FirstTagForThisKey", send(producer, early, "CO2", 95, T0, -1));
            expect(early, "2RecordsForThisKey", send(producer, early, "TEMP", 71, T0 + 1, -1));
            String temp72 = send(producer, early, "TEMP", 72, T0 + 2, -1);
            expect(early, "3RecordsForThisKey", temp72);
            expect(early, "SeveralTemperaturesIn70s", temp72);
            expect(early, "HighCO2WithSeveralTemperaturesIn70s", temp72);
            expect(early, "NoNewsForAtLeast45000ms", temp72);
            // Not events: dead letters.
            producer.send(new ProducerRecord<>("in", bytes("k"), bytes("not json")));
            producer.send(new ProducerRecord<>("in", bytes("k"), bytes("{\"deviceId\":\"x\"}")));
            // One event ten minutes later in each partition moves the watermark past every
            // timer above (never past its own).
            for (int p = 0; p < 2; p++) {
                expect("clock-" + p, "FirstTagForThisKey", send(producer, "clock-" + p, "CO2", 1, T0 + 600_000, p));
            }
            producer.flush();
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ComplexJob.define(env, ComplexJob.options(new String[] {"--bootstrap-servers", bootstrap, "--checkpoint-interval-ms", "500"}));
        JobClient job = env.executeAsync("complex-job-kafka-test");
        List<ConsumerRecord<byte[], byte[]>> out;
        List<ConsumerRecord<byte[], byte[]>> dead;
        try {
            out = KafkaTopics.readAll(bootstrap, "out", "read_uncommitted", want.size());
            dead = KafkaTopics.readAll(bootstrap, "in-dead-letter", "read_uncommitted", 2);
        } finally {
            job.cancel().get();
        }

        List<String> got = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            JsonNode o = JSON.readTree(r.value());
            String device = o.get("deviceId").textValue();
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(device);
            assertThat(Instant.parse(o.get("processedAt").textValue()).toEpochMilli()).isLessThanOrEqualTo(r.timestamp());
            assertThat(o.get("triggerEventCreatedAt").isTextual()).isTrue();
            got.add(device + " " + o.get("tag").textValue() + " " + o.get("triggerEventId").textValue());
        }
        assertThat(got).as("tags, each once").doesNotHaveDuplicates();
        assertThat(new HashSet<>(got)).isEqualTo(want);
        assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("not json", "{\"deviceId\":\"x\"}");
        assertThat(dead).allSatisfy(r -> assertThat(r.headers().lastHeader(RelaySerializer.ERROR_HEADER)).isNotNull());
    }

    /** Sends an event (to {@code partition}, or by key when -1); returns its eventId. */
    private String send(KafkaProducer<byte[], byte[]> producer, String device, String type, double value, long createdAt, int partition) {
        String id = "event-" + (ids++);
        String json = "{\"eventId\":\"" + id + "\",\"value\":" + value + ",\"deviceId\":\"" + device + "\",\"type\":\"" + type
                + "\",\"createdAt\":\"" + Instant.ofEpochMilli(createdAt) + "\"}";
        inputs.add(json);
        producer.send(partition < 0 ? new ProducerRecord<>("in", bytes(device), bytes(json))
                : new ProducerRecord<>("in", partition, bytes(device), bytes(json)));
        return id;
    }

    private void expect(String device, String tag, String eventId) {
        want.add(device + " " + tag + " " + eventId);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
