package io.streamscale.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** {@link TagEvents} in Flink's keyed operator test harness: each tag, the buffer, timers, state. */
class TagEventsHarnessTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long NOW = 1_800_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private int ids;

    @Test
    void firstAndCountTagsUpToNineThenNone() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 12; i++) {
                send(h, event("d1", "TEMP", 10, T0 + i * 1000L));
            }
            List<String> tags = tags(h);
            List<String> want = new ArrayList<>(List.of("FirstTagForThisKey"));
            for (int n = 2; n < 10; n++) {
                want.add(n + "RecordsForThisKey");
            }
            assertThat(tags).containsExactlyElementsOf(want);
        }
    }

    @Test
    void tagRecordHasTheSamplesFields() throws Exception {
        try (var h = harness()) {
            h.open();
            DeviceEvent e = event("contoso://device-id-7", "CO2", 1, T0);
            send(h, e);
            JsonNode o = JSON.readTree(h.extractOutputValues().get(0).value);
            assertThat(o.fieldNames()).toIterable().containsExactly("deviceId", "processedAt", "triggerEventCreatedAt", "triggerEventId", "tag");
            assertThat(o.get("deviceId").textValue()).isEqualTo("contoso://device-id-7");
            assertThat(o.get("processedAt").textValue()).isEqualTo("2027-01-15T08:00:00.000Z");
            assertThat(o.get("triggerEventCreatedAt").textValue()).isEqualTo(e.createdAt);
            assertThat(o.get("triggerEventId").textValue()).isEqualTo(e.eventId);
            assertThat(new String(h.extractOutputValues().get(0).key, StandardCharsets.UTF_8)).isEqualTo("contoso://device-id-7");
        }
    }

    @Test
    void severalTemperaturesOnTheSecondReadingIn70sWhileBuffered() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, event("d", "TEMP", 75, T0)); // First
            send(h, event("d", "TEMP", 80, T0 + 1)); // 2Records; 80 is not in [70, 80)
            DeviceEvent second = event("d", "TEMP", 70, T0 + 2);
            send(h, second); // 3Records, Several
            send(h, event("d", "TEMP", 10, T0 + 3)); // 4Records, not a 70s reading: no tag
            assertThat(tagsWithTrigger(h)).containsExactly(
                    "FirstTagForThisKey", "2RecordsForThisKey", "3RecordsForThisKey", "SeveralTemperaturesIn70s@" + second.eventId,
                    "4RecordsForThisKey");
            h.getOutput().clear();
            for (int i = 0; i < 10; i++) {
                send(h, event("d", "TEMP", 1, T0 + 10 + i)); // both 70s readings leave the buffer
            }
            send(h, event("d", "TEMP", 79.999, T0 + 100)); // the only one in the buffer
            assertThat(tags(h)).containsExactly("5RecordsForThisKey", "6RecordsForThisKey", "7RecordsForThisKey", "8RecordsForThisKey",
                    "9RecordsForThisKey");
        }
    }

    @Test
    void highCO2WithTwoTemperaturesIn70sBuffered() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, event("mixed", "CO2", 90, T0)); // no temperatures yet
            send(h, event("mixed", "TEMP", 71, T0 + 1));
            send(h, event("mixed", "CO2", 95, T0 + 2)); // only one temperature
            send(h, event("mixed", "TEMP", 72, T0 + 3)); // Several
            send(h, event("mixed", "CO2", 80, T0 + 4)); // not above 80
            DeviceEvent high = event("mixed", "CO2", 80.5, T0 + 5);
            send(h, high);
            assertThat(tags(h)).containsExactly("FirstTagForThisKey", "2RecordsForThisKey", "3RecordsForThisKey", "4RecordsForThisKey",
                    "SeveralTemperaturesIn70s", "5RecordsForThisKey", "6RecordsForThisKey", "HighCO2WithSeveralTemperaturesIn70s");
            assertThat(tagsWithTrigger(h)).last().isEqualTo("HighCO2WithSeveralTemperaturesIn70s@" + high.eventId);
        }
    }

    @Test
    void aDuplicateOfABufferedEventChangesNothing() throws Exception {
        try (var h = harness()) {
            h.open();
            DeviceEvent e = event("d", "TEMP", 75, T0);
            send(h, e);
            send(h, copy(e));
            send(h, event("d", "TEMP", 1, T0 + 1));
            assertThat(tags(h)).containsExactly("FirstTagForThisKey", "2RecordsForThisKey");
        }
    }

    @Test
    void noNewsWhenTheWatermarkPassesTheLastEventPlus45s() throws Exception {
        try (var h = harness()) {
            h.open();
            DeviceEvent a = event("a", "TEMP", 1, T0);
            DeviceEvent b1 = event("b", "TEMP", 1, T0);
            DeviceEvent b2 = event("b", "TEMP", 1, T0 + 30_000);
            send(h, a);
            send(h, b1);
            send(h, b2);
            h.getOutput().clear();
            h.processWatermark(T0 + 44_999);
            assertThat(tags(h)).isEmpty();
            h.processWatermark(T0 + 45_000);
            assertThat(tagsWithTrigger(h)).containsExactly("NoNewsForAtLeast45000ms@" + a.eventId); // b1 has a newer event
            h.getOutput().clear();
            h.processWatermark(T0 + 75_000);
            assertThat(tagsWithTrigger(h)).containsExactly("NoNewsForAtLeast45000ms@" + b2.eventId);
            h.getOutput().clear();
            h.processWatermark(Long.MAX_VALUE);
            assertThat(tags(h)).isEmpty();
        }
    }

    @Test
    void stateAndTimersSurviveASnapshot() throws Exception {
        OperatorSubtaskState snapshot;
        DeviceEvent last = event("d", "TEMP", 75, T0 + 2);
        try (var h = harness()) {
            h.open();
            send(h, event("d", "TEMP", 75, T0));
            send(h, event("d", "TEMP", 1, T0 + 1));
            send(h, last);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            send(h, copy(last)); // replayed after the restore: still a duplicate
            send(h, event("d", "TEMP", 1, T0 + 3));
            assertThat(tags(h)).containsExactly("4RecordsForThisKey");
            h.getOutput().clear();
            h.processWatermark(T0 + 3 + 45_000);
            assertThat(tags(h)).containsExactly("NoNewsForAtLeast45000ms");
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processWatermark(T0 + 2 + 45_000); // the restored timer of the last event
            assertThat(tagsWithTrigger(h)).containsExactly("NoNewsForAtLeast45000ms@" + last.eventId);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, Relayed> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new TagEvents(() -> NOW)), e -> e.deviceId, Types.STRING);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, Relayed> h, DeviceEvent e) throws Exception {
        h.processElement(new StreamRecord<>(e, e.createdAtMillis));
    }

    private DeviceEvent event(String device, String type, double value, long createdAt) {
        String text = java.time.Instant.ofEpochMilli(createdAt).toString();
        return new DeviceEvent(device, "e-" + (ids++), type, value, text, createdAt);
    }

    private static DeviceEvent copy(DeviceEvent e) {
        return new DeviceEvent(e.deviceId, e.eventId, e.type, e.value, e.createdAt, e.createdAtMillis);
    }

    private static List<String> tags(KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, Relayed> h) throws Exception {
        List<String> out = new ArrayList<>();
        for (Relayed r : h.extractOutputValues()) {
            out.add(JSON.readTree(r.value).get("tag").textValue());
        }
        return out;
    }

    private static List<String> tagsWithTrigger(KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, Relayed> h) throws Exception {
        List<String> out = new ArrayList<>();
        for (Relayed r : h.extractOutputValues()) {
            JsonNode o = JSON.readTree(r.value);
            String tag = o.get("tag").textValue();
            out.add(tag.endsWith("RecordsForThisKey") || tag.equals("FirstTagForThisKey") ? tag : tag + "@" + o.get("triggerEventId").textValue());
        }
        return out;
    }
}
