package io.streamscale.kafka;

import io.streamscale.options.RelayOptions;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The jobs' Kafka source and sink, built from their options ({@link RelayOptions}): what the
 * relay and the complex job read ({@link KafkaInput}) and write ({@link Relayed}), with the
 * guarantee's delivery and, on Event Hubs, Microsoft's recommended client settings.
 */
public final class KafkaIO {
    private KafkaIO() {}

    /** The Kafka source (uid {@code kafka-source}) with {@code watermarks}: what every job reads. */
    public static DataStream<KafkaInput> input(StreamExecutionEnvironment env, RelayOptions o, Properties client,
            WatermarkStrategy<KafkaInput> watermarks) {
        return env.fromSource(source(o, client), watermarks, "kafka: " + o.inputTopic).uid("kafka-source");
    }

    /**
     * The Kafka sink (uid {@code kafka-sink}) for {@code out}: records to the output topic, dead
     * letters to the dead-letter topic, with the guarantee's delivery.
     */
    public static void output(DataStream<Relayed> out, RelayOptions o, Properties client) {
        out.sinkTo(sink(o, client)).name("kafka: " + o.outputTopic + " / " + o.deadLetterTopic).uid("kafka-sink");
    }

    /**
     * The sink's client properties: {@code client} (the input's) unless the output cluster has
     * a properties file of its own.
     */
    public static Properties outputClient(RelayOptions o, Properties client) {
        if (o.outputKafkaPropertiesFile == null || o.outputKafkaPropertiesFile.equals(o.kafkaPropertiesFile)) {
            return client;
        }
        return KafkaClientProperties.load(o.outputKafkaPropertiesFile);
    }

    /** The Kafka source of {@link #input}: the input topic from the group's position, by guarantee. */
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

    /** The Kafka sink of {@link #output}: records and dead letters, with the guarantee's delivery. */
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
