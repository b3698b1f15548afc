package io.streamscale.tags;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamscale.kafka.KafkaInput;
import io.streamscale.kafka.Relayed;
import io.streamscale.relay.DeviceEvent;
import io.streamscale.relay.RecordRelay;
import io.streamscale.relay.RelayFunction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ParseEvents} and {@link EventTime}: what is an event, what is dead-lettered and why. */
class ParseEventsTest {
    private static final String EVENT = "{\"eventId\":\"e1\",\"complexData\":{\"moreData0\":1.5},\"value\":72.25,"
            + "\"deviceId\":\"contoso://device-id-4\",\"deviceSequenceNumber\":3,\"type\":\"TEMP\","
            + "\"createdAt\":\"2026-11-29T21:38:50.123456Z\"}";

    @Test
    void parsesTheGeneratorsEvent() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(input(EVENT)));
            List<DeviceEvent> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            DeviceEvent e = out.get(0);
            assertThat(e.deviceId).isEqualTo("contoso://device-id-4");
            assertThat(e.eventId).isEqualTo("e1");
            assertThat(e.type).isEqualTo("TEMP");
            assertThat(e.value).isEqualTo(72.25);
            assertThat(e.createdAt).isEqualTo("2026-11-29T21:38:50.123456Z");
            assertThat(e.createdAtMillis).isEqualTo(Instant.parse("2026-11-29T21:38:50.123Z").toEpochMilli());
            assertThat(e.enqueuedAt).isEqualTo(42);
            assertThat(h.getSideOutput(ParseEvents.DEAD_LETTERS)).isNull();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json|not a JSON object",
        "[1]|not a JSON object",
        "{\"deviceId\":\"d\",\"eventId\":\"e\",\"type\":\"TEMP\",\"createdAt\":\"2026-01-01T00:00:00Z\"}|no number value",
        "{\"deviceId\":\"d\",\"eventId\":\"e\",\"type\":\"TEMP\",\"value\":\"1\",\"createdAt\":\"2026-01-01T00:00:00Z\"}|no number value",
        "{\"deviceId\":1,\"eventId\":\"e\",\"type\":\"TEMP\",\"value\":1,\"createdAt\":\"2026-01-01T00:00:00Z\"}|no string deviceId",
        "{\"deviceId\":\"d\",\"type\":\"TEMP\",\"value\":1,\"createdAt\":\"2026-01-01T00:00:00Z\"}|no string eventId",
        "{\"deviceId\":\"d\",\"eventId\":\"e\",\"value\":1,\"createdAt\":\"2026-01-01T00:00:00Z\"}|no string type",
        "{\"deviceId\":\"d\",\"eventId\":\"e\",\"type\":\"TEMP\",\"value\":1}|no string createdAt",
        "{\"deviceId\":\"d\",\"eventId\":\"e\",\"type\":\"TEMP\",\"value\":1,\"createdAt\":\"yesterday\"}|createdAt yesterday is not an RFC 3339",
    })
    void deadLettersWhatIsNotAnEventWithTheReason(String value, String reason) throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(input(value)));
            assertThat(h.extractOutputValues()).isEmpty();
            var dead = h.getSideOutput(ParseEvents.DEAD_LETTERS);
            assertThat(dead).hasSize(1);
            Relayed r = dead.peek().getValue();
            assertThat(r.value).isEqualTo(value.getBytes(StandardCharsets.UTF_8));
            assertThat(new String(r.header(RecordRelay.ERROR_HEADER), StandardCharsets.UTF_8)).contains(reason);
            assertThat(new String(r.header(RecordRelay.SOURCE_HEADER), StandardCharsets.UTF_8)).isEqualTo("in/1/7");
        }
    }

    @Test
    void deadLettersATombstone() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(new KafkaInput(null, null, 1, "in", 0, 1)));
            assertThat(h.getSideOutput(ParseEvents.DEAD_LETTERS)).hasSize(1);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "2026-11-29T21:38:50.123456Z, 2026-11-29T21:38:50.123Z",
        "2026-11-29T21:38:50Z, 2026-11-29T21:38:50Z",
        "2026-11-29T21:38:50.1Z, 2026-11-29T21:38:50.100Z",
        "2000-02-29T23:59:59.999999999Z, 2000-02-29T23:59:59.999Z",
        "1969-12-31T23:59:59.5Z, 1969-12-31T23:59:59.500Z",
        "2026-11-29T22:38:50.250+01:00, 2026-11-29T21:38:50.250Z",
    })
    void eventTimeIsCreatedAtInMillis(String createdAt, String want) {
        assertThat(EventTime.parse(createdAt)).isEqualTo(Instant.parse(want).toEpochMilli());
        String record = "{\"a\":1,\"createdAt\":\"" + createdAt + "\"}";
        assertThat(EventTime.ofRecord(record.getBytes(StandardCharsets.UTF_8))).isEqualTo(Instant.parse(want).toEpochMilli());
    }

    @ParameterizedTest
    @CsvSource({"2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T21:38:50.Z", "2026-11-29 21:38:50Z", "''"})
    void eventTimeRejectsWhatIsNotADateTime(String createdAt) {
        assertThat(EventTime.parse(createdAt)).isEqualTo(EventTime.INVALID);
    }

    @Test
    void aRecordWithoutCreatedAtHasNoEventTime() {
        assertThat(EventTime.ofRecord("{\"x\":1}".getBytes(StandardCharsets.UTF_8))).isEqualTo(EventTime.INVALID);
        assertThat(EventTime.ofRecord(null)).isEqualTo(EventTime.INVALID);
        assertThat(EventTime.ofRecord("{\"createdAt\":\"2026".getBytes(StandardCharsets.UTF_8))).isEqualTo(EventTime.INVALID);
    }

    private static OneInputStreamOperatorTestHarness<KafkaInput, DeviceEvent> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ParseEvents(RelayFunction.DEFAULT_MAX_RECORD_BYTES)));
    }

    private static KafkaInput input(String value) {
        return new KafkaInput("k".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), 42, "in", 1, 7);
    }
}
