package io.streamscale.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelayOptionsTest {
    @Test
    void defaults() {
        RelayOptions o = RelayOptions.parse(new String[] {"--bootstrap-servers", "127.0.0.1:9092"});
        assertThat(o.inputTopic).isEqualTo("in");
        assertThat(o.outputTopic).isEqualTo("out");
        assertThat(o.deadLetterTopic).isEqualTo("in-dead-letter");
        assertThat(o.groupId).isEqualTo("streamscale-relay");
        assertThat(o.checkpointIntervalMs).isEqualTo(10_000);
        assertThat(o.startingOffsets).isEqualTo("committed");
        assertThat(o.jobName).isEqualTo("streamscale-relay in->out");
        assertThat(o.kafkaPropertiesFile).isNull();
        assertThat(RelayOptions.parse(new String[] {"--bootstrap-servers", "b", "--kafka-properties-file", "/s/k.properties"})
                        .kafkaPropertiesFile)
                .isEqualTo("/s/k.properties");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--input-topic in|--bootstrap-servers is required",
        "--bootstrap-servers|flag --bootstrap-servers needs a value",
        "--bootstrap-servers b --nope x|unknown flag --nope",
        "--bootstrap-servers b --checkpoint-interval-ms 0|--checkpoint-interval-ms must be a positive integer",
        "--bootstrap-servers b --starting-offsets sometime|--starting-offsets must be",
        "--bootstrap-servers b --output-topic in|--output-topic must differ",
        "stray|unexpected argument stray",
    })
    void badArgumentsNameTheFlag(String args, String message) {
        assertThatThrownBy(() -> RelayOptions.parse(args.split(" ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
