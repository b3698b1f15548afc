package io.streamscale.relay;

/**
 * A record on its way out: to the output topic when {@link #error} is null, otherwise to the
 * dead-letter topic with the error and the source in headers.
 */
public class Relayed {
    public byte[] key;
    public byte[] value;
    /** Why the record was dead-lettered; null for a relayed record. */
    public String error;
    /** {@code topic/partition/offset} of the input record, for dead letters. */
    public String source;

    public Relayed() {}

    static Relayed relayed(byte[] key, byte[] value) {
        Relayed r = new Relayed();
        r.key = key;
        r.value = value;
        return r;
    }

    static Relayed deadLetter(KafkaInput in, String error) {
        Relayed r = new Relayed();
        r.key = in.key;
        r.value = in.value;
        r.error = error;
        r.source = in.source();
        return r;
    }

    /** Whether this record goes to the dead-letter topic. */
    public boolean isDeadLetter() {
        return error != null;
    }
}
