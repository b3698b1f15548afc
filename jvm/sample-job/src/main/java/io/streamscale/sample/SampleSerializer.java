package io.streamscale.sample;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes an event as JSON keyed by its deviceId. */
public class SampleSerializer implements KafkaRecordSerializationSchema<SampleEvent> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    /** Writes to {@code topic}. */
    public SampleSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(SampleEvent e, KafkaSinkContext ctx, Long timestamp) {
        return new ProducerRecord<>(topic, null, null, e.deviceId.getBytes(StandardCharsets.UTF_8), SampleCodec.toJson(e));
    }
}
