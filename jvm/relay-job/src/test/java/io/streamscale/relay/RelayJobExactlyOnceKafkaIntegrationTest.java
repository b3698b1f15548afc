package io.streamscale.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamscale.options.RelayOptions;
import io.streamscale.testing.KafkaBrokerExtension;
import io.streamscale.testing.KafkaTopics;
import io.streamscale.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --guarantee exactly-once} on the MiniCluster against a real broker: output is
 * invisible to read_committed consumers until a checkpoint commits it, then visible exactly
 * once; stop-with-savepoint and a new job restored from that savepoint (the operator uids)
 * continue without loss or duplicates; checkpoints are retained in {@code --checkpoint-dir}
 * after the job is cancelled.
 */
class RelayJobExactlyOnceKafkaIntegrationTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.oneTaskManagerTwoSlots();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(SecurityProtocol.PLAINTEXT);

    private static final String COMMITTED = "read_committed";
    private static final String UNCOMMITTED = "read_uncommitted";

    @Test
    void commitsOnCheckpointsOnceAndResumesFromASavepoint(@InjectClusterClient ClusterClient<?> cluster, @TempDir Path dir)
            throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        KafkaTopics.create(bootstrap, "e-in", "e-out", "e-dlq");
        produce(bootstrap, 0, 400);
        String checkpoints = dir.resolve("checkpoints").toUri().toString();
        String[] args = {"--bootstrap-servers", bootstrap, "--input-topic", "e-in", "--output-topic", "e-out",
            "--dead-letter-topic", "e-dlq", "--group-id", "exactly-once", "--guarantee", "exactly-once",
            // A job that did not restore the savepoint would read everything again: duplicates.
            "--starting-offsets", "earliest",
            // No checkpoint but the ones the test triggers (the first would come after 10 min).
            "--checkpoint-interval-ms", "600000", "--transaction-timeout-ms", "900000",
            "--checkpoint-dir", checkpoints, "--restart-strategy", "none"};

        JobClient first = start(new Configuration(), args);
        // Written, but in an open transaction: read_uncommitted sees it, read_committed does not.
        assertThat(KafkaTopics.readAll(bootstrap, "e-out", UNCOMMITTED, 400)).hasSize(400);
        assertThat(KafkaTopics.readAll(bootstrap, "e-dlq", UNCOMMITTED, 4)).hasSize(4);
        assertThat(KafkaTopics.endOffsets(bootstrap, "e-out", COMMITTED)).as("last stable offset before the checkpoint").isZero();

        cluster.triggerCheckpoint(first.getJobID(), CheckpointType.FULL).get();
        assertOnce(KafkaTopics.readAll(bootstrap, "e-out", COMMITTED, 400), 0, 400);
        assertThat(KafkaTopics.readAll(bootstrap, "e-dlq", COMMITTED, 4)).hasSize(4);

        String savepoint = first.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL).get();
        produce(bootstrap, 400, 500);
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient second = start(restore, args);
        try {
            // Once the new job has written the 100 new records...
            KafkaTopics.readAll(bootstrap, "e-out", UNCOMMITTED, 500);
            cluster.triggerCheckpoint(second.getJobID(), CheckpointType.FULL).get();
            assertOnce(KafkaTopics.readAll(bootstrap, "e-out", COMMITTED, 500), 0, 500);
            assertThat(KafkaTopics.readAll(bootstrap, "e-dlq", COMMITTED, 5)).hasSize(5);
        } finally {
            second.cancel().get();
        }
        Path jobCheckpoints = dir.resolve("checkpoints").resolve(second.getJobID().toHexString());
        try (Stream<Path> files = Files.walk(jobCheckpoints)) {
            assertThat(files.filter(p -> p.getFileName().toString().equals("_metadata")).count())
                    .as("a checkpoint retained in %s after cancel", jobCheckpoints).isPositive();
        }
    }

    private static JobClient start(Configuration conf, String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.configure(conf);
        env.setParallelism(2);
        RelayJob.define(env, RelayOptions.parse(args));
        return env.executeAsync("relay-exactly-once-test");
    }

    /** Events from..to (exclusive) of one device each, and a dead letter every 100. */
    private static void produce(String bootstrap, int from, int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaTopics.producer(bootstrap)) {
            for (int i = from; i < to; i++) {
                String key = "contoso://device-id-" + i % 7;
                producer.send(new ProducerRecord<>("e-in", bytes(key), bytes("{\"deviceId\":\"" + key + "\",\"n\":" + i + "}")));
                if (i % 100 == 0) {
                    producer.send(new ProducerRecord<>("e-in", bytes(key), bytes("not json " + i)));
                }
            }
            producer.flush();
        }
    }

    /** Each of events from..to exactly once, nothing else. */
    private static void assertOnce(List<ConsumerRecord<byte[], byte[]>> records, int from, int to) {
        List<String> ns = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String v = new String(r.value(), StandardCharsets.UTF_8);
            ns.add(v.substring(v.indexOf("\"n\":") + 4, v.indexOf(",\"enqueuedAt\"")));
        }
        Set<String> want = new HashSet<>();
        for (int i = from; i < to; i++) {
            want.add(String.valueOf(i));
        }
        assertThat(ns).hasSize(to - from).containsExactlyInAnyOrderElementsOf(want);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
