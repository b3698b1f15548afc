package io.streamscale.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SpliceTest {
    private static final long ENQ = 1558026999123L; // 2019-05-16T17:16:39.123Z
    private static final long PROC = 1558027000004L; // 2019-05-16T17:16:40.004Z
    private static final String FIELDS = "\"enqueuedAt\":\"2019-05-16T17:16:39.123Z\",\"processedAt\":\"2019-05-16T17:16:40.004Z\"}";

    private static String splice(String in) {
        return new String(Splice.splice(in.getBytes(StandardCharsets.UTF_8), ENQ, PROC), StandardCharsets.UTF_8);
    }

    static Stream<Arguments> objects() {
        return Stream.of(
                Arguments.of("{\"a\":1}", "{\"a\":1,"),
                Arguments.of("{}", "{"),
                Arguments.of("{ }", "{ "),
                Arguments.of("{\"a\":1 }", "{\"a\":1 ,"),
                Arguments.of("{\"a\":{\"b\":[1,2]}}", "{\"a\":{\"b\":[1,2]},"),
                Arguments.of("{\"a\":1}\n", "{\"a\":1,"),
                Arguments.of("{\"\u00e9\":\"\u00fc}\"}", "{\"\u00e9\":\"\u00fc}\","));
    }

    @ParameterizedTest
    @MethodSource("objects")
    void keepsEveryInputByteBeforeTheClosingBrace(String in, String prefix) {
        assertThat(splice(in)).isEqualTo(prefix + FIELDS);
    }

    @Test
    void sampleEventKeepsItsBytes() {
        String event = "{\"eventId\":\"a4e5c2c6-1d2b-4b8e-9a0f-0b9f3f2d7c11\",\"complexData\":{\"moreData0\":57.739726013343247,"
                + "\"moreData22\":44.44672606436184},\"value\":49.02278128887753,\"deviceId\":\"contoso://device-id-154\","
                + "\"deviceSequenceNumber\":0,\"type\":\"CO2\",\"createdAt\":\"2019-05-16T17:16:40.000003Z\"}";
        String out = splice(event);
        assertThat(out).startsWith(event.substring(0, event.length() - 1) + ",").endsWith(FIELDS);
        assertThat(new Splice().invalidReason(out.getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void rejectsValueWithoutClosingBrace() {
        assertThatThrownBy(() -> Splice.splice("[1]".getBytes(StandardCharsets.UTF_8), 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "\"s\"", "42", "{\"a\":", "{\"a\":1}{\"b\":2}", "{\"a\":1} x", "{'a':1}"})
    void classifiesNonObjects(String value) {
        assertThat(new Splice().invalidReason(value.getBytes(StandardCharsets.UTF_8))).isNotNull();
    }

    @Test
    void classifiesNull() {
        assertThat(new Splice().invalidReason(null)).isEqualTo("null value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", " {\"a\":[1,{\"b\":null}]} ", "{\"x\":\"}\"}"})
    void acceptsObjects(String value) {
        assertThat(new Splice().invalidReason(value.getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
