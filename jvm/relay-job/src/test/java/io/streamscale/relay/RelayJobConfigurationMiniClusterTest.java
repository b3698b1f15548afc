package io.streamscale.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamscale.options.JobSettings;
import io.streamscale.options.RelayOptions;
import io.streamscale.testing.MiniClusters;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job's restart strategy and job parameters as {@link JobSettings#configure} sets them, taking
 * effect on Flink's MiniCluster: a job that always fails is attempted as often as the strategy
 * says, then fails for good.
 */
class RelayJobConfigurationMiniClusterTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.oneTaskManagerTwoSlots();

    /** How often {@link AlwaysFails} was opened: once per attempt (the MiniCluster runs in this JVM). */
    static final AtomicInteger ATTEMPTS = new AtomicInteger();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--restart-strategy fixed-delay --restart-attempts 2 --restart-delay-ms 0|3",
        "--restart-strategy none|1",
        "--restart-strategy fixed-delay --restart-attempts 1 --restart-delay-ms 10 --guarantee none|2",
    })
    void theRestartStrategyTakesEffect(String args, int attempts) {
        ATTEMPTS.set(0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        JobSettings.configure(env, RelayOptions.parse(("--bootstrap-servers unused:9092 " + args).split(" ")), JobSettings.RELAY);
        env.fromData(1, 2, 3).map(new AlwaysFails()).sinkTo(new DiscardingSink<>());
        assertThatThrownBy(() -> env.execute("always fails")).hasRootCauseMessage("failing on purpose");
        assertThat(ATTEMPTS).hasValue(attempts);
    }

    @Test
    void publishesItsSettingsAsJobParameters() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobSettings.configure(env, RelayOptions.parse(("--bootstrap-servers b:9092 --guarantee exactly-once --dedup-window 100 --input-topic i --output-topic o"
                + " --buffer-timeout-ms 0 --linger-ms 2").split(" ")), JobSettings.RELAY);
        assertThat(env.getBufferTimeout()).isZero();
        assertThat(env.getConfig().getGlobalJobParameters().toMap())
                .containsEntry("buffer-timeout-ms", "0")
                .containsEntry("linger-ms", "2")
                .containsEntry("bootstrap-servers", "b:9092")
                .containsEntry("input-topic", "i")
                .containsEntry("output-topic", "o")
                .containsEntry("guarantee", "exactly-once")
                .containsEntry("dedup-window", "100");
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isTrue();
        assertThat(env.getCheckpointConfig().getCheckpointingConsistencyMode()).hasToString("EXACTLY_ONCE");

        StreamExecutionEnvironment none = StreamExecutionEnvironment.getExecutionEnvironment();
        JobSettings.configure(none, RelayOptions.parse("--bootstrap-servers b:9092 --guarantee none".split(" ")), JobSettings.RELAY);
        assertThat(none.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
        assertThat(none.getBufferTimeout()).isEqualTo(RelayOptions.DEFAULT_BUFFER_TIMEOUT_MS);
    }

    @Test
    void theRelayReusesObjectsAndEmitsNoWatermarks() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RelayJob.define(env, RelayOptions.parse("--bootstrap-servers b:9092".split(" ")));
        assertThat(env.getConfig().isObjectReuseEnabled()).isTrue();
        assertThat(env.getConfig().getAutoWatermarkInterval()).isZero();
    }

    /** Opens (counting the attempt) and fails on its first record. */
    static final class AlwaysFails extends RichMapFunction<Integer, Integer> {
        @Override
        public void open(OpenContext ctx) {
            ATTEMPTS.incrementAndGet();
        }

        @Override
        public Integer map(Integer value) {
            throw new IllegalStateException("failing on purpose");
        }
    }
}
