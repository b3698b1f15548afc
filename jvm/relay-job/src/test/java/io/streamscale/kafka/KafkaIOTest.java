package io.streamscale.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamscale.options.RelayOptions;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The client settings {@link KafkaIO} gives the source and the sink, from the jobs' options. */
class KafkaIOTest {
    private static RelayOptions parse(String args) {
        return RelayOptions.parse(args.split(" "));
    }

    @Test
    void eventHubsGetsMicrosoftsSettings() {
        RelayOptions o = parse("--bootstrap-servers ns.servicebus.windows.net:9093");
        assertThat(o.eventHubs).isTrue();
        assertThat(o.maxRecordBytes).isEqualTo(999_000);
        Properties file = new Properties();
        file.setProperty("security.protocol", "SASL_SSL");
        file.setProperty("request.timeout.ms", "45000");
        Properties p = KafkaIO.withEventHubsDefaults(o, file, true);
        assertThat(p).containsEntry("metadata.max.age.ms", "180000").containsEntry("connections.max.idle.ms", "180000")
                .containsEntry("enable.idempotence", "false").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("request.timeout.ms", "45000"); // the file's value wins
        assertThat(KafkaIO.withEventHubsDefaults(parse("--bootstrap-servers k:9092"), file, true)).isEqualTo(file);
    }

    @Test
    void outputOnAnotherClusterGetsItsOwnSettings() {
        RelayOptions same = parse("--bootstrap-servers k:9092 --kafka-properties-file /s/in.properties");
        assertThat(same.outputBootstrapServers).isEqualTo("k:9092");
        assertThat(same.outputKafkaPropertiesFile).isEqualTo("/s/in.properties");
        assertThat(same.outputEventHubs).isFalse();

        RelayOptions two = parse("--bootstrap-servers a.servicebus.windows.net:9093 --kafka-properties-file /s/in.properties"
                + " --output-bootstrap-servers b.servicebus.windows.net:9093 --output-kafka-properties-file /s/out.properties");
        assertThat(two.outputBootstrapServers).isEqualTo("b.servicebus.windows.net:9093");
        assertThat(two.outputKafkaPropertiesFile).isEqualTo("/s/out.properties");
        assertThat(two.outputEventHubs).isTrue();
        assertThat(two.maxRecordBytes).isEqualTo(999_000);

        // Kafka in, Event Hubs out: the sink takes Microsoft's settings, the source does not.
        RelayOptions mixed = parse("--bootstrap-servers k:9092 --output-bootstrap-servers b.servicebus.windows.net:9093");
        Properties none = new Properties();
        assertThat(KafkaIO.withEventHubsDefaults(mixed, none, true)).containsEntry("enable.idempotence", "false");
        assertThat(KafkaIO.withEventHubsDefaults(mixed, none, false)).isEmpty();
        assertThat(mixed.maxRecordBytes).isEqualTo(999_000);
        assertThat(KafkaIO.outputClient(same, none)).isSameAs(none);
    }
}
