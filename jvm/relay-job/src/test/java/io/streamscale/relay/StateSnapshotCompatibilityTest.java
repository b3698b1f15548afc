package io.streamscale.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamscale.kafka.Relayed;
import io.streamscale.tags.TagEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * Keyed state written by the jar before the package split (commit 4dfba4a, through
 * {@code OperatorSnapshotUtil} in Flink 2.2.1's operator test harness) restores into today's
 * operators: Flink's POJO serializer records the state classes' names
 * ({@code io.streamscale.relay.DeviceTags}, {@code DeviceEvent}, {@code Dedup$Seen}) and refuses
 * another class, so moving one of them would fail the restore of a running job after an upgrade
 * (on AKS the operator's {@code upgradeMode: savepoint}). The snapshots: TagEvents after events
 * e-0 and e-1 of device d1; Dedup (window 3) after eventId e-0 of d1.
 */
class StateSnapshotCompatibilityTest {
    private static final long T0 = 1_700_000_000_000L;

    private static OperatorSubtaskState snapshot(String name) throws Exception {
        return OperatorSnapshotUtil.readStateHandle(
                Path.of(StateSnapshotCompatibilityTest.class.getResource("/state/" + name).toURI()).toString());
    }

    @Test
    void theComplexJobsDeviceStateRestores() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, Relayed>(
                new KeyedProcessOperator<>(new TagEvents(() -> T0)), e -> e.deviceId, Types.STRING)) {
            h.initializeState(snapshot("tag-events-4dfba4a.snapshot"));
            h.open();
            send(h, "e-0", 0); // buffered before the snapshot: a duplicate, no tag
            assertThat(h.extractOutputValues()).isEmpty();
            send(h, "e-2", 2); // the third buffered event
            ObjectMapper json = new ObjectMapper();
            List<String> tags = h.extractOutputValues().stream().map(r -> {
                try {
                    return json.readTree(r.value).get("tag").textValue();
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }).toList();
            assertThat(tags).containsExactly("3RecordsForThisKey");
        }
    }

    @Test
    void theRelaysDedupStateRestores() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, Relayed, Relayed>(
                new KeyedProcessOperator<>(new Dedup(3)), Dedup.KEY, Types.STRING)) {
            h.initializeState(snapshot("dedup-4dfba4a.snapshot"));
            h.open();
            h.processElement(new StreamRecord<>(relayed("e-0"), T0)); // seen before the snapshot
            h.processElement(new StreamRecord<>(relayed("e-1"), T0));
            assertThat(h.extractOutputValues()).extracting(r -> r.eventId).containsExactly("e-1");
        }
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, DeviceEvent, Relayed> h, String id, long at) throws Exception {
        DeviceEvent e = new DeviceEvent("d1", id, "TEMP", 10, java.time.Instant.ofEpochMilli(T0 + at).toString(), T0 + at);
        h.processElement(new StreamRecord<>(e, e.createdAtMillis));
    }

    private static Relayed relayed(String eventId) {
        Relayed r = new Relayed();
        r.value = "{}".getBytes(StandardCharsets.UTF_8);
        r.deviceId = "d1";
        r.eventId = eventId;
        return r;
    }
}
