package io.streamscale.relay;

import io.streamscale.json.Splice;
import io.streamscale.kafka.KafkaInput;
import io.streamscale.kafka.Relayed;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The relay's whole per-record decision, free of Flink: a JSON object becomes an output record
 * (its key and headers kept, the value {@link Splice spliced}); anything else becomes a dead
 * letter with the reason. {@link #relay} returns normally for every input, whatever its bytes.
 *
 * <p>Dead-lettered, with the reason in {@link #ERROR_HEADER}: a null value (tombstone), an empty
 * value, a value that is not exactly one RFC 8259 JSON object in UTF-8 (see {@link io.streamscale.json.ObjectScan}),
 * a Kafka timestamp outside the years 0000-9999 (it cannot be written as RFC 3339), and an
 * object whose output record would be larger than {@code maxRecordBytes}. A record with a null
 * key is relayed with a null key.
 *
 * <p>Record size is counted as {@link #recordBytes}: key, value and headers plus an allowance
 * for Kafka's framing, an upper bound of what the producer checks against
 * {@code max.request.size}. A dead letter that would exceed the limit is cut to fit: its value
 * first ({@link #TRUNCATED_HEADER} = original value length), then, in the unlikely case that
 * this is not enough, the input headers are dropped ({@link #DROPPED_HEADERS_HEADER} = their
 * number) and the key is cut ({@link #TRUNCATED_KEY_HEADER} = original key length). The full
 * record stays in the input topic at {@link #SOURCE_HEADER}.
 *
 * <p>Not thread-safe: one instance per task.
 */
public final class RecordRelay {
    /** Header with the reason a record was dead-lettered. */
    public static final String ERROR_HEADER = "streamscale.error";
    /** Header with the input position ({@code topic/partition/offset}) of a dead letter. */
    public static final String SOURCE_HEADER = "streamscale.source";
    /** Header on a dead letter whose value was cut: the original value length in bytes. */
    public static final String TRUNCATED_HEADER = "streamscale.truncated";
    /** Header on a dead letter whose key was cut: the original key length in bytes. */
    public static final String TRUNCATED_KEY_HEADER = "streamscale.truncated-key";
    /** Header on a dead letter whose input headers were dropped to fit: how many. */
    public static final String DROPPED_HEADERS_HEADER = "streamscale.dropped-headers";

    /** Allowance for Kafka's record batch and record framing (61 + at most 21 bytes, rounded up). */
    static final int FRAMING_BYTES = 100;
    /** Allowance per header for the varints of its name and value lengths. */
    static final int PER_HEADER_BYTES = 10;
    /** The longest reason written; longer ones are cut (they never are in practice). */
    static final int MAX_REASON_CHARS = 400;

    /** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: what {@link io.streamscale.json.Timestamps} can write. */
    static final long MIN_TIMESTAMP = -62_167_219_200_000L;
    static final long MAX_TIMESTAMP = 253_402_300_799_999L;

    private static final byte[] EMPTY = new byte[0];

    private final Splice splice = new Splice();
    private final int maxRecordBytes;
    private final boolean wantIds;

    /**
     * A relay whose output and dead-letter records stay within {@code maxRecordBytes} (as
     * {@link #recordBytes} counts); with {@code wantIds} relayed records carry their deviceId and
     * eventId for de-duplication.
     */
    public RecordRelay(int maxRecordBytes, boolean wantIds) {
        this.maxRecordBytes = maxRecordBytes;
        this.wantIds = wantIds;
    }

    /** Relays or dead-letters one record; {@code nowMillis} becomes processedAt. */
    public Relayed relay(KafkaInput in, long nowMillis) {
        String reason = splice.check(in.value, wantIds);
        if (reason != null) {
            return deadLetter(in, reason);
        }
        if (in.timestamp < MIN_TIMESTAMP || in.timestamp > MAX_TIMESTAMP) {
            return deadLetter(in, "Kafka timestamp " + in.timestamp + " ms is outside the years 0000-9999");
        }
        long size = recordBytes(in.key, splice.splicedLength(), in.headerKeys, in.headerValues);
        if (size > maxRecordBytes) {
            return deadLetter(in, "the output record would be " + size + " bytes, above --max-record-bytes "
                    + maxRecordBytes + " (the input's " + in.value.length + " bytes plus the two fields)");
        }
        Relayed r = new Relayed();
        r.key = in.key;
        r.value = splice.splice(in.timestamp, nowMillis);
        r.headerKeys = in.headerKeys;
        r.headerValues = in.headerValues;
        if (wantIds) {
            r.deviceId = splice.deviceId();
            r.eventId = splice.eventId();
        }
        return r;
    }

    /**
     * A dead letter for {@code in}: its key, value and headers, plus {@link #ERROR_HEADER} and
     * {@link #SOURCE_HEADER}, cut to fit the record size limit.
     */
    public Relayed deadLetter(KafkaInput in, String reason) {
        if (reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS) + "…";
        }
        Relayed r = new Relayed();
        r.error = reason;
        r.source = in.source();
        r.key = in.key;
        r.value = in.value;
        int inHeaders = in.headerKeys == null ? 0 : in.headerKeys.length;
        String[] keys = new String[inHeaders + 5];
        byte[][] values = new byte[inHeaders + 5][];
        if (inHeaders > 0) {
            System.arraycopy(in.headerKeys, 0, keys, 0, inHeaders);
            System.arraycopy(in.headerValues, 0, values, 0, inHeaders);
        }
        int n = inHeaders;
        keys[n] = ERROR_HEADER;
        values[n++] = reason.getBytes(StandardCharsets.UTF_8);
        keys[n] = SOURCE_HEADER;
        values[n++] = r.source.getBytes(StandardCharsets.UTF_8);
        int valueLength = in.value == null ? 0 : in.value.length;
        if (recordBytes(r.key, valueLength, keys, values, n) > maxRecordBytes) {
            keys[n] = TRUNCATED_HEADER;
            values[n++] = ascii(valueLength);
            long room = maxRecordBytes - recordBytes(r.key, 0, keys, values, n);
            if (room < 0 && inHeaders > 0) {
                // Drop the input's headers: move ours to the front.
                int ours = n - inHeaders;
                System.arraycopy(keys, inHeaders, keys, 0, ours);
                System.arraycopy(values, inHeaders, values, 0, ours);
                n = ours;
                keys[n] = DROPPED_HEADERS_HEADER;
                values[n++] = ascii(inHeaders);
                room = maxRecordBytes - recordBytes(r.key, 0, keys, values, n);
            }
            if (room < 0 && r.key != null) {
                int keyLength = r.key.length;
                keys[n] = TRUNCATED_KEY_HEADER;
                values[n++] = ascii(keyLength);
                long keyRoom = maxRecordBytes - recordBytes(null, 0, keys, values, n);
                r.key = Arrays.copyOf(r.key, (int) Math.max(0, Math.min(keyLength, keyRoom)));
                room = maxRecordBytes - recordBytes(r.key, 0, keys, values, n);
            }
            if (r.value != null) {
                r.value = room <= 0 ? EMPTY : Arrays.copyOf(r.value, (int) Math.min(valueLength, room));
            }
        }
        r.headerKeys = Arrays.copyOf(keys, n);
        r.headerValues = Arrays.copyOf(values, n);
        return r;
    }

    /** A dead letter with only the reason and source headers: no key, no value, no input headers. */
    public static Relayed bareDeadLetter(String source, String reason) {
        if (reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS) + "…";
        }
        Relayed r = new Relayed();
        r.error = reason;
        r.source = source;
        r.headerKeys = new String[] {ERROR_HEADER, SOURCE_HEADER};
        r.headerValues = new byte[][] {reason.getBytes(StandardCharsets.UTF_8), source.getBytes(StandardCharsets.UTF_8)};
        return r;
    }

    /**
     * The size the record is counted at for the limit: key, value and each header's name (UTF-8)
     * and value, plus {@link #PER_HEADER_BYTES} per header and {@link #FRAMING_BYTES}. At least
     * what Kafka's producer estimates for a record alone in a batch.
     */
    static long recordBytes(byte[] key, int valueLength, String[] headerKeys, byte[][] headerValues) {
        return recordBytes(key, valueLength, headerKeys, headerValues, headerKeys == null ? 0 : headerKeys.length);
    }

    private static long recordBytes(byte[] key, int valueLength, String[] headerKeys, byte[][] headerValues, int headers) {
        long size = FRAMING_BYTES + (key == null ? 0 : key.length) + valueLength;
        for (int i = 0; i < headers; i++) {
            size += PER_HEADER_BYTES + utf8Length(headerKeys[i]) + (headerValues[i] == null ? 0 : headerValues[i].length);
        }
        return size;
    }

    private static int utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : 3; // a surrogate pair counts 6 >= its 4
        }
        return n;
    }

    private static byte[] ascii(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
