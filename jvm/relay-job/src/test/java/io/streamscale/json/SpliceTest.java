package io.streamscale.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpliceTest {
    private static final long ENQ = 1558026999123L; // 2019-05-16T17:16:39.123Z
    private static final long PROC = 1558027000004L; // 2019-05-16T17:16:40.004Z
    private static final String FIELDS = "\"enqueuedAt\":\"2019-05-16T17:16:39.123Z\",\"processedAt\":\"2019-05-16T17:16:40.004Z\"}";

    private static String splice(String in) {
        return splice(in.getBytes(StandardCharsets.UTF_8));
    }

    private static String splice(byte[] in) {
        Splice s = new Splice();
        assertThat(s.check(in)).as("accepted").isNull();
        byte[] out = s.splice(ENQ, PROC);
        assertThat(out).hasSize(s.splicedLength());
        return new String(out, StandardCharsets.UTF_8);
    }

    static Stream<Arguments> objects() {
        return Stream.of(
                Arguments.of("{\"a\":1}", "{\"a\":1,"),
                Arguments.of("{}", "{"),
                Arguments.of("{ }", "{ "),
                Arguments.of("{\"a\":1 }", "{\"a\":1 ,"),
                Arguments.of("{\"a\":{\"b\":[1,2]}}", "{\"a\":{\"b\":[1,2]},"),
                Arguments.of("{\"a\":1}\n", "{\"a\":1,"),
                Arguments.of(" \r\n\t{\"a\":1}", "{\"a\":1,"),
                Arguments.of("{\"\u00e9\":\"\u00fc}\"}", "{\"\u00e9\":\"\u00fc}\","),
                // Existing top-level enqueuedAt/processedAt are overwritten: removed with a comma.
                Arguments.of("{\"enqueuedAt\":\"x\"}", "{"),
                Arguments.of("{ \"enqueuedAt\" : 1 }", "{  "),
                Arguments.of("{\"enqueuedAt\":1,\"a\":2}", "{\"a\":2,"),
                Arguments.of("{\"a\":1,\"enqueuedAt\":2}", "{\"a\":1,"),
                Arguments.of("{\"a\":1, \"enqueuedAt\":2 , \"b\":3}", "{\"a\":1 , \"b\":3,"),
                Arguments.of("{\"processedAt\":0,\"enqueuedAt\":0,\"a\":[1],\"enqueuedAt\":{},\"processedAt\":[],\"b\":2,\"enqueuedAt\":null}",
                        "{\"a\":[1],\"b\":2,"),
                Arguments.of("{\"enqueued\\u0041t\":1,\"a\":2}", "{\"a\":2,"),
                Arguments.of("{\"a\":{\"enqueuedAt\":1},\"b\":[{\"processedAt\":2}]}", "{\"a\":{\"enqueuedAt\":1},\"b\":[{\"processedAt\":2}],"),
                Arguments.of("{\"enqueuedAtX\":1,\"xprocessedAt\":2}", "{\"enqueuedAtX\":1,\"xprocessedAt\":2,"),
                // Extreme but valid JSON is relayed as it is.
                Arguments.of("{\"n\":-1.5e-999999999,\"m\":123456789012345678901234567890e+99999}",
                        "{\"n\":-1.5e-999999999,\"m\":123456789012345678901234567890e+99999,"));
    }

    @ParameterizedTest
    @MethodSource("objects")
    void keepsEveryOtherByteOfTheObject(String in, String prefix) {
        assertThat(splice(in)).isEqualTo(prefix + FIELDS);
    }

    @Test
    void dropsAByteOrderMark() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '"', 'a', '"', ':', '1', '}'};
        assertThat(splice(bom)).isEqualTo("{\"a\":1," + FIELDS);
    }

    @Test
    void relaysDeepNestingWithoutRecursion() {
        int depth = 200_000;
        String deep = "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        assertThat(splice(deep)).isEqualTo(deep.substring(0, deep.length() - 1) + "," + FIELDS);
    }

    @Test
    void sampleEventKeepsItsBytes() {
        String event = "{\"eventId\":\"a4e5c2c6-1d2b-4b8e-9a0f-0b9f3f2d7c11\",\"complexData\":{\"moreData0\":57.739726013343247,"
                + "\"moreData22\":44.44672606436184},\"value\":49.02278128887753,\"deviceId\":\"contoso://device-id-154\","
                + "\"deviceSequenceNumber\":0,\"type\":\"CO2\",\"createdAt\":\"2019-05-16T17:16:40.000003Z\"}";
        String out = splice(event);
        assertThat(out).isEqualTo(event.substring(0, event.length() - 1) + "," + FIELDS);
        Splice s = new Splice();
        assertThat(s.check(out.getBytes(StandardCharsets.UTF_8), true)).isNull();
        assertThat(s.deviceId()).isEqualTo("contoso://device-id-154");
        assertThat(s.eventId()).isEqualTo("a4e5c2c6-1d2b-4b8e-9a0f-0b9f3f2d7c11");
        // Splicing the output again overwrites the two fields: still exactly one of each.
        assertThat(splice(out)).isEqualTo(out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "not json", "[1,2]", "\"s\"", "42", "{\"a\":", "{\"a\":1}{\"b\":2}", "{\"a\":1} x",
        "{'a':1}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":1}/**/", "{/*c*/\"a\":1}", "{\"a\":1}\u0000",
        "{\"a\":1}\u00a0", "{\"a\":1}\f", "\f{\"a\":1}", "{\"a\":\"\t\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12G4\"}",
        "{\"a\":-}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\" 1}", "{,\"a\":1}", "{\"a\":[1,]}", "{\"a\":[1 2]}",
        "{\"a\":1", "{\"a\":\"", "{\"a\":\"\\", "{\"a\":\"\\u00", "\u00ef\u00bb\u00bf{}"})
    void deadLettersNonObjects(String value) {
        assertThat(new Splice().check(value.getBytes(StandardCharsets.UTF_8))).isNotBlank();
    }

    static Stream<byte[]> invalidUtf8() {
        return Stream.of(
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'}, // overlong NUL
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, // surrogate
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', '}'}, // > U+10FFFF
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0x80, '"', '}'}, // stray continuation
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'}, // cut sequence
                new byte[] {'{', '"', (byte) 0xFF, '"', ':', '1', '}'}, // in a name
                new byte[] {'{', 0, '"', 0, 'a', 0, '"', 0, ':', 0, '1', 0, '}', 0}, // UTF-16LE
                new byte[] {(byte) 0xFF, (byte) 0xFE, '{', 0, '}', 0}, // UTF-16LE with its BOM
                new byte[] {0, '{', 0, '}'}); // UTF-16BE
    }

    @ParameterizedTest
    @MethodSource("invalidUtf8")
    void deadLettersInvalidUtf8AndOtherEncodings(byte[] value) {
        assertThat(new Splice().check(value)).isNotBlank();
    }

    @Test
    void aTombstoneIsNotAnObject() {
        assertThat(new Splice().check(null)).isEqualTo("null value (a tombstone)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", " {\"a\":[1,{\"b\":null}]} ", "{\"x\":\"}\"}", "{\"a\":\"\u20ac\ud83d\ude00\\ud83d\\ude00\\\"\"}",
        "{\"a\":-0.0E+1,\"b\":true,\"c\":false,\"d\":null,\"e\":\"\u007f\"}"})
    void acceptsObjects(String value) {
        assertThat(new Splice().check(value.getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void idsAreTopLevelStringsOnly() {
        Splice s = new Splice();
        assertThat(s.check("{\"x\":{\"deviceId\":\"inner\"},\"eventId\":7,\"deviceId\":\"d\"}".getBytes(StandardCharsets.UTF_8), true)).isNull();
        assertThat(s.deviceId()).isEqualTo("d");
        assertThat(s.eventId()).isNull();
    }
}
