package io.streamscale.relay;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParser;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * The relay's transform: adds {@code "enqueuedAt"} and {@code "processedAt"} to a JSON object
 * while keeping every input byte as it was.
 *
 * <p>The output is the input up to (not including) its final {@code '}'} — whitespace before
 * that brace included — followed by {@code ,"enqueuedAt":"…","processedAt":"…"}}. ASCII
 * whitespace after the final brace is dropped. For {@code {}} no comma is written.
 */
public final class Splice {
    private static final byte[] ENQUEUED = "\"enqueuedAt\":\"".getBytes();
    private static final byte[] PROCESSED = "\",\"processedAt\":\"".getBytes();

    private final JsonFactory json = new JsonFactory();

    /**
     * Returns why {@code value} is not a single JSON object, or null when it is. Uses a
     * streaming parser: no tree is built.
     */
    public String invalidReason(byte[] value) {
        if (value == null) {
            return "null value";
        }
        if (value.length == 0) {
            return "empty value";
        }
        try (JsonParser p = json.createParser(value)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return "not a JSON object (starts with " + (first == null ? "nothing" : first.asString() == null ? first.name() : first.asString()) + ")";
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                return "trailing data after the JSON object";
            }
            return null;
        } catch (IOException e) {
            String msg = e.getMessage();
            int nl = msg == null ? -1 : msg.indexOf('\n');
            return "malformed JSON: " + (nl > 0 ? msg.substring(0, nl) : msg);
        }
    }

    /**
     * Splices the two fields into a value that {@link #invalidReason} accepted.
     *
     * @throws IllegalArgumentException if the value has no closing brace
     */
    public static byte[] splice(byte[] value, long enqueuedAtMillis, long processedAtMillis) {
        int close = value.length - 1;
        while (close >= 0 && isSpace(value[close])) {
            close--;
        }
        if (close < 0 || value[close] != '}') {
            throw new IllegalArgumentException("value does not end with '}'");
        }
        int prev = close - 1;
        while (prev >= 0 && isSpace(value[prev])) {
            prev--;
        }
        boolean empty = prev >= 0 && value[prev] == '{';
        int extra = (empty ? 0 : 1) + ENQUEUED.length + Timestamps.LENGTH + PROCESSED.length + Timestamps.LENGTH + 2;
        byte[] out = new byte[close + extra];
        System.arraycopy(value, 0, out, 0, close);
        int pos = close;
        if (!empty) {
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

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
