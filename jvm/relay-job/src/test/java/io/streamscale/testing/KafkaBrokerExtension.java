package io.streamscale.testing;

import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker for a test class: one combined KRaft node from Kafka's own test kit,
 * started before the class's tests and closed after them. Register it as a static field with
 * {@code @RegisterExtension}.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private final SecurityProtocol protocol;
    private KafkaClusterTestKit kafka;

    /**
     * A broker whose clients connect with {@code protocol}: PLAINTEXT, or SASL_PLAINTEXT with
     * the test kit's PLAIN users (see {@code JaasUtils}).
     */
    public KafkaBrokerExtension(SecurityProtocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
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
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The broker's bootstrap servers. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
