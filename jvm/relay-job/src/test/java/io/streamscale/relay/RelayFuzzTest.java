package io.streamscale.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamscale.json.Timestamps;
import io.streamscale.kafka.KafkaInput;
import io.streamscale.kafka.Relayed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParser;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonToken;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.StreamReadConstraints;
import org.junit.jupiter.api.Test;

/**
 * Seeded random testing of the whole per-record function ({@link RecordRelay#relay}) over
 * arbitrary bytes and over mutated valid events. Oracle: Jackson, fed text decoded by a strict
 * UTF-8 decoder, with its size limits lifted. For every case: the relay returns (never throws);
 * it accepts exactly what the oracle accepts as one JSON object; an accepted record's output is
 * valid UTF-8 starting with '{', and its tokens are the input's minus top-level
 * enqueuedAt/processedAt plus exactly one of each, last, with the right values; an input without
 * those members comes out byte for byte with the two fields before its closing brace; everything
 * else is a dead letter with a reason. Set {@code -Dfuzz.seed=N} to replay a failure; the seed is
 * in every assertion message.
 */
class RelayFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20261129L);
    private static final int CASES = Integer.getInteger("fuzz.cases", 30_000);
    private static final long ENQ = 1_764_043_200_123L;
    private static final long NOW = 1_764_043_200_456L;
    private static final String ENQ_TEXT = Instant.ofEpochMilli(ENQ).toString();
    private static final String NOW_TEXT = Instant.ofEpochMilli(NOW).toString();

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .maxDocumentLength(-1)
                    .build())
            .build();

    @Test
    void theRelayNeverThrowsAndAcceptsExactlyTheJsonObjects() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED);
        RecordRelay relay = new RecordRelay(RelayFunction.DEFAULT_MAX_RECORD_BYTES, true);
        int accepted = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] value = input(r);
            String at = "seed " + SEED + " case " + i + " value " + show(value);
            KafkaInput in = new KafkaInput("k".getBytes(StandardCharsets.UTF_8), value, ENQ, "in", 0, i);
            Relayed out = relay.relay(in, NOW);
            List<Object[]> expected = oracle(value);
            if (expected == null) {
                assertThat(out.isDeadLetter()).as(at + ": dead-lettered").isTrue();
                assertThat(out.error).as(at).isNotBlank();
                assertThat(out.value).as(at).isEqualTo(value);
                continue;
            }
            accepted++;
            assertThat(out.isDeadLetter()).as(at + ": relayed, but: " + out.error).isFalse();
            checkOutput(at, value, out.value, expected);
        }
        // The generator must reach both sides in numbers, or the test proves little.
        assertThat(accepted).as("seed " + SEED + ": accepted cases").isBetween(CASES / 10, CASES - CASES / 10);
    }

    private static void checkOutput(String at, byte[] in, byte[] out, List<Object[]> expected) throws Exception {
        assertThat(out[0]).as(at + ": output starts with '{'").isEqualTo((byte) '{');
        String text = strictUtf8(out);
        assertThat(text).as(at + ": output is valid UTF-8").isNotNull();
        List<Object[]> got = oracle(out);
        assertThat(got).as(at + ": output is one JSON object").isNotNull();
        // The output's tokens but its stamps are the input's but its stamps.
        List<Object[]> stamps = stampsOf(out);
        assertThat(stamps).as(at + ": exactly one enqueuedAt and one processedAt, last").hasSize(2);
        assertThat(stamps.get(0)).containsExactly("enqueuedAt", ENQ_TEXT);
        assertThat(stamps.get(1)).containsExactly("processedAt", NOW_TEXT);
        assertThat(got.size()).as(at + ": tokens besides the stamps").isEqualTo(expected.size());
        for (int t = 0; t < got.size(); t++) {
            assertThat(got.get(t)).as(at + ": token " + t).containsExactly(expected.get(t));
        }
        if (!hasStamps(in)) {
            int s = objectStart(in);
            int e = in.length - 1;
            while (in[e] != '}') {
                e--;
            }
            String body = new String(in, s, e - s, StandardCharsets.UTF_8);
            boolean empty = expected.size() == 2; // START_OBJECT, END_OBJECT
            String want = body + (empty ? "" : ",") + "\"enqueuedAt\":\"" + ts(ENQ) + "\",\"processedAt\":\"" + ts(NOW) + "\"}";
            assertThat(new String(out, StandardCharsets.UTF_8)).as(at + ": bytes kept").isEqualTo(want);
        }
    }

    /**
     * The oracle: the tokens (type, text) of value as one JSON object with its top-level
     * enqueuedAt/processedAt members left out, or null when value is not exactly one object in
     * UTF-8 (a leading BOM allowed).
     */
    static List<Object[]> oracle(byte[] value) throws IOException {
        if (value == null) {
            return null;
        }
        byte[] v = value;
        if (v.length >= 3 && v[0] == (byte) 0xEF && v[1] == (byte) 0xBB && v[2] == (byte) 0xBF) {
            v = Arrays.copyOfRange(v, 3, v.length);
        }
        String text = strictUtf8(v);
        if (text == null) {
            return null;
        }
        List<Object[]> tokens = new ArrayList<>();
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            tokens.add(new Object[] {JsonToken.START_OBJECT, "{"});
            int depth = 1;
            while (depth > 0) {
                JsonToken t = p.nextToken();
                if (t == null) {
                    return null;
                }
                if (depth == 1 && t == JsonToken.FIELD_NAME && isStamp(p.currentName())) {
                    p.nextToken();
                    p.skipChildren();
                    continue;
                }
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                }
                tokens.add(new Object[] {t, p.getText()});
            }
            if (p.nextToken() != null) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return tokens;
    }

    /** The top-level stamp members of an output, as (name, value) in order. */
    private static List<Object[]> stampsOf(byte[] out) throws IOException {
        List<Object[]> stamps = new ArrayList<>();
        try (JsonParser p = JSON.createParser(strictUtf8(out))) {
            p.nextToken();
            int depth = 1;
            while (depth > 0) {
                JsonToken t = p.nextToken();
                if (depth == 1 && t == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if (isStamp(name)) {
                        stamps.add(new Object[] {name, p.getText()});
                    }
                    p.skipChildren();
                    continue;
                }
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                }
            }
        }
        return stamps;
    }

    private static boolean hasStamps(byte[] in) throws IOException {
        return oracleCountStamps(in) > 0;
    }

    private static int oracleCountStamps(byte[] in) throws IOException {
        byte[] v = in;
        if (v.length >= 3 && v[0] == (byte) 0xEF && v[1] == (byte) 0xBB && v[2] == (byte) 0xBF) {
            v = Arrays.copyOfRange(v, 3, v.length);
        }
        int n = 0;
        try (JsonParser p = JSON.createParser(strictUtf8(v))) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (isStamp(p.currentName())) {
                    n++;
                }
                p.nextToken();
                p.skipChildren();
            }
        }
        return n;
    }

    private static boolean isStamp(String name) {
        return name.equals("enqueuedAt") || name.equals("processedAt");
    }

    private static int objectStart(byte[] in) {
        int i = in.length >= 3 && in[0] == (byte) 0xEF && in[1] == (byte) 0xBB && in[2] == (byte) 0xBF ? 3 : 0;
        while (in[i] != '{') {
            i++;
        }
        return i;
    }

    private static String ts(long ms) {
        byte[] b = new byte[Timestamps.LENGTH];
        Timestamps.write(b, 0, ms);
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** value decoded as UTF-8, or null when it is not well-formed UTF-8. */
    static String strictUtf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // ---- inputs ----

    /** One fuzz input: arbitrary bytes, a valid event, or a mutated one. */
    static byte[] input(SplittableRandom r) {
        switch (r.nextInt(10)) {
            case 0:
                return randomBytes(r, r.nextInt(64));
            case 1: {
                byte[] b = randomBytes(r, 2 + r.nextInt(32));
                b[0] = '{';
                b[b.length - 1] = '}';
                return b;
            }
            case 2:
            case 3:
            case 4:
                return event(r).getBytes(StandardCharsets.UTF_8);
            default:
                return mutate(r, event(r).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    private static final byte[][] INSERTS = {
        {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {0}, {(byte) 0xC2, (byte) 0xA0}, {(byte) 0xA0}, {'\f'}, {'/', '*', '*', '/'},
        {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0x80},
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {' '}, {'\n'}, {','}, {'}'}, {']'},
        {'"'}, {'\\'}, {'\t'}, {'\r'}, {0x1F}, {0x7F}};

    private static byte[] mutate(SplittableRandom r, byte[] b) {
        if (b.length == 0) {
            return INSERTS[r.nextInt(INSERTS.length)].clone();
        }
        switch (r.nextInt(7)) {
            case 0:
                return Arrays.copyOf(b, r.nextInt(b.length));
            case 1: {
                byte[] c = b.clone();
                c[r.nextInt(c.length)] = (byte) r.nextInt(256);
                return c;
            }
            case 2:
            case 3: {
                byte[] ins = INSERTS[r.nextInt(INSERTS.length)];
                int at = r.nextInt(b.length + 1);
                byte[] c = new byte[b.length + ins.length];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(ins, 0, c, at, ins.length);
                System.arraycopy(b, at, c, at + ins.length, b.length - at);
                return c;
            }
            case 4: { // a leading BOM and whitespace around: still valid
                String ws = " \t\r\n".substring(r.nextInt(4));
                byte[] pre = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
                byte[] c = new byte[3 + ws.length() + b.length + ws.length()];
                System.arraycopy(pre, 0, c, 0, 3);
                System.arraycopy(ws.getBytes(StandardCharsets.US_ASCII), 0, c, 3, ws.length());
                System.arraycopy(b, 0, c, 3 + ws.length(), b.length);
                System.arraycopy(ws.getBytes(StandardCharsets.US_ASCII), 0, c, 3 + ws.length() + b.length, ws.length());
                return c;
            }
            case 5: { // duplicate a random slice
                int from = r.nextInt(b.length);
                int to = from + r.nextInt(b.length - from + 1);
                int at = r.nextInt(b.length + 1);
                byte[] c = new byte[b.length + to - from];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, from, c, at, to - from);
                System.arraycopy(b, at, c, at + to - from, b.length - at);
                return c;
            }
            default: { // two mutations
                return mutate(r, mutate(r, b));
            }
        }
    }

    /** A random valid JSON object: the sample's shape or random members, stamps sometimes. */
    static String event(SplittableRandom r) {
        StringBuilder b = new StringBuilder();
        b.append('{');
        int members = r.nextInt(8);
        for (int m = 0; m < members; m++) {
            if (m > 0) {
                ws(r, b);
                b.append(',');
            }
            ws(r, b);
            int kind = r.nextInt(10);
            String name = kind == 0 ? "enqueuedAt" : kind == 1 ? "processedAt" : kind == 2 ? "enqueued\\u0041t"
                    : kind == 3 ? "deviceId" : kind == 4 ? "eventId" : null;
            if (name != null) {
                b.append('"').append(name).append('"');
            } else {
                string(r, b);
            }
            ws(r, b);
            b.append(':');
            ws(r, b);
            value(r, b, 0);
            ws(r, b);
        }
        if (members == 0) {
            ws(r, b);
        }
        b.append('}');
        return b.toString();
    }

    private static void value(SplittableRandom r, StringBuilder b, int depth) {
        int k = r.nextInt(depth > 6 ? 5 : 8);
        switch (k) {
            case 0:
                string(r, b);
                return;
            case 1:
                number(r, b);
                return;
            case 2:
                b.append(r.nextBoolean() ? "true" : r.nextBoolean() ? "false" : "null");
                return;
            case 3:
                if (r.nextInt(20) == 0) { // deep nesting
                    int d = 1 + r.nextInt(5000);
                    b.append("[".repeat(d)).append("]".repeat(d));
                    return;
                }
                string(r, b);
                return;
            case 4:
                number(r, b);
                return;
            case 5:
            case 6: {
                b.append('{');
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    ws(r, b);
                    if (r.nextInt(4) == 0) {
                        b.append("\"enqueuedAt\"");
                    } else {
                        string(r, b);
                    }
                    ws(r, b);
                    b.append(':');
                    value(r, b, depth + 1);
                }
                b.append('}');
                return;
            }
            default: {
                b.append('[');
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    ws(r, b);
                    value(r, b, depth + 1);
                    ws(r, b);
                }
                b.append(']');
            }
        }
    }

    private static void number(SplittableRandom r, StringBuilder b) {
        if (r.nextBoolean()) {
            b.append('-');
        }
        if (r.nextInt(4) == 0) {
            b.append('0');
        } else {
            b.append(1 + r.nextInt(9));
            int digits = r.nextInt(10) == 0 ? 500 + r.nextInt(2000) : r.nextInt(18);
            for (int i = 0; i < digits; i++) {
                b.append(r.nextInt(10));
            }
        }
        if (r.nextBoolean()) {
            b.append('.').append(r.nextLong(0, Long.MAX_VALUE));
        }
        if (r.nextInt(3) == 0) {
            b.append(r.nextBoolean() ? 'e' : 'E').append(r.nextBoolean() ? "+" : r.nextBoolean() ? "-" : "")
                    .append(r.nextInt(4) == 0 ? "999999999999" : String.valueOf(r.nextInt(400)));
        }
    }

    private static final String[] PIECES = {"a", "Z", "0", " ", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
        "\\u0000", "\\u00e9", "\\ud83d\\ude00", "\\uFFFF", "\u00e9", "\u20ac", "\ud83d\ude00", "}", "{", "]", ",", ":",
        "\u007f", "\ufeff", "\u00a0", "enqueuedAt"};

    private static void string(SplittableRandom r, StringBuilder b) {
        b.append('"');
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            b.append(PIECES[r.nextInt(PIECES.length)]);
        }
        b.append('"');
    }

    private static void ws(SplittableRandom r, StringBuilder b) {
        if (r.nextInt(4) == 0) {
            b.append(" \t\r\n".charAt(r.nextInt(4)));
        }
    }

    private static String show(byte[] v) {
        if (v == null) {
            return "null";
        }
        String s = new String(v, 0, Math.min(v.length, 300), StandardCharsets.ISO_8859_1);
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c < 0x7F) {
                b.append(c);
            } else {
                b.append(String.format("\\x%02X", (int) c));
            }
        }
        return b + (v.length > 300 ? "… (" + v.length + " bytes)" : "");
    }
}
