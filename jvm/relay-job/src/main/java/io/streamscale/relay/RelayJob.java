package io.streamscale.relay;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The streamscale relay: reads the input topic, sets {@code enqueuedAt} (the input record's
 * Kafka timestamp) and {@code processedAt} (when the job handled it) on each JSON object, and
 * writes it with the same key and headers to the output topic; any other record goes to the
 * dead-letter topic with the reason (see {@link RecordRelay}); no record can fail the job.
 * At-least-once by default, exactly-once or none on request, checkpoints retained on cancel.
 * Arguments: see {@link RelayOptions}.
 *
 * <p>Operator uids: {@code kafka-source}, {@code relay}, {@code dedup} (with
 * {@code --dedup-window}), {@code kafka-sink}; keep them, so savepoints stay compatible.
 */
public final class RelayJob {
    private RelayJob() {}

    /** The global job parameter with the job's bootstrap servers. */
    static final String JOB_PARAM_BOOTSTRAP_SERVERS = "bootstrap-servers";
    /** The global job parameter with the job's guarantee ({@code at-least-once}, …). */
    static final String JOB_PARAM_GUARANTEE = "guarantee";
    /** The global job parameter with the job's de-duplication window (0 = off). */
    static final String JOB_PARAM_DEDUP_WINDOW = "dedup-window";
    /** The global job parameter with the network buffer timeout in ms. */
    static final String JOB_PARAM_BUFFER_TIMEOUT_MS = "buffer-timeout-ms";
    /** The global job parameter with the sink producer's linger.ms. */
    static final String JOB_PARAM_LINGER_MS = "linger-ms";
    /** The global job parameter with which job this is: {@code relay} or {@code complex}. */
    static final String JOB_PARAM_JOB = "job";
    /** This job's {@link #JOB_PARAM_JOB}. */
    static final String JOB_KIND = "relay";

    public static void main(String[] args) throws Exception {
        RelayOptions o = RelayOptions.parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        define(env, o);
        env.execute(o.jobName);
    }

    /**
     * Adds the relay's Kafka source, transform and Kafka sink to {@code env}, with its
     * checkpointing and restart settings; the caller executes it.
     */
    static void define(StreamExecutionEnvironment env, RelayOptions o) {
        configure(env, o, JOB_KIND);
        // No operator keeps or changes a record it was given (the deserializer and the relay
        // make new ones), so chained operators may hand records on without Flink copying each
        // one through its serializer: measured, the copies were ~30% of the TaskManager's
        // allocation at 10k events/s.
        env.getConfig().enableObjectReuse();
        // The relay reads with no watermarks: no periodic watermark timer.
        env.getConfig().setAutoWatermarkInterval(0);
        Properties client = KafkaClientProperties.load(o.kafkaPropertiesFile);
        DataStream<KafkaInput> input = input(env, o, client, WatermarkStrategy.noWatermarks());
        RelayFunction relay = new RelayFunction(System::currentTimeMillis, o.maxRecordBytes, o.dedupWindow > 0);
        output(RelayPipeline.build(input, relay, o.dedupWindow), o, outputClient(o, client));
    }

    /** The Kafka source (uid {@code kafka-source}) with {@code watermarks}: what every job reads. */
    static DataStream<KafkaInput> input(StreamExecutionEnvironment env, RelayOptions o, Properties client,
            WatermarkStrategy<KafkaInput> watermarks) {
        return env.fromSource(source(o, client), watermarks, "kafka: " + o.inputTopic).uid("kafka-source");
    }

    /**
     * The Kafka sink (uid {@code kafka-sink}) for {@code out}: records to the output topic, dead
     * letters to the dead-letter topic, with the guarantee's delivery.
     */
    static void output(DataStream<Relayed> out, RelayOptions o, Properties client) {
        out.sinkTo(sink(o, client)).name("kafka: " + o.outputTopic + " / " + o.deadLetterTopic).uid("kafka-sink");
    }

    /**
     * The sink's client properties: {@code client} (the input's) unless the output cluster has
     * a properties file of its own.
     */
    static Properties outputClient(RelayOptions o, Properties client) {
        if (o.outputKafkaPropertiesFile == null || o.outputKafkaPropertiesFile.equals(o.kafkaPropertiesFile)) {
            return client;
        }
        return KafkaClientProperties.load(o.outputKafkaPropertiesFile);
    }

    /** {@link #configure(StreamExecutionEnvironment, RelayOptions, String)} for the relay. */
    static void configure(StreamExecutionEnvironment env, RelayOptions o) {
        configure(env, o, JOB_KIND);
    }

