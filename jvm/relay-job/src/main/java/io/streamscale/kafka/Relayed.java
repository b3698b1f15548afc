package io.streamscale.kafka;

/**
 * A record on its way out: to the output topic when {@link #error} is null, otherwise to the
 * dead-letter topic. {@link #headerKeys}/{@link #headerValues} are exactly the headers to write
 * (the input's, and for a dead letter the job's {@code streamscale.*} headers after them).
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so that it is serialized without Kryo.
 */
public class Relayed {
    public byte[] key;
    public byte[] value;
    /** Header names to write, or null for none. */
    public String[] headerKeys;
    /** Header values (each may be null), parallel to {@link #headerKeys}. */
    public byte[][] headerValues;
    /** Why the record was dead-lettered; null for a relayed record. */
    public String error;
    /** {@code topic/partition/offset} of the input record, for dead letters. */
    public String source;
    /** The object's top-level string deviceId, when de-duplication is on; else null. */
    public String deviceId;
    /** The object's top-level string eventId, when de-duplication is on; else null. */
    public String eventId;

    public Relayed() {}

    /** Whether this record goes to the dead-letter topic. */
    public boolean isDeadLetter() {
        return error != null;
    }

    /** The value of the last header named {@code name}, or null. */
    public byte[] header(String name) {
        if (headerKeys == null) {
            return null;
        }
        for (int i = headerKeys.length - 1; i >= 0; i--) {
            if (name.equals(headerKeys[i])) {
                return headerValues[i];
            }
        }
        return null;
    }
}
