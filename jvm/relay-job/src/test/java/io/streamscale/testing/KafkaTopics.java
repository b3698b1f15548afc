package io.streamscale.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for the job tests against a real broker (no security). */
public final class KafkaTopics {
    private KafkaTopics() {}

    public static final Duration DEADLINE = Duration.ofMinutes(2);

    /** Creates the relay's three topics: input and output LogAppendTime, as the local stack has. */
    public static void create(String bootstrap, String in, String out, String deadLetter) throws Exception {
        Map<String, String> logAppendTime = Map.of("message.timestamp.type", "LogAppendTime");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic(in, 2, (short) 1).configs(logAppendTime),
                            new NewTopic(out, 2, (short) 1).configs(logAppendTime),
                            new NewTopic(deadLetter, 1, (short) 1)))
                    .all()
                    .get();
        }
    }

    /** A producer that waits for all replicas and takes records up to the broker's limit. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_200_000);
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Reads topic from the start until it has at least {@code atLeast} records, then on to its
     * end as {@code isolation} sees it ({@code read_committed}: the last stable offset), so
     * that records beyond the expected ones show; fails after DEADLINE.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, String isolation, long atLeast) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Instant deadline = Instant.now().plus(DEADLINE);
            while (got.size() < atLeast) {
                assertThat(Instant.now()).as("%d records in %s (%s) within %s, got %d", atLeast, topic, isolation, DEADLINE, got.size())
                        .isBefore(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (!reached(consumer, end)) {
                assertThat(Instant.now()).as("%s read to its end within %s", topic, DEADLINE).isBefore(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
        }
        return got;
    }

    /** The sum of topic's end offsets as {@code isolation} sees them. */
    public static long endOffsets(String bootstrap, String topic, String isolation) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            return consumer.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        Set<TopicPartition> parts = end.keySet();
        for (TopicPartition p : parts) {
            if (consumer.position(p) < end.get(p)) {
                return false;
            }
        }
        return true;
    }
}
