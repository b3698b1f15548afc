package io.streamscale.kafka;

/**
 * One record read from the input topic: its key, value and headers as they were, its Kafka
 * timestamp (the broker's append time with LogAppendTime topics) and where it came from.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so that it is serialized without Kryo.
 */
public class KafkaInput {
    public byte[] key;
    public byte[] value;
    public long timestamp;
    public String topic;
    public int partition;
    public long offset;
    /** Header names in record order, or null when the record has none. */
    public String[] headerKeys;
    /** Header values (each may be null), parallel to {@link #headerKeys}. */
    public byte[][] headerValues;

    public KafkaInput() {}

    public KafkaInput(byte[] key, byte[] value, long timestamp, String topic, int partition, long offset) {
        this.key = key;
        this.value = value;
        this.timestamp = timestamp;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    /** Where the record came from, as {@code topic/partition/offset}. */
    public String source() {
        return topic + "/" + partition + "/" + offset;
    }
}
