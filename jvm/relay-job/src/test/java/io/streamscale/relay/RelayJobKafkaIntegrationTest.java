package io.streamscale.relay;

import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The relay job as it is submitted (Kafka source, transform, Kafka sink, at-least-once
 * checkpoints) on Flink's MiniCluster against a real Kafka broker: a KRaft node started in this
 * JVM by Kafka's own test kit, with LogAppendTime topics as the local stack and Event Hubs have.
 */
class RelayJobKafkaIntegrationTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.oneTaskManagerTwoSlots();

    private static KafkaClusterTestKit kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestBrokers.start(SecurityProtocol.PLAINTEXT);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void relaysEveryRecordWithTheBrokersTimestamp() throws Exception {
        RelayScenario.run(kafka.bootstrapServers(), Map.of(), new String[0]);
    }
}
