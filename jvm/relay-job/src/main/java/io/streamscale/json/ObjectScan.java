package io.streamscale.json;

import java.nio.charset.StandardCharsets;

/**
 * A strict RFC 8259 scanner for one JSON object in UTF-8 that reports where its top-level members
 * are, so that {@link Splice} can rewrite the object without ever assuming where a byte is.
 *
 * <p>Accepted: optional UTF-8 byte-order mark, JSON whitespace (space, tab, LF, CR), one object,
 * JSON whitespace. Everything RFC 8259 allows is accepted whatever its size: any nesting depth
 * (the scan is a loop with its own stack, never recursion), numbers of any length and magnitude
 * (they are checked against the grammar, never converted), strings of any length. Rejected, with
 * a one-line reason that names the byte offset: anything else, including invalid UTF-8 anywhere
 * (overlong forms, surrogates, code points above U+10FFFF, stray continuation bytes), unescaped
 * control characters in strings, comments, single quotes, NaN, leading zeros, trailing commas and
 * any byte after the object (a NUL, another object, non-JSON whitespace such as U+00A0).
 *
 * <p>One instance is reused record after record (not thread-safe). Scanning an accepted object
 * allocates nothing unless it is deeper than 4,096 levels, has more than 64 top-level members
 * or a top-level name with a backslash-u escape; only a rejection builds its reason string.
 */
final class ObjectScan {
    /** Top-level member names the relay sets itself. */
    static final byte[] ENQUEUED_AT = "enqueuedAt".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PROCESSED_AT = "processedAt".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DEVICE_ID = "deviceId".getBytes(StandardCharsets.US_ASCII);
    static final byte[] EVENT_ID = "eventId".getBytes(StandardCharsets.US_ASCII);

    /** Index of the object's opening brace. */
    int start;
    /** Index of the object's closing brace. */
    int end;
    /** Number of top-level members. */
    int members;
    /** Per top-level member: index of its name's opening quote. */
    int[] nameStart = new int[64];
    /** Per top-level member: index just after its value. */
    int[] valueEnd = new int[64];
    /** Per top-level member: whether its name is enqueuedAt or processedAt (after unescaping). */
    boolean[] stamp = new boolean[64];
    /** Number of members with {@link #stamp} set. */
    int stamps;
    /**
     * Start (after the quote) and end (before the quote) of the last top-level string value of
     * deviceId and eventId, or -1; only filled when asked for.
     */
    int deviceIdFrom = -1, deviceIdTo = -1, eventIdFrom = -1, eventIdTo = -1;

    private long[] kinds = new long[64]; // bit set: 1 = object, 0 = array, one bit per level
    private int depth;
    private boolean wantIds;
    private String error;

    /**
     * Scans {@code b}; returns null when it is one JSON object, else why not. With
     * {@code wantIds}, the positions of top-level string members deviceId and eventId are kept.
     */
    String scan(byte[] b, boolean wantIds) {
        members = 0;
        stamps = 0;
        depth = 0;
        deviceIdFrom = deviceIdTo = eventIdFrom = eventIdTo = -1;
        this.wantIds = wantIds;
        error = null;
        int n = b.length;
        if (n == 0) {
            return "empty value";
        }
        int i = 0;
        if (n >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF) {
            i = 3;
        }
        i = ws(b, i);
        if (i == n) {
            return "no JSON value (only whitespace)";
        }
        if (b[i] != '{') {
            return "not a JSON object (starts with " + describe(b, i) + " at byte " + i + ")";
        }
        start = i;
        push(true);
        i++;
        // State after an opening brace, a comma, a value...: see the cases.
        final int objFirst = 0, objNext = 1, arrFirst = 2, arrNext = 3, value = 4;
        int state = objFirst;
        while (true) {
            i = ws(b, i);
            if (i >= n) {
                return "truncated JSON: the input ends inside the object (" + depth + " open)";
            }
            byte c = b[i];
            switch (state) {
                case objFirst:
                    if (c == '}') {
                        i++;
                        if (pop()) {
                            return finish(b, i);
                        }
                        state = afterValue(i);
                        continue;
                    }
                    if (c != '"') {
                        return err("expected a member name or '}'", b, i);
                    }
                    i = member(b, i);
                    if (i < 0) {
                        return error;
                    }
                    state = value;
                    continue;
                case objNext:
                    if (c == ',') {
                        i = ws(b, i + 1);
                        if (i >= n || b[i] != '"') {
                            return i >= n ? "truncated JSON: the input ends after a comma" : err("expected a member name after ','", b, i);
                        }
                        i = member(b, i);
                        if (i < 0) {
                            return error;
                        }
                        state = value;
                        continue;
                    }
                    if (c == '}') {
                        i++;
                        if (pop()) {
                            return finish(b, i);
                        }
                        state = afterValue(i);
                        continue;
                    }
                    return err("expected ',' or '}'", b, i);
                case arrFirst:
                    if (c == ']') {
                        i++;
                        pop();
                        state = afterValue(i);
                        continue;
                    }
                    state = value;
                    continue;
                case arrNext:
                    if (c == ',') {
                        i++;
                        state = value;
                        continue;
                    }
                    if (c == ']') {
                        i++;
                        pop();
                        state = afterValue(i);
                        continue;
                    }
                    return err("expected ',' or ']'", b, i);
                default: // value
                    switch (c) {
                        case '{':
                            push(true);
                            i++;
                            state = objFirst;
                            continue;
                        case '[':
                            push(false);
                            i++;
                            state = arrFirst;
                            continue;
                        case '"': {
                            int from = i + 1;
                            i = string(b, i);
                            if (i < 0) {
                                return error;
                            }
                            if (depth == 1 && wantIds) {
                                keepId(b, from, i - 1);
                            }
                            break;
                        }
                        case 't':
                            i = literal(b, i, "true");
                            break;
                        case 'f':
                            i = literal(b, i, "false");
                            break;
                        case 'n':
                            i = literal(b, i, "null");
                            break;
                        default:
                            if (c == '-' || (c >= '0' && c <= '9')) {
                                i = number(b, i);
                            } else {
                                return err("expected a JSON value", b, i);
                            }
                    }
                    if (i < 0) {
                        return error;
                    }
                    state = afterValue(i);
            }
        }
    }

