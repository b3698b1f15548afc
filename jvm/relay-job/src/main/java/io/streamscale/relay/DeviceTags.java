package io.streamscale.relay;

import java.util.ArrayList;
import java.util.List;

/**
 * One device's state in the complex job and the tag rules, free of Flink: the sample's
 * {@code ComplexEventProcessingLogic.processElement}/{@code onTimer} and {@code SampleState}
 * (Azure-Samples/streaming-at-scale, components/apache-flink/flink-kafka-consumer, commit
 * 4a2c4b8), followed step by step. Events are taken in arrival order, which is the device's order
 * in its input partition (the record key is the deviceId).
 *
 * <p>On each event (the sample's steps, in its order):
 *
 * <ol>
 *   <li>the event is appended to the buffer of the device's last {@link #BUFFER} events (the
 *       oldest dropped first);
 *   <li>{@code FirstTagForThisKey} for the event when the device had no tag yet (its first
 *       event);
 *   <li>{@code <n>RecordsForThisKey} for the event when the buffer now holds n events,
 *       1 &lt; n &lt; 10;
 *   <li>a walk over the buffer, oldest first, counting {@code TEMP} readings in [70, 80) and
 *       turning a flag on at the first {@code CO2} reading above 80; at each buffered record:
 *       if it is such a {@code TEMP} reading and the count is above 1, {@code
 *       SeveralTemperaturesIn70s} for that record; then, if the flag is on and the count is
 *       above 1, {@code HighCO2WithSeveralTemperaturesIn70s} for that record, and the walk stops
 *       once one is emitted. Each is emitted only when no equivalent tag (same tag and trigger
 *       eventId) was.
 * </ol>
 *
 * <p>{@code NoNewsForAtLeast45000ms} ({@link #onTimer}): an event-time timer at
 * {@code timestamp} fired, the device's last (arrived) event is at least {@link #NO_NEWS_MS}
 * older in event time, and no equivalent tag was emitted: the tag, for that event.
 *
 * <p>So a buffered record, not only the arriving event, can be a trigger, the CO2 reading may
 * come before or after the temperatures, and the HighCO2 tag keeps coming on later events while
 * the buffer holds them. (With the duplicate rule below every record the walk tags is in fact
 * the arriving one: an older record's conditions only lose records as the buffer moves on, and
 * it was tagged when it arrived. The walk is kept as the sample wrote it.)
 *
 * <p>Deliberate deviations from the sample (docs/architecture.md, "The complex job"):
 *
 * <ul>
 *   <li>An event whose eventId is already buffered (a source duplicate) changes nothing: no tag,
 *       no state, no timer. The sample buffered it again, so one reading delivered twice counted
 *       as two records and as two temperatures.
 *   <li>The equivalent tags remembered are those whose trigger event is still buffered (a mark
 *       per buffered event and tag kind); the sample kept every tag the device ever had, a state
 *       that grows without bound. Only an eventId that comes back after its first copy left the
 *       buffer can then repeat a tag of that copy.
 * </ul>
 *
 * <p>The job's other choices around these rules (no rebalance before keying, event time from
 * createdAt for watermarks and timers alike, triggerEventCreatedAt copied as written) are in
 * {@link io.streamscale.tags.ComplexJob} and {@link io.streamscale.tags.TagEvents}.
 *
 * <p>A Flink POJO (public fields, no-arg constructor): the keyed state of {@link io.streamscale.tags.TagEvents}.
 *
 * <p>Stays in {@code io.streamscale.relay} although it is the complex job's: Flink's POJO
 * serializer records the class name in every checkpoint and savepoint, and refuses another
 * class on restore, so a new name would fail the restore of a running job's state after an
 * upgrade (the operator's {@code upgradeMode: savepoint}). {@code StateSnapshotCompatibilityTest} restores state the pre-split jar wrote.
 */
public class DeviceTags {
    /** Events buffered per device (the sample's {@code SampleState.maxRecords}). */
    public static final int BUFFER = 10;
    /** The quiet time after an event, in event time, that makes a NoNews tag. */
    public static final long NO_NEWS_MS = 45_000;

