package io.streamscale.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelayOptionsTest {
    private static RelayOptions parse(String args) {
        return RelayOptions.parse(args.split(" "));
    }

    @Test
    void defaults() {
        RelayOptions o = parse("--bootstrap-servers 127.0.0.1:9092");
        assertThat(o.inputTopic).isEqualTo("in");
        assertThat(o.outputTopic).isEqualTo("out");
        assertThat(o.deadLetterTopic).isEqualTo("in-dead-letter");
        assertThat(o.groupId).isEqualTo("streamscale-relay");
        assertThat(o.checkpointIntervalMs).isEqualTo(10_000);
        assertThat(o.startingOffsets).isEqualTo("committed");
        assertThat(o.jobName).isEqualTo("streamscale-relay in->out");
        assertThat(o.kafkaPropertiesFile).isNull();
        assertThat(o.eventHubs).isFalse();
        assertThat(o.guarantee).isEqualTo(RelayOptions.Guarantee.AT_LEAST_ONCE);
        assertThat(o.transactionalIdPrefix).isEqualTo("streamscale-relay-in-out");
        assertThat(o.transactionTimeoutMs).isEqualTo(600_000);
        assertThat(o.checkpointDir).isNull();
        assertThat(o.restartStrategy).isEqualTo("exponential-delay");
        assertThat(o.restartAttempts).isEqualTo(10);
        assertThat(o.restartDelayMs).isEqualTo(1000);
        assertThat(o.dedupWindow).isZero();
        assertThat(o.maxRecordBytes).isEqualTo(1_048_000);
        assertThat(o.bufferTimeoutMs).isEqualTo(5);
        assertThat(o.lingerMs).isZero();
        assertThat(parse("--bootstrap-servers b --kafka-properties-file /s/k.properties").kafkaPropertiesFile).isEqualTo("/s/k.properties");
    }

    @Test
    void everyFlag() {
        RelayOptions o = parse("--bootstrap-servers b --input-topic a --output-topic z --guarantee exactly-once"
                + " --transactional-id-prefix p.1_x --transaction-timeout-ms 120000 --checkpoint-interval-ms 1000"
                + " --checkpoint-dir file:///tmp/cp --restart-strategy fixed-delay --restart-attempts 3 --restart-delay-ms 0"
                + " --dedup-window 100 --max-record-bytes 2000000 --job-name j --buffer-timeout-ms 0 --linger-ms 20");
        assertThat(o.guarantee).isEqualTo(RelayOptions.Guarantee.EXACTLY_ONCE);
        assertThat(o.transactionalIdPrefix).isEqualTo("p.1_x");
        assertThat(o.transactionTimeoutMs).isEqualTo(120_000);
        assertThat(o.checkpointDir).isEqualTo("file:///tmp/cp");
        assertThat(o.restartStrategy).isEqualTo("fixed-delay");
        assertThat(o.restartAttempts).isEqualTo(3);
        assertThat(o.restartDelayMs).isZero();
        assertThat(o.dedupWindow).isEqualTo(100);
        assertThat(o.maxRecordBytes).isEqualTo(2_000_000);
        assertThat(o.bufferTimeoutMs).isZero();
        assertThat(o.lingerMs).isEqualTo(20);
        assertThat(parse("--bootstrap-servers b --guarantee none").guarantee).isEqualTo(RelayOptions.Guarantee.NONE);
        assertThat(parse("--bootstrap-servers b --job-name my/job:1").transactionalIdPrefix).isEqualTo("my-job-1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ns.servicebus.windows.net:9093| true",
        "NS.ServiceBus.Windows.Net:9093| true",
        "a:9092,ns.servicebus.chinacloudapi.cn:9093| true",
        "127.0.0.1:9092| false",
        "servicebus.example.com:9092| false",
    })
    void eventHubsIsToldFromTheBrokers(String brokers, boolean eventHubs) {
        assertThat(RelayOptions.isEventHubs(brokers)).isEqualTo(eventHubs);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--bootstrap-servers k:9092 --output-bootstrap-servers ns.servicebus.windows.net:9093 --guarantee exactly-once|Event Hubs has no Kafka transactions",
        "--input-topic in|--bootstrap-servers is required",
        "--bootstrap-servers|flag --bootstrap-servers needs a value",
        "--bootstrap-servers b --nope x|unknown flag --nope",
        "--bootstrap-servers b --checkpoint-interval-ms 0|--checkpoint-interval-ms must be a positive integer",
        "--bootstrap-servers b --checkpoint-interval-ms x|--checkpoint-interval-ms must be an integer",
        "--bootstrap-servers b --starting-offsets sometime|--starting-offsets must be",
        "--bootstrap-servers b --output-topic in|--output-topic must differ",
        "--bootstrap-servers b --dead-letter-topic out|--dead-letter-topic must differ",
        "stray|unexpected argument stray",
        "--bootstrap-servers b --guarantee twice|--guarantee must be at-least-once, exactly-once, none",
        "--bootstrap-servers ns.servicebus.windows.net:9093 --guarantee exactly-once|Event Hubs has no Kafka transactions",
        "--bootstrap-servers b --transactional-id-prefix a/b|--transactional-id-prefix may only hold",
        "--bootstrap-servers b --guarantee exactly-once --transaction-timeout-ms 1000 --checkpoint-interval-ms 1000|must exceed --checkpoint-interval-ms",
        "--bootstrap-servers b --restart-strategy sometimes|--restart-strategy must be exponential-delay, fixed-delay, none",
        "--bootstrap-servers b --restart-attempts 0|--restart-attempts must be a positive integer",
        "--bootstrap-servers b --restart-delay-ms -1|--restart-delay-ms must be between 0 and",
        "--bootstrap-servers b --dedup-window -1|--dedup-window must be between 0 and 1000000",
        "--bootstrap-servers b --max-record-bytes 100|--max-record-bytes must be at least 4096",
        "--bootstrap-servers b --buffer-timeout-ms -1|--buffer-timeout-ms must be between 0 and 60000",
        "--bootstrap-servers b --linger-ms 60001|--linger-ms must be between 0 and 60000",
        "--bootstrap-servers ns.servicebus.windows.net:9093 --max-record-bytes 1048000|is above what Event Hubs takes (1000000 bytes per request)",
    })
    void badArgumentsNameTheFlag(String args, String message) {
        assertThatThrownBy(() -> parse(args))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
