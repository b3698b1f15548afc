package io.streamscale.relay;

import io.streamscale.testing.KafkaBrokerExtension;
import io.streamscale.testing.MiniClusters;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.security.auth.SecurityProtocol;
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

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(SecurityProtocol.PLAINTEXT);

    @Test
    void relaysEveryRecordWithTheBrokersTimestamp() throws Exception {
        RelayScenario.run(KAFKA.bootstrapServers(), Map.of(), new String[0]);
    }
}
