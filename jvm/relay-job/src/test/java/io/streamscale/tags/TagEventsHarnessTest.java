package io.streamscale.tags;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamscale.kafka.Relayed;
import io.streamscale.relay.DeviceEvent;
import io.streamscale.relay.DeviceTags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link TagEvents} in Flink's keyed operator test harness: each tag, the buffer, timers, state,
 * and the hand-worked cases from the sample's rules that internal/tags is held to as well.
 */
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
    void highCO2OnEveryEventWhileTheBufferHoldsACO2Above80AndTwoTemperaturesIn70s() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, event("mixed", "CO2", 80, T0)); // not above 80
            send(h, event("mixed", "TEMP", 71, T0 + 1));
            send(h, event("mixed", "CO2", 95, T0 + 2)); // only one temperature yet
            DeviceEvent second = event("mixed", "TEMP", 72, T0 + 3); // the trigger, though no CO2 reading
            send(h, second);
            DeviceEvent low = event("mixed", "CO2", 5, T0 + 4); // the three are still buffered
            send(h, low);
            assertThat(tagsWithTrigger(h)).containsExactly("FirstTagForThisKey", "2RecordsForThisKey", "3RecordsForThisKey", "4RecordsForThisKey",
                    "SeveralTemperaturesIn70s@" + second.eventId, "HighCO2WithSeveralTemperaturesIn70s@" + second.eventId,
                    "5RecordsForThisKey", "HighCO2WithSeveralTemperaturesIn70s@" + low.eventId);
        }
    }

    /** The hand-worked cases of internal/tags/testdata/sample-cases.txt, read by Go's tests too. */
    @TestFactory
    Stream<DynamicTest> sampleCases() throws IOException {
        Path file = Path.of("..", "..", "internal", "tags", "testdata", "sample-cases.txt");
        assertThat(file).as("the hand-worked cases shared with internal/tags").exists();
        List<DynamicTest> tests = new ArrayList<>();
        String name = null;
        List<String[]> lines = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            l = l.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (l.startsWith("case ")) {
                if (name != null) {
                    tests.add(sampleCase(name, lines));
                }
                name = l.substring(5);
                lines = new ArrayList<>();
                continue;
            }
            int colon = l.indexOf(':');
            String[] head = l.substring(0, Math.max(colon, 0)).trim().split("\\s+");
            if (colon < 0 || head.length != 3 || name == null) {
                throw new IllegalArgumentException("sample-cases.txt: want \"<eventId> <type> <value> : <tags>\" in a case, got " + l);
            }
            lines.add(new String[] {head[0], head[1], head[2], l.substring(colon + 1).trim()});
        }
        tests.add(sampleCase(name, lines));
        return tests.stream();
    }

    private DynamicTest sampleCase(String name, List<String[]> lines) {
        return DynamicTest.dynamicTest(name, () -> {
            Map<String, DeviceEvent> byId = new HashMap<>();
            try (var h = harness()) {
                h.open();
                for (int i = 0; i < lines.size(); i++) {
                    String[] l = lines.get(i);
                    DeviceEvent e = byId.get(l[0]);
                    if (e == null) {
                        long at = T0 + i * 1000L;
                        e = new DeviceEvent("d", l[0], l[1], Double.parseDouble(l[2]), java.time.Instant.ofEpochMilli(at).toString(), at);
                        byId.put(l[0], e);
                    }
                    send(h, copy(e));
                    List<String> want = new ArrayList<>();
                    for (String t : l[3].isEmpty() ? new String[0] : l[3].split("\\s+")) {
                        String[] nameAndTrigger = t.split("@", 2);
                        String tag = switch (nameAndTrigger[0]) {
                            case "First" -> DeviceTags.FIRST;
                            case "Several" -> DeviceTags.SEVERAL_TEMPERATURES;
                            case "HighCO2" -> DeviceTags.HIGH_CO2;
                            default -> nameAndTrigger[0].replace("Records", DeviceTags.RECORDS_SUFFIX);
                        };
                        want.add(tag + "@" + (nameAndTrigger.length == 2 ? nameAndTrigger[1] : l[0]));
                    }
                    List<String> got = new ArrayList<>();
                    for (Relayed r : h.extractOutputValues()) {
                        JsonNode o = JSON.readTree(r.value);
                        got.add(o.get("tag").textValue() + "@" + o.get("triggerEventId").textValue());
                        assertThat(o.get("triggerEventCreatedAt").textValue()).isEqualTo(byId.get(o.get("triggerEventId").textValue()).createdAt);
                    }
                    h.getOutput().clear();
                    assertThat(got).as("event %d (%s %s %s)", i + 1, l[0], l[1], l[2]).containsExactlyElementsOf(want);
                }
            }
        });
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