    /** After a complete value at index i: records a top-level member's end; the next state. */
    private int afterValue(int i) {
        if (depth == 1) {
            valueEnd[members - 1] = i;
        }
        return isObject() ? 1 : 3;
    }

    /** Only whitespace may follow the object. */
    private String finish(byte[] b, int i) {
        end = i - 1;
        i = ws(b, i);
        if (i != b.length) {
            return err("data after the JSON object", b, i);
        }
        return null;
    }

    /** Scans a member name at b[i] == '"' and its ':'; returns the index after ':' or -1. */
    private int member(byte[] b, int i) {
        int top = depth == 1 ? members : -1;
        if (top >= 0) {
            if (members == nameStart.length) {
                nameStart = java.util.Arrays.copyOf(nameStart, members * 2);
                valueEnd = java.util.Arrays.copyOf(valueEnd, members * 2);
                stamp = java.util.Arrays.copyOf(stamp, members * 2);
            }
            nameStart[members] = i;
            valueEnd[members] = -1;
            members++;
        }
        int from = i + 1;
        i = string(b, i);
        if (i < 0) {
            return -1;
        }
        if (top >= 0) {
            boolean s = nameIs(b, from, i - 1, ENQUEUED_AT) || nameIs(b, from, i - 1, PROCESSED_AT);
            stamp[top] = s;
            if (s) {
                stamps++;
            }
        }
        i = ws(b, i);
        if (i >= b.length) {
            error = "truncated JSON: the input ends after a member name";
            return -1;
        }
        if (b[i] != ':') {
            error = err("expected ':' after a member name", b, i);
            return -1;
        }
        return i + 1;
    }

    /** Remembers where the last top-level member's string value is, if it is deviceId or eventId. */
    private void keepId(byte[] b, int from, int to) {
        int m = members - 1;
        int nFrom = nameStart[m] + 1;
        int nTo = nFrom;
        while (b[nTo] != '"') {
            nTo += b[nTo] == '\\' ? 2 : 1;
        }
        if (nameIs(b, nFrom, nTo, DEVICE_ID)) {
            deviceIdFrom = from;
            deviceIdTo = to;
        } else if (nameIs(b, nFrom, nTo, EVENT_ID)) {
            eventIdFrom = from;
            eventIdTo = to;
        }
    }

    /**
     * Whether the string content b[from, to) (escapes not yet decoded) is the ASCII name. Names
     * with escapes are decoded, so that {@code "enqueued\u0041t"} counts as enqueuedAt.
     */
    static boolean nameIs(byte[] b, int from, int to, byte[] name) {
        int len = to - from;
        if (len == name.length) {
            boolean same = true;
            for (int k = 0; k < len; k++) {
                if (b[from + k] != name[k]) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return true;
            }
        }
        if (len < name.length) {
            return false;
        }
        // Only a name with an escape can still match.
        int k = 0;
        int i = from;
        while (i < to) {
            int ch;
            if (b[i] == '\\') {
                byte e = b[i + 1];
                if (e == 'u') {
                    ch = Integer.parseInt(new String(b, i + 2, 4, StandardCharsets.US_ASCII), 16);
                    i += 6;
                } else {
                    ch = unescape(e);
                    i += 2;
                }
            } else {
                ch = b[i] & 0xFF;
                i++;
            }
            if (k >= name.length || ch != name[k]) {
                return false;
            }
            k++;
        }
        return k == name.length;
    }

    private static int unescape(byte e) {
        switch (e) {
            case 'b':
                return '\b';
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            default:
                return e; // " \ /
        }
    }

