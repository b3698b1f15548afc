package io.streamscale.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamscale.json.Splice;
import io.streamscale.kafka.KafkaInput;
import io.streamscale.kafka.Relayed;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordRelayTest {
    private static final long TS = 1_764_043_200_123L;
    private static final int MAX = RelayFunction.DEFAULT_MAX_RECORD_BYTES;

    private static KafkaInput input(byte[] key, byte[] value) {
        return new KafkaInput(key, value, TS, "in", 3, 42);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(Relayed r, String name) {
        byte[] v = r.header(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    @Test
    void keepsInputHeadersOnOutputAndAddsNone() {
        KafkaInput in = input(b("k"), b("{\"a\":1}"));
        in.headerKeys = new String[] {"trace", "empty", "trace"};
        in.headerValues = new byte[][] {b("1"), null, b("2")};
        Relayed r = new RecordRelay(MAX, false).relay(in, TS + 1);
        assertThat(r.isDeadLetter()).isFalse();
        assertThat(r.headerKeys).containsExactly("trace", "empty", "trace");
        assertThat(r.headerValues).isDeepEqualTo(new byte[][] {b("1"), null, b("2")});
        assertThat(r.key).isEqualTo(b("k"));
    }

    @Test
    void deadLettersKeepInputHeadersAndAddReasonAndSource() {
        KafkaInput in = input(b("k"), b("[1]"));
        in.headerKeys = new String[] {"trace"};
        in.headerValues = new byte[][] {b("1")};
        Relayed r = new RecordRelay(MAX, false).relay(in, TS);
        assertThat(r.isDeadLetter()).isTrue();
        assertThat(r.headerKeys).containsExactly("trace", RecordRelay.ERROR_HEADER, RecordRelay.SOURCE_HEADER);
        assertThat(header(r, RecordRelay.ERROR_HEADER)).startsWith("not a JSON object");
        assertThat(header(r, RecordRelay.SOURCE_HEADER)).isEqualTo("in/3/42");
        assertThat(r.value).isEqualTo(b("[1]"));
        assertThat(r.key).isEqualTo(b("k"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL|null value (a tombstone)",
        "''|empty value",
        "'   '|no JSON value (only whitespace)",
    })
    void tombstonesAndEmptyValuesAreDeadLetters(String value, String reason) {
        Relayed r = new RecordRelay(MAX, false).relay(input(null, value == null ? null : b(value)), TS);
        assertThat(r.error).isEqualTo(reason);
        assertThat(r.key).isNull();
    }

    @Test
    void aNullKeyObjectIsRelayedWithANullKey() {
        Relayed r = new RecordRelay(MAX, false).relay(input(null, b("{}")), TS);
        assertThat(r.isDeadLetter()).isFalse();
        assertThat(r.key).isNull();
    }

    @ParameterizedTest
    @CsvSource({"-62167219200001", "253402300800000", "9223372036854775807", "-9223372036854775808"})
    void timestampsOutsideRfc3339AreDeadLetters(long ts) {
        KafkaInput in = input(b("k"), b("{}"));
        in.timestamp = ts;
        assertThat(new RecordRelay(MAX, false).relay(in, TS).error).contains("outside the years 0000-9999");
    }

    @Test
    void anOutputAboveTheLimitIsADeadLetterCutToFit() {
        // An object that fits as input but not once the two fields are added.
        int size = MAX - 100 - 2 - 30;
        byte[] value = new byte[size];
        Arrays.fill(value, (byte) ' ');
        value[0] = '{';
        value[size - 1] = '}';
        Relayed r = new RecordRelay(MAX, false).relay(input(b("k"), value), TS);
        assertThat(r.error).contains("above --max-record-bytes " + MAX);
        assertThat(RecordRelay.recordBytes(r.key, r.value.length, r.headerKeys, r.headerValues)).isLessThanOrEqualTo(MAX);
        assertThat(header(r, RecordRelay.TRUNCATED_HEADER)).isEqualTo(String.valueOf(size));
        assertThat(r.value).isEqualTo(Arrays.copyOf(value, r.value.length));
        assertThat(r.value.length).isGreaterThan(size - 1000);

        // At the limit exactly, such an object is relayed; one byte more is not.
        int fits = MAX - 100 - 1 - Splice.FIELDS_LENGTH; // framing, key, fields
        byte[] v2 = Arrays.copyOf(value, fits);
        v2[fits - 1] = '}';
        Relayed ok = new RecordRelay(MAX, false).relay(input(b("k"), v2), TS);
        assertThat(ok.error).isNull();
        assertThat(RecordRelay.recordBytes(ok.key, ok.value.length, ok.headerKeys, ok.headerValues)).isEqualTo(MAX);
        byte[] v3 = Arrays.copyOf(value, fits + 1);
        v3[fits] = '}';
        assertThat(new RecordRelay(MAX, false).relay(input(b("k"), v3), TS).error).contains("would be " + (MAX + 1) + " bytes");
    }

    @Test
    void aKeyAndHeadersAboveTheLimitAreCutToo() {
        int max = 4096;
        KafkaInput in = input(new byte[10_000], new byte[5_000]);
        in.headerKeys = new String[] {"h1", "h2"};
        in.headerValues = new byte[][] {new byte[3000], new byte[3000]};
        Relayed r = new RecordRelay(max, false).relay(in, TS);
        assertThat(r.isDeadLetter()).isTrue();
        assertThat(RecordRelay.recordBytes(r.key, r.value.length, r.headerKeys, r.headerValues)).isLessThanOrEqualTo(max);
        assertThat(header(r, RecordRelay.TRUNCATED_HEADER)).isEqualTo("5000");
        assertThat(header(r, RecordRelay.DROPPED_HEADERS_HEADER)).isEqualTo("2");
        assertThat(header(r, RecordRelay.TRUNCATED_KEY_HEADER)).isEqualTo("10000");
        assertThat(r.header("h1")).isNull();
        assertThat(r.key.length).isPositive();
        assertThat(header(r, RecordRelay.ERROR_HEADER)).isNotBlank();
    }

    @Test
    void aRelayBugBecomesADeadLetterNotAFailure() {
        // Inconsistent header arrays make the relay throw; the record must still come out.
        KafkaInput in = input(b("k"), b("{}"));
        in.headerKeys = new String[] {"a", "b"};
        in.headerValues = new byte[][] {b("1")};
        Relayed r = RelayFunction.relaySafely(new RecordRelay(MAX, false), in, TS);
        assertThat(r.isDeadLetter()).isTrue();
        assertThat(r.error).startsWith("relay error: java.lang.ArrayIndexOutOfBoundsException");
        assertThat(header(r, RecordRelay.SOURCE_HEADER)).isEqualTo("in/3/42");
    }

    @Test
    void carriesIdsOnlyWhenAsked() {
        byte[] v = b("{\"eventId\":\"e1\",\"deviceId\":\"d1\"}");
        Relayed with = new RecordRelay(MAX, true).relay(input(b("k"), v), TS);
        assertThat(with.deviceId).isEqualTo("d1");
        assertThat(with.eventId).isEqualTo("e1");
        Relayed without = new RecordRelay(MAX, false).relay(input(b("k"), v), TS);
        assertThat(without.deviceId).isNull();
        assertThat(without.eventId).isNull();
    }
}
