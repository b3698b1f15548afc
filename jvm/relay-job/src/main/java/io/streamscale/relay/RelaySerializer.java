package io.streamscale.relay;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Writes relayed records to the output topic and dead letters to the dead-letter topic with
 * headers {@code streamscale.error} (the reason) and {@code streamscale.source}
 * ({@code topic/partition/offset}). The key is kept, so the default partitioner puts a device's
 * records in the same partition number as on the input topic.
 */
public class RelaySerializer implements KafkaRecordSerializationSchema<Relayed> {
    private static final long serialVersionUID = 1L;

    /** Header with the reason a record was dead-lettered. */
    public static final String ERROR_HEADER = "streamscale.error";
    /** Header with the input position of a dead-lettered record. */
    public static final String SOURCE_HEADER = "streamscale.source";

    private final String outputTopic;
    private final String deadLetterTopic;

    public RelaySerializer(String outputTopic, String deadLetterTopic) {
        this.outputTopic = outputTopic;
        this.deadLetterTopic = deadLetterTopic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Relayed r, KafkaSinkContext ctx, Long timestamp) {
        if (!r.isDeadLetter()) {
            return new ProducerRecord<>(outputTopic, null, null, r.key, r.value);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(ERROR_HEADER, r.error.getBytes(StandardCharsets.UTF_8));
        headers.add(SOURCE_HEADER, r.source.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(deadLetterTopic, null, null, r.key, r.value, headers);
    }
}
