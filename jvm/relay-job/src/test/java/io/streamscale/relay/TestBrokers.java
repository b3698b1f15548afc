package io.streamscale.relay;

import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** Real Kafka brokers for the job tests: one combined KRaft node from Kafka's own test kit. */
final class TestBrokers {
    private TestBrokers() {}

    /**
     * Formats and starts a one-node cluster whose clients connect with {@code protocol}
     * (PLAINTEXT, or SASL_PLAINTEXT with the test kit's PLAIN users); close it when done.
     */
    static KafkaClusterTestKit start(SecurityProtocol protocol) throws Exception {
        KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBrokerSecurityProtocol(protocol)
                        .setControllerSecurityProtocol(protocol)
                        .build())
                // One broker: the internal topics (committed offsets, transactions) get one
                // replica, as in the local stack's server.properties.
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .build();
        try {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }
}
