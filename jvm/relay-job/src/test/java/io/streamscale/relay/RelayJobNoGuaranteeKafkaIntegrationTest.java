package io.streamscale.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamscale.options.RelayOptions;
import io.streamscale.testing.KafkaBrokerExtension;
import io.streamscale.testing.KafkaTopics;
import io.streamscale.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --guarantee none} on the MiniCluster against a real broker: no checkpoints, yet every
 * record is relayed and the source's consumer commits its offsets itself (Kafka's auto-commit),
 * so that a replacement job resumes near where this one stopped.
 */
class RelayJobNoGuaranteeKafkaIntegrationTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.oneTaskManagerTwoSlots();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(SecurityProtocol.PLAINTEXT);

    @Test
    void relaysAndCommitsOffsetsWithoutCheckpoints() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        KafkaTopics.create(bootstrap, "n-in", "n-out", "n-dlq");
        int n = 300;
        try (KafkaProducer<byte[], byte[]> producer = KafkaTopics.producer(bootstrap)) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>("n-in", bytes("d" + i % 5), bytes("{\"n\":" + i + "}")));
            }
            producer.flush();
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        RelayJob.define(env, RelayOptions.parse(new String[] {"--bootstrap-servers", bootstrap, "--input-topic", "n-in",
            "--output-topic", "n-out", "--dead-letter-topic", "n-dlq", "--group-id", "no-guarantee", "--guarantee", "none"}));
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
        JobClient job = env.executeAsync("relay-no-guarantee-test");
        try {
            assertThat(KafkaTopics.readAll(bootstrap, "n-out", "read_uncommitted", n)).hasSize(n);
            // Auto-commit runs every 5 s: wait (bounded) until the group has committed all of n-in.
            Instant deadline = Instant.now().plus(KafkaTopics.DEADLINE);
            try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                long committed = 0;
                while (committed < n) {
                    assertThat(Instant.now()).as("group no-guarantee committed %d of %d offsets", committed, n).isBefore(deadline);
                    Map<?, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("no-guarantee").partitionsToOffsetAndMetadata().get();
                    committed = offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
                    Thread.sleep(200); // a poll interval, not an assumption: the loop ends on the condition
                }
            }
        } finally {
            job.cancel().get();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
