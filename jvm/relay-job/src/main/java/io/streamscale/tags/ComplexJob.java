package io.streamscale.tags;

import io.streamscale.kafka.KafkaClientProperties;
import io.streamscale.kafka.KafkaIO;
import io.streamscale.kafka.KafkaInput;
import io.streamscale.options.JobSettings;
import io.streamscale.options.RelayOptions;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The sample's second job, complex event processing per device: reads the input topic with
 * event time on each event's {@code createdAt} (60 s bounded out-of-orderness, watermarks per
 * input partition), keeps per device its last 10 events and the tags emitted, and writes tag
 * records to the output topic (see {@link io.streamscale.relay.DeviceTags} for the rules, {@link TagEvents} for the
 * record); a record that is not an event goes to the dead-letter topic with the reason and the
 * relay's headers (see {@link ParseEvents}); no record can fail the job.
 *
 * <p>The relay's arguments ({@link RelayOptions}), source, sink, guarantees, checkpointing and
 * restart settings, with defaults {@code --group-id streamscale-complex} and
 * {@code --job-name "streamscale-complex <in>-><out>"}; {@code --dedup-window} is refused (the
 * job ignores buffered duplicates itself).
 *
 * <p>Operator uids: {@code kafka-source}, {@code parse}, {@code tag}, {@code kafka-sink}.
 *
 * <p>The CLI submits this class by name ({@code io.streamscale.tags.ComplexJob},
 * internal/relay.ComplexEntryClass).
 */
public final class ComplexJob {
    private ComplexJob() {}

    /** The bound on how late an event may come, in event time, before timers pass it. */
    static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        RelayOptions o = options(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        define(env, o);
        env.execute(o.jobName);
    }

    /** The relay's options with this job's defaults; {@code --dedup-window} is an error. */
    public static RelayOptions options(String[] args) {
        RelayOptions o = RelayOptions.parse(args, "streamscale-complex");
        if (o.dedupWindow != 0) {
            throw new IllegalArgumentException("--dedup-window is for the relay: the complex job ignores a device's buffered duplicates itself");
        }
        return o;
    }

    /** Adds the complex job's Kafka source, steps and Kafka sink to {@code env}. */
    public static void define(StreamExecutionEnvironment env, RelayOptions o) {
        JobSettings.configure(env, o, JobSettings.COMPLEX);
        Properties client = KafkaClientProperties.load(o.kafkaPropertiesFile);
        KafkaIO.output(ComplexPipeline.build(KafkaIO.input(env, o, client, watermarks()), o.maxRecordBytes, System::currentTimeMillis), o, KafkaIO.outputClient(o, client));
    }

    /**
     * Event time from each record's createdAt ({@link EventTime#ofRecord}; a record without one
     * does not move the watermark), {@link #OUT_OF_ORDERNESS} bounded out-of-orderness.
     */
    static WatermarkStrategy<KafkaInput> watermarks() {
        return WatermarkStrategy.<KafkaInput>forBoundedOutOfOrderness(OUT_OF_ORDERNESS)
                .withTimestampAssigner((in, ts) -> EventTime.ofRecord(in.value));
    }
}
