package io.streamscale.sample;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Parses each Kafka record into a {@link SampleEvent} with enqueuedAt set; skips the rest. */
public class SampleDeserializer implements KafkaRecordDeserializationSchema<SampleEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SampleEvent> out) {
        SampleEvent e = SampleCodec.parse(record.value());
        if (e != null) {
            e.enqueuedAt = SampleCodec.format(record.timestamp());
            out.collect(e);
        }
    }

    @Override
    public TypeInformation<SampleEvent> getProducedType() {
        return TypeInformation.of(SampleEvent.class);
    }
}