    /** Scans a string at b[i] == '"'; returns the index after its closing quote, or -1. */
    private int string(byte[] b, int i) {
        int n = b.length;
        i++;
        while (i < n) {
            int c = b[i];
            if (c >= 0x20 && c != '"' && c != '\\') { // ASCII printable, the common case
                i++;
                continue;
            }
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 >= n) {
                    break;
                }
                byte e = b[i + 1];
                if (e == 'u') {
                    if (i + 5 >= n) {
                        break;
                    }
                    for (int k = 2; k <= 5; k++) {
                        if (!isHex(b[i + k])) {
                            error = err("bad \\u escape in a string", b, i);
                            return -1;
                        }
                    }
                    i += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                    i += 2;
                } else {
                    error = err("bad escape in a string", b, i);
                    return -1;
                }
                continue;
            }
            if (c >= 0) { // 0x00..0x1F
                error = "unescaped control character 0x" + Integer.toHexString(c) + " in a string at byte " + i;
                return -1;
            }
            int len = utf8(b, i);
            if (len < 0) {
                error = "invalid UTF-8 at byte " + i;
                return -1;
            }
            i += len;
        }
        error = "truncated JSON: the input ends inside a string";
        return -1;
    }

    /**
     * Length of the well-formed UTF-8 sequence starting with the non-ASCII byte b[i] (RFC 3629:
     * no overlong forms, no surrogates, at most U+10FFFF), or -1.
     */
    static int utf8(byte[] b, int i) {
        int n = b.length;
        int c = b[i] & 0xFF;
        if (c >= 0xC2 && c <= 0xDF) {
            return i + 1 < n && cont(b[i + 1]) ? 2 : -1;
        }
        if (c >= 0xE0 && c <= 0xEF) {
            if (i + 2 >= n) {
                return -1;
            }
            int c1 = b[i + 1] & 0xFF;
            int lo = c == 0xE0 ? 0xA0 : 0x80;
            int hi = c == 0xED ? 0x9F : 0xBF;
            return c1 >= lo && c1 <= hi && cont(b[i + 2]) ? 3 : -1;
        }
        if (c >= 0xF0 && c <= 0xF4) {
            if (i + 3 >= n) {
                return -1;
            }
            int c1 = b[i + 1] & 0xFF;
            int lo = c == 0xF0 ? 0x90 : 0x80;
            int hi = c == 0xF4 ? 0x8F : 0xBF;
            return c1 >= lo && c1 <= hi && cont(b[i + 2]) && cont(b[i + 3]) ? 4 : -1;
        }
        return -1;
    }

    private static boolean cont(byte x) {
        return (x & 0xC0) == 0x80;
    }

    private static boolean isHex(byte x) {
        return (x >= '0' && x <= '9') || (x >= 'a' && x <= 'f') || (x >= 'A' && x <= 'F');
    }

    /** Scans a number at b[i] ('-' or a digit); returns the index after it, or -1. */
    private int number(byte[] b, int i) {
        int n = b.length;
        int s = i;
        if (b[i] == '-') {
            i++;
        }
        if (i >= n) {
            return badNumber(b, s);
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            i = digits(b, i);
        } else {
            return badNumber(b, s);
        }
        if (i < n && b[i] == '.') {
            int f = digits(b, i + 1);
            if (f == i + 1) {
                return badNumber(b, s);
            }
            i = f;
        }
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < n && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int e = digits(b, i);
            if (e == i) {
                return badNumber(b, s);
            }
            i = e;
        }
        return i;
    }

    private int badNumber(byte[] b, int s) {
        error = "malformed number at byte " + s;
        return -1;
    }

    private static int digits(byte[] b, int i) {
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }

    private int literal(byte[] b, int i, String word) {
        int len = word.length();
        if (i + len > b.length) {
            error = "truncated JSON or bad literal at byte " + i + " (expected " + word + ")";
            return -1;
        }
        for (int k = 0; k < len; k++) {
            if (b[i + k] != word.charAt(k)) {
                error = err("expected " + word, b, i);
                return -1;
            }
        }
        return i + len;
    }

    private static int ws(byte[] b, int i) {
        while (i < b.length) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    private void push(boolean object) {
        if (depth == kinds.length * 64) {
            kinds = java.util.Arrays.copyOf(kinds, kinds.length * 2);
        }
        long bit = 1L << (depth & 63);
        if (object) {
            kinds[depth >>> 6] |= bit;
        } else {
            kinds[depth >>> 6] &= ~bit;
        }
        depth++;
    }

    /** Leaves a level; true when that closed the top-level object. */
    private boolean pop() {
        depth--;
        return depth == 0;
    }

    private boolean isObject() {
        int d = depth - 1;
        return (kinds[d >>> 6] & (1L << (d & 63))) != 0;
    }

    private static String err(String what, byte[] b, int i) {
        return "malformed JSON at byte " + i + ": " + what + ", found " + describe(b, i);
    }

    /** A byte for a reason: a printable ASCII character in quotes, anything else in hex. */
    static String describe(byte[] b, int i) {
        int c = b[i] & 0xFF;
        if (c > 0x20 && c < 0x7F) {
            return "'" + (char) c + "'";
        }
        return String.format("byte 0x%02X", c);
    }
}
