package io.streamscale.kafka;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Keeps the whole Kafka record — key, value, headers, timestamp, position — as a
 * {@link KafkaInput}. Never throws: any bytes are carried as they are.
 */
public class KafkaInputDeserializer implements KafkaRecordDeserializationSchema<KafkaInput> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaInput> out) {
        KafkaInput in = new KafkaInput(record.key(), record.value(), record.timestamp(), record.topic(),
                record.partition(), record.offset());
        Headers headers = record.headers();
        Header[] all = headers == null ? null : headers.toArray();
        if (all != null && all.length > 0) {
            in.headerKeys = new String[all.length];
            in.headerValues = new byte[all.length][];
            for (int i = 0; i < all.length; i++) {
                in.headerKeys[i] = all[i].key();
                in.headerValues[i] = all[i].value();
            }
        }
        out.collect(in);
    }

    @Override
    public TypeInformation<KafkaInput> getProducedType() {
        return TypeInformation.of(KafkaInput.class);
    }
}
