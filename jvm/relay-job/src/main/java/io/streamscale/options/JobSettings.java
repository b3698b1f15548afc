package io.streamscale.options;

import io.streamscale.options.RelayOptions.Guarantee;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * What the jobs' options set on Flink, for both jobs alike: checkpointing, retained
 * checkpoints, checkpoint storage, the restart strategy, the network buffer timeout, and the
 * global job parameters the CLI reads back (REST {@code /jobs/:id/config}) to tell which job
 * runs and how.
 */
public final class JobSettings {
    private JobSettings() {}

    /** The global job parameter with the job's bootstrap servers. */
    public static final String JOB_PARAM_BOOTSTRAP_SERVERS = "bootstrap-servers";
    /** The global job parameter with the job's guarantee ({@code at-least-once}, …). */
    public static final String JOB_PARAM_GUARANTEE = "guarantee";
    /** The global job parameter with the job's de-duplication window (0 = off). */
    public static final String JOB_PARAM_DEDUP_WINDOW = "dedup-window";
    /** The global job parameter with the network buffer timeout in ms. */
    public static final String JOB_PARAM_BUFFER_TIMEOUT_MS = "buffer-timeout-ms";
    /** The global job parameter with the sink producer's linger.ms. */
    public static final String JOB_PARAM_LINGER_MS = "linger-ms";
    /** The global job parameter with which job this is: {@link #RELAY} or {@link #COMPLEX}. */
    public static final String JOB_PARAM_JOB = "job";
    /** The relay's {@link #JOB_PARAM_JOB}. */
    public static final String RELAY = "relay";
    /** The complex job's {@link #JOB_PARAM_JOB}. */
    public static final String COMPLEX = "complex";

    /**
     * The network buffer timeout, checkpointing (mode from the guarantee; none: off), retained
     * checkpoints, checkpoint storage, the restart strategy, and the global job parameters
     * ({@code kind}: which job).
     */
    public static void configure(StreamExecutionEnvironment env, RelayOptions o, String kind) {
        Configuration c = new Configuration();
        switch (o.restartStrategy) {
            case "fixed-delay":
                c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
                c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, o.restartAttempts);
                c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(o.restartDelayMs));
                break;
            case "none":
                c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
                break;
            default:
                c.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
                c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
                c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
                c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(60));
        }
        if (o.guarantee != Guarantee.NONE) {
            c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
            if (o.checkpointDir != null) {
                c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
                c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, o.checkpointDir);
            }
        }
        env.configure(c);
        env.setBufferTimeout(o.bufferTimeoutMs);
        if (o.guarantee != Guarantee.NONE) {
            env.enableCheckpointing(o.checkpointIntervalMs, o.guarantee == Guarantee.EXACTLY_ONCE
                    ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
        }
        // Flink's REST API shows these (/jobs/:id/config, user-config), so that streamscale
        // reuses a relay only for the same brokers and topics and can tell its settings. Never
        // a secret here.
        env.getConfig().setGlobalJobParameters(ParameterTool.fromMap(Map.of(
                JOB_PARAM_BOOTSTRAP_SERVERS, o.bootstrapServers,
                "input-topic", o.inputTopic,
                "output-topic", o.outputTopic,
                JOB_PARAM_GUARANTEE, o.guarantee.flag,
                JOB_PARAM_DEDUP_WINDOW, String.valueOf(o.dedupWindow),
                JOB_PARAM_BUFFER_TIMEOUT_MS, String.valueOf(o.bufferTimeoutMs),
                JOB_PARAM_LINGER_MS, String.valueOf(o.lingerMs),
                JOB_PARAM_JOB, kind)));
    }
}
