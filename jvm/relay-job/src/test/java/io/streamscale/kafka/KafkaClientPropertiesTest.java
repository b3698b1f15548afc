package io.streamscale.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {
    @Test
    void loadsTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("kafka.properties");
        Files.writeString(f, "# a comment\nsecurity.protocol=SASL_SSL\nsasl.jaas.config=x required password=\"s3cret\";\n", StandardCharsets.UTF_8);
        Properties p = KafkaClientProperties.load(f.toString());
        assertThat(p).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.jaas.config", "x required password=\"s3cret\";");
        Properties c = KafkaClientProperties.copy(p);
        c.setProperty("linger.ms", "5");
        assertThat(p).doesNotContainKey("linger.ms");
    }

    @Test
    void noFileIsNoSettings() {
        assertThat(KafkaClientProperties.load(null)).isEmpty();
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        String missing = dir.resolve("absent.properties").toString();
        assertThatThrownBy(() -> KafkaClientProperties.load(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining("readable where the Flink JobManager runs");
    }

    @Test
    void reservedKeysAreRefusedWithoutTheirValues(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("kafka.properties");
        Files.writeString(f, "bootstrap.servers=secret-host:9093\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> KafkaClientProperties.load(f.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrap.servers is set by the job itself")
                .hasMessageNotContaining("secret-host");
    }
}
