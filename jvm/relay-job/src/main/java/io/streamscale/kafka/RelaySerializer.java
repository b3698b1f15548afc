package io.streamscale.kafka;

import io.streamscale.relay.RecordRelay;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes relayed records to the output topic and dead letters to the dead-letter topic, each
 * with the key and headers {@link RecordRelay} decided (a dead letter carries
 * {@code streamscale.error}, {@code streamscale.source} and, when it had to be cut to fit,
 * {@code streamscale.truncated}). The key is kept, so the default partitioner puts a device's
 * records in the same partition number as on the input topic.
 */
public class RelaySerializer implements KafkaRecordSerializationSchema<Relayed> {
    private static final long serialVersionUID = 1L;

    /** Header with the reason a record was dead-lettered. */
    public static final String ERROR_HEADER = RecordRelay.ERROR_HEADER;
    /** Header with the input position of a dead-lettered record. */
    public static final String SOURCE_HEADER = RecordRelay.SOURCE_HEADER;

    private final String outputTopic;
    private final String deadLetterTopic;

    public RelaySerializer(String outputTopic, String deadLetterTopic) {
        this.outputTopic = outputTopic;
        this.deadLetterTopic = deadLetterTopic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Relayed r, KafkaSinkContext ctx, Long timestamp) {
        RecordHeaders headers = null;
        if (r.headerKeys != null && r.headerKeys.length > 0) {
            headers = new RecordHeaders();
            for (int i = 0; i < r.headerKeys.length; i++) {
                headers.add(r.headerKeys[i], r.headerValues[i]);
            }
        }
        return new ProducerRecord<>(r.isDeadLetter() ? deadLetterTopic : outputTopic, null, null, r.key, r.value, headers);
    }
}
