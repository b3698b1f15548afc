package io.streamscale.relay;

import io.streamscale.kafka.KafkaClientProperties;
import io.streamscale.kafka.KafkaIO;
import io.streamscale.kafka.KafkaInput;
import io.streamscale.options.JobSettings;
import io.streamscale.options.RelayOptions;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The streamscale relay: reads the input topic, sets {@code enqueuedAt} (the input record's
 * Kafka timestamp) and {@code processedAt} (when the job handled it) on each JSON object, and
 * writes it with the same key and headers to the output topic; any other record goes to the
 * dead-letter topic with the reason (see {@link RecordRelay}); no record can fail the job.
 * At-least-once by default, exactly-once or none on request, checkpoints retained on cancel.
 * Arguments: see {@link RelayOptions}; Flink settings: {@link JobSettings}; Kafka source and
 * sink: {@link KafkaIO}.
 *
 * <p>Operator uids: {@code kafka-source}, {@code relay}, {@code dedup} (with
 * {@code --dedup-window}), {@code kafka-sink}; keep them, so savepoints stay compatible.
 *
 * <p>The CLI submits this class by name ({@code io.streamscale.relay.RelayJob},
 * internal/relay.EntryClass): keep it.
 */
public final class RelayJob {
    private RelayJob() {}

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
    public static void define(StreamExecutionEnvironment env, RelayOptions o) {
        JobSettings.configure(env, o, JobSettings.RELAY);
        // No operator keeps or changes a record it was given (the deserializer and the relay
        // make new ones), so chained operators may hand records on without Flink copying each
        // one through its serializer: measured, the copies were ~30% of the TaskManager's
        // allocation at 10k events/s.
        env.getConfig().enableObjectReuse();
        // The relay reads with no watermarks: no periodic watermark timer.
        env.getConfig().setAutoWatermarkInterval(0);
        Properties client = KafkaClientProperties.load(o.kafkaPropertiesFile);
        DataStream<KafkaInput> input = KafkaIO.input(env, o, client, WatermarkStrategy.noWatermarks());
        RelayFunction relay = new RelayFunction(System::currentTimeMillis, o.maxRecordBytes, o.dedupWindow > 0);
        KafkaIO.output(RelayPipeline.build(input, relay, o.dedupWindow), o, KafkaIO.outputClient(o, client));
    }
}
