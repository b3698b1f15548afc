package io.streamscale.json;

import java.nio.charset.StandardCharsets;

/**
 * The relay's transform: sets {@code "enqueuedAt"} and {@code "processedAt"} on a JSON object
 * while keeping every other byte of the object as it was.
 *
 * <p>{@link #check} scans a value with {@link ObjectScan} (strict RFC 8259, UTF-8). For a value
 * it accepts, {@link #splice} writes the object from its {@code '{'} to its {@code '}'}:
 *
 * <ul>
 *   <li>every top-level member named {@code enqueuedAt} or {@code processedAt} (duplicates
 *       included, escaped spellings included) is removed with one comma next to it; nested ones
 *       stay;
 *   <li>every other byte between the braces stays, whitespace included;
 *   <li>{@code ,"enqueuedAt":"…","processedAt":"…"} is written before the closing brace (no
 *       comma when no member is left), both UTC RFC 3339 with milliseconds.
 * </ul>
 *
 * <p>Bytes outside the object — a UTF-8 byte-order mark, whitespace before and after — are not
 * written: the output starts with {@code '{'} and ends with {@code '}'}. Any RFC 8259 object is
 * accepted whatever its depth, number sizes or string lengths (nothing is converted), so the
 * output is always valid UTF-8 JSON text.
 *
 * <p>One instance is reused record after record (not thread-safe): {@link #splice} and the
 * accessors describe the value last passed to {@link #check}.
 */
public final class Splice {
    private static final byte[] ENQUEUED = "\"enqueuedAt\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PROCESSED = "\",\"processedAt\":\"".getBytes(StandardCharsets.US_ASCII);
    /** Bytes the two fields add: {@code "enqueuedAt":"…","processedAt":"…"} (no comma). */
    public static final int FIELDS_LENGTH = ENQUEUED.length + Timestamps.LENGTH + PROCESSED.length + Timestamps.LENGTH + 1;

    private final ObjectScan scan = new ObjectScan();
    private byte[] value;
    /** Index of the first top-level member that is kept (members if none is). */
    private int firstKept;

    /**
     * Returns why {@code value} is not exactly one JSON object, or null when it is. With
     * {@code wantIds}, {@link #deviceId} and {@link #eventId} are filled too.
     */
    public String check(byte[] value, boolean wantIds) {
        this.value = null;
        if (value == null) {
            return "null value (a tombstone)";
        }
        String reason = scan.scan(value, wantIds);
        if (reason == null) {
            this.value = value;
            int m = 0;
            while (m < scan.members && scan.stamp[m]) {
                m++;
            }
            firstKept = m;
        }
        return reason;
    }

    /** {@link #check} without the ids. */
    public String check(byte[] value) {
        return check(value, false);
    }

    /** The length {@link #splice} will return for the value last accepted. */
    public int splicedLength() {
        ObjectScan s = scan;
        int keep = s.end - s.start; // '{' up to, not including, '}'
        int kept = s.members;
        for (int m = 0; m < s.members && s.stamps > 0; m++) {
            if (s.stamp[m]) {
                keep -= removedBytes(m);
                kept--;
            }
        }
        return keep + (kept > 0 ? 1 : 0) + FIELDS_LENGTH + 1;
    }

    /*
     * The bytes that go with removed member m: the member and the separator before it (from the
     * end of the previous member's value), or, for a member before the first kept one, the
     * separator after it (up to the next member's name). What is left is the kept members joined
     * by their own original separators.
     */
    private int removedBytes(int m) {
        return removedTo(m) - removedFrom(m);
    }

    private int removedFrom(int m) {
        return m < firstKept ? scan.nameStart[m] : scan.valueEnd[m - 1];
    }

    private int removedTo(int m) {
        if (m < firstKept) {
            // When nothing is kept, the last member ends at its value: whitespace before '}' stays.
            return m + 1 < scan.members ? scan.nameStart[m + 1] : scan.valueEnd[m];
        }
        return scan.valueEnd[m];
    }

    /** The spliced object for the value last accepted by {@link #check}. */
    public byte[] splice(long enqueuedAtMillis, long processedAtMillis) {
        ObjectScan s = scan;
        byte[] v = value;
        byte[] out = new byte[splicedLength()];
        int pos;
        boolean anyKept;
        if (s.stamps == 0) {
            pos = s.end - s.start;
            System.arraycopy(v, s.start, out, 0, pos);
            anyKept = s.members > 0;
        } else {
            // Copy the gaps between removed ranges (ranges are in order and do not overlap).
            int from = s.start;
            pos = 0;
            for (int m = 0; m < s.members; m++) {
                if (!s.stamp[m]) {
                    continue;
                }
                int rf = removedFrom(m);
                System.arraycopy(v, from, out, pos, rf - from);
                pos += rf - from;
                from = removedTo(m);
            }
            System.arraycopy(v, from, out, pos, s.end - from);
            pos += s.end - from;
            anyKept = s.members > s.stamps;
        }
        if (anyKept) {
            out[pos++] = ',';
        }
        System.arraycopy(ENQUEUED, 0, out, pos, ENQUEUED.length);
        pos = Timestamps.write(out, pos + ENQUEUED.length, enqueuedAtMillis);
        System.arraycopy(PROCESSED, 0, out, pos, PROCESSED.length);
        pos = Timestamps.write(out, pos + PROCESSED.length, processedAtMillis);
        out[pos++] = '"';
        out[pos] = '}';
        return out;
    }

    /** The accepted value's top-level string deviceId as written (escapes kept), or null. */
    public String deviceId() {
        return scan.deviceIdFrom < 0 ? null : new String(value, scan.deviceIdFrom, scan.deviceIdTo - scan.deviceIdFrom, StandardCharsets.UTF_8);
    }

    /** The accepted value's top-level string eventId as written (escapes kept), or null. */
    public String eventId() {
        return scan.eventIdFrom < 0 ? null : new String(value, scan.eventIdFrom, scan.eventIdTo - scan.eventIdFrom, StandardCharsets.UTF_8);
    }
}
