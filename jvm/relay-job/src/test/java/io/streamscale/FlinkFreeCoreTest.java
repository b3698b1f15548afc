package io.streamscale;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The jobs' core logic stays free of Flink across the package split: none of these compiled
 * classes refers to anything under {@code org.apache.flink} (a reference to a Flink class, even
 * in a signature, is a {@code org/apache/flink/} entry in the class file's constant pool).
 */
class FlinkFreeCoreTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "json/ObjectScan", "json/Splice", "json/Timestamps",
        "kafka/KafkaInput", "kafka/Relayed", "kafka/KafkaClientProperties",
        "options/RelayOptions", "options/RelayOptions$Guarantee",
        "relay/RecordRelay", "relay/DeviceTags", "relay/DeviceTags$Tag", "relay/DeviceEvent",
        "tags/EventTime",
    })
    void refersToNoFlinkClass(String name) throws Exception {
        byte[] b;
        try (InputStream in = FlinkFreeCoreTest.class.getResourceAsStream("/io/streamscale/" + name + ".class")) {
            assertThat(in).as("class io.streamscale.%s", name).isNotNull();
            b = in.readAllBytes();
        }
        assertThat(new String(b, StandardCharsets.ISO_8859_1)).as("io.streamscale.%s refers to Flink", name)
                .doesNotContain("org/apache/flink/");
    }
}