    /**
     * The network buffer timeout, checkpointing (mode from the guarantee; none: off), retained
     * checkpoints, checkpoint storage, the restart strategy, and the global job parameters
     * ({@code kind}: which job).
     */
    static void configure(StreamExecutionEnvironment env, RelayOptions o, String kind) {
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
        if (o.guarantee != RelayOptions.Guarantee.NONE) {
            c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
            if (o.checkpointDir != null) {
                c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
                c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, o.checkpointDir);
            }
        }
        env.configure(c);
        env.setBufferTimeout(o.bufferTimeoutMs);
        if (o.guarantee != RelayOptions.Guarantee.NONE) {
            env.enableCheckpointing(o.checkpointIntervalMs, o.guarantee == RelayOptions.Guarantee.EXACTLY_ONCE
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

    static KafkaSource<KafkaInput> source(RelayOptions o, Properties client) {
        var b = KafkaSource.<KafkaInput>builder()
                .setProperties(withEventHubsDefaults(o, client, false))
                .setBootstrapServers(o.bootstrapServers)
                .setTopics(o.inputTopic)
                .setGroupId(o.groupId)
                .setStartingOffsets(startingOffsets(o.startingOffsets))
                .setDeserializer(new KafkaInputDeserializer())
                .setProperty("client.id.prefix", o.groupId);
        switch (o.guarantee) {
            case NONE:
                // No checkpoints to commit offsets on: the consumer commits them itself.
                b.setProperty("enable.auto.commit", "true").setProperty("commit.offsets.on.checkpoint", "false");
                break;
            case EXACTLY_ONCE:
                // An upstream transactional writer's aborted records are not relayed.
                b.setProperty("isolation.level", "read_committed");
                break;
            default:
        }
        return b.build();
    }

    static KafkaSink<Relayed> sink(RelayOptions o, Properties client) {
        KafkaSinkBuilder<Relayed> b = KafkaSink.<Relayed>builder()
                .setKafkaProducerConfig(withEventHubsDefaults(o, client, true))
                .setBootstrapServers(o.outputBootstrapServers)
                .setRecordSerializer(new RelaySerializer(o.outputTopic, o.deadLetterTopic))
                .setProperty("linger.ms", String.valueOf(o.lingerMs));
        if (o.outputEventHubs) {
            // Microsoft's limit: no request above 1,000,000 bytes (it drops the connection above
            // 1,046,528), so no batch above it either.
            b.setProperty("batch.size", String.valueOf(RelayOptions.EVENT_HUBS_MAX_REQUEST_BYTES))
                    .setProperty("max.request.size", String.valueOf(RelayOptions.EVENT_HUBS_MAX_REQUEST_BYTES));
        } else {
            // ~1,000 sample events per batch instead of the client's 16 KB (~17): measured with
            // `streamscale bench relay`, 0.13 → 0.41 of the broker's read rate.
            b.setProperty("batch.size", String.valueOf(1 << 20))
                    .setProperty("max.request.size", String.valueOf(Math.max(1 << 20, o.maxRecordBytes)));
        }
        switch (o.guarantee) {
            case EXACTLY_ONCE:
                b.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix(o.transactionalIdPrefix)
                        .setProperty("transaction.timeout.ms", String.valueOf(o.transactionTimeoutMs));
                break;
            case NONE:
                b.setDeliveryGuarantee(DeliveryGuarantee.NONE);
                break;
            default:
                b.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        }
        return b.build();
    }

    /**
     * The client properties with, on Event Hubs, Microsoft's recommended Kafka client settings
     * underneath (the file's own values win); see "Recommended configurations for Apache Kafka
     * clients" and internal/kafkaconn/eventhubs.go, which sets the same for the CLI's clients.
     */
    static Properties withEventHubsDefaults(RelayOptions o, Properties client, boolean producer) {
        Properties p = new Properties();
        if (producer ? o.outputEventHubs : o.eventHubs) {
            // Azure closes connections idle for 240 s: stay below, as for metadata refreshes.
            p.setProperty("metadata.max.age.ms", "180000");
            p.setProperty("connections.max.idle.ms", "180000");
            // The service may take up to 20 s itself; 60000 is what Microsoft asks for.
            p.setProperty("request.timeout.ms", "60000");
            if (producer) {
                // As the CLI's clients: Microsoft documents idempotent produce on Event Hubs only
                // with its transactions (Premium/Dedicated preview). Without it, one request in
                // flight per connection keeps a partition's order across retries.
                p.setProperty("enable.idempotence", "false");
                p.setProperty("max.in.flight.requests.per.connection", "1");
            }
        }
        p.putAll(client);
        return p;
    }

    private static OffsetsInitializer startingOffsets(String mode) {
        switch (mode) {
            case "earliest":
                return OffsetsInitializer.earliest();
            case "latest":
                return OffsetsInitializer.latest();
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }
}
