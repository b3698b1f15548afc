package io.streamscale.relay;

import io.streamscale.testing.KafkaBrokerExtension;
import io.streamscale.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.JaasUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay job against a real broker that requires SASL (PLAIN over SASL_PLAINTEXT): its
 * credentials reach the job only through {@code --kafka-properties-file}, as
 * {@code streamscale run} passes them, never in its arguments.
 */
class RelayJobSaslKafkaIntegrationTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.oneTaskManagerTwoSlots();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(SecurityProtocol.SASL_PLAINTEXT);

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + JaasUtils.KAFKA_PLAIN_ADMIN + "\" password=\"" + JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD + "\";";

    @Test
    void relaysWithCredentialsFromThePropertiesFile(@TempDir Path dir) throws Exception {
        Path props = dir.resolve("kafka.properties");
        Files.writeString(props, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config="
                + JAAS + "\n", StandardCharsets.UTF_8);
        Map<String, Object> client = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config", JAAS);
        RelayScenario.run(KAFKA.bootstrapServers(), client, new String[] {"--kafka-properties-file", props.toString()});
    }
}