    public static final String FIRST = "FirstTagForThisKey";
    public static final String RECORDS_SUFFIX = "RecordsForThisKey";
    public static final String SEVERAL_TEMPERATURES = "SeveralTemperaturesIn70s";
    public static final String HIGH_CO2 = "HighCO2WithSeveralTemperaturesIn70s";
    public static final String NO_NEWS = "NoNewsForAtLeast" + NO_NEWS_MS + "ms";

    /** The marks of {@link #marks}: the tags emitted with a buffered event as their trigger. */
    private static final byte MARK_SEVERAL = 1, MARK_HIGH_CO2 = 2, MARK_NO_NEWS = 4;

    /** The device's last events in arrival order, oldest first; at most {@link #BUFFER}. */
    public DeviceEvent[] events = new DeviceEvent[0];
    /**
     * Per buffered event (same index as {@link #events}), the tags with an equivalence check
     * emitted for it as trigger: SeveralTemperaturesIn70s (1), HighCO2… (2), NoNews (4).
     */
    public byte[] marks = new byte[0];

    public DeviceTags() {}

    /** A tag to emit: its name and its trigger event. */
    public static final class Tag {
        public final String tag;
        public final DeviceEvent trigger;

        Tag(String tag, DeviceEvent trigger) {
            this.tag = tag;
            this.trigger = trigger;
        }

        @Override
        public String toString() {
            return tag + "@" + trigger.eventId;
        }
    }

    /** Whether a device with this state has seen no event yet. */
    public boolean isEmpty() {
        return events.length == 0;
    }

    /**
     * Takes the next event of the device; returns the tags it makes, in the sample's order, or
     * null when {@code e} is a duplicate of a buffered event.
     */
    public List<Tag> onEvent(DeviceEvent e) {
        for (DeviceEvent b : events) {
            if (b.eventId.equals(e.eventId)) {
                return null;
            }
        }
        // The sample's "tags.size() == 0": every device's first event makes a tag.
        boolean first = events.length == 0;
        add(e);

        List<Tag> out = new ArrayList<>(3);
        if (first) {
            out.add(new Tag(FIRST, e));
        }
        int n = events.length;
        if (n > 1 && n < BUFFER) {
            out.add(new Tag(n + RECORDS_SUFFIX, e));
        }
        int temperaturesIn70s = 0;
        boolean someCO2Above80 = false;
        for (int i = 0; i < events.length; i++) {
            DeviceEvent r = events[i];
            if ("TEMP".equals(r.type)) {
                if (r.value >= 70 && r.value < 80) {
                    temperaturesIn70s++;
                    if (temperaturesIn70s > 1 && mark(i, MARK_SEVERAL)) {
                        out.add(new Tag(SEVERAL_TEMPERATURES, r));
                    }
                }
            } else if ("CO2".equals(r.type)) {
                if (r.value > 80) {
                    someCO2Above80 = true;
                }
            }
            if (someCO2Above80 && temperaturesIn70s > 1 && mark(i, MARK_HIGH_CO2)) {
                out.add(new Tag(HIGH_CO2, r));
                break; // the sample emits at most one HighCO2 tag per arriving event
            }
        }
        return out;
    }

    /**
     * The event-time timer at {@code timestamp} fired: the device's last event when it is at
     * least {@link #NO_NEWS_MS} older than {@code timestamp} and its NoNews tag was not emitted
     * yet (then emit {@link #NO_NEWS} for it), else null.
     */
    public DeviceEvent onTimer(long timestamp) {
        if (events.length == 0) {
            return null;
        }
        int last = events.length - 1;
        if (timestamp - events[last].createdAtMillis < NO_NEWS_MS || !mark(last, MARK_NO_NEWS)) {
            return null;
        }
        return events[last];
    }

    /** Appends e to the buffer, dropping the oldest event (and its marks) when it is full. */
    private void add(DeviceEvent e) {
        int keep = Math.min(events.length, BUFFER - 1);
        DeviceEvent[] next = new DeviceEvent[keep + 1];
        byte[] nextMarks = new byte[keep + 1];
        System.arraycopy(events, events.length - keep, next, 0, keep);
        System.arraycopy(marks, marks.length - keep, nextMarks, 0, keep);
        next[keep] = e;
        events = next;
        marks = nextMarks;
    }

    /** Marks tag {@code m} as emitted for buffered event i; false when it already was. */
    private boolean mark(int i, byte m) {
        if ((marks[i] & m) != 0) {
            return false;
        }
        marks[i] |= m;
        return true;
    }
}
