package io.streamscale.relay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One device's state in the complex job and the tag rules, free of Flink (ported from the
 * sample's keyed process function; docs/architecture.md, "The complex job", says where a choice
 * had to be made). Events are taken in arrival order, which is the device's order in its input
 * partition (the record key is the deviceId).
 *
 * <p>On an event whose eventId is already buffered (a source duplicate), nothing happens: no
 * tag, no change of state. Otherwise it is appended to the buffer (the last {@link #BUFFER}
 * events, oldest dropped first) and tags it triggers are, in this order:
 *
 * <ul>
 *   <li>{@code FirstTagForThisKey}: the device had no state;
 *   <li>{@code <n>RecordsForThisKey}: the buffer now holds n events, 1 &lt; n &lt; 10;
 *   <li>{@code SeveralTemperaturesIn70s}: the event is a TEMP reading in [70, 80) and the buffer
 *       now holds at least two such readings;
 *   <li>{@code HighCO2WithSeveralTemperaturesIn70s}: the event is a CO2 reading above 80 and the
 *       buffer holds at least two TEMP readings in [70, 80).
 * </ul>
 *
 * <p>{@code NoNewsForAtLeast45000ms} ({@link #onTimer}): the event-time timer at an event's
 * createdAt + {@link #NO_NEWS_MS} fires while that event is still the device's last one.
 *
 * <p>A tag already emitted for the same (tag, triggerEventId) of the device is not emitted again;
 * the emitted tags are remembered while their trigger event is buffered.
 *
 * <p>A Flink POJO (public fields, no-arg constructor): the keyed state of {@link TagEvents}.
 */
public class DeviceTags {
    /** Events buffered per device. */
    public static final int BUFFER = 10;
    /** The quiet time after an event, in event time, that makes a NoNews tag. */
    public static final long NO_NEWS_MS = 45_000;

    public static final String FIRST = "FirstTagForThisKey";
    public static final String RECORDS_SUFFIX = "RecordsForThisKey";
    public static final String SEVERAL_TEMPERATURES = "SeveralTemperaturesIn70s";
    public static final String HIGH_CO2 = "HighCO2WithSeveralTemperaturesIn70s";
    public static final String NO_NEWS = "NoNewsForAtLeast" + NO_NEWS_MS + "ms";

    /** The device's last events in arrival order, oldest first; at most {@link #BUFFER}. */
    public DeviceEvent[] events = new DeviceEvent[0];
    /** Tags emitted for buffered events, each as {@code tag + "\n" + triggerEventId}. */
    public String[] emitted = new String[0];

    public DeviceTags() {}

    /** Whether a device with this state has seen no event yet. */
    public boolean isEmpty() {
        return events.length == 0;
    }

    /**
     * Takes the next event of the device; returns the tags it triggers (each with {@code e} as
     * its trigger event), or null when {@code e} is a duplicate of a buffered event.
     */
    public List<String> onEvent(DeviceEvent e) {
        for (DeviceEvent b : events) {
            if (b.eventId.equals(e.eventId)) {
                return null;
            }
        }
        boolean first = events.length == 0;
        DeviceEvent[] next;
        if (events.length < BUFFER) {
            next = Arrays.copyOf(events, events.length + 1);
        } else {
            next = new DeviceEvent[BUFFER];
            System.arraycopy(events, 1, next, 0, BUFFER - 1);
        }
        next[next.length - 1] = e;
        events = next;
        pruneEmitted();

        List<String> tags = new ArrayList<>(2);
        if (first) {
            tags.add(FIRST);
        }
        int n = events.length;
        if (n > 1 && n < BUFFER) {
            tags.add(n + RECORDS_SUFFIX);
        }
        int temps70 = 0;
        for (DeviceEvent b : events) {
            if (isTemperatureIn70s(b)) {
                temps70++;
            }
        }
        if (isTemperatureIn70s(e) && temps70 >= 2) {
            tags.add(SEVERAL_TEMPERATURES);
        }
        if ("CO2".equals(e.type) && e.value > 80 && temps70 >= 2) {
            tags.add(HIGH_CO2);
        }
        tags.removeIf(t -> !markEmitted(t, e.eventId));
        return tags;
    }

    /**
     * The timer at {@code timestamp} fired: the device's last event when its createdAt +
     * {@link #NO_NEWS_MS} is {@code timestamp} and its NoNews tag was not emitted yet (then
     * emit {@link #NO_NEWS} for it), else null.
     */
    public DeviceEvent onTimer(long timestamp) {
        if (events.length == 0) {
            return null;
        }
        DeviceEvent last = events[events.length - 1];
        if (last.createdAtMillis + NO_NEWS_MS != timestamp || !markEmitted(NO_NEWS, last.eventId)) {
            return null;
        }
        return last;
    }

    static boolean isTemperatureIn70s(DeviceEvent e) {
        return "TEMP".equals(e.type) && e.value >= 70 && e.value < 80;
    }

    /** Records (tag, eventId) as emitted; false when it already was. */
    private boolean markEmitted(String tag, String eventId) {
        String k = tag + "\n" + eventId;
        for (String s : emitted) {
            if (s.equals(k)) {
                return false;
            }
        }
        emitted = Arrays.copyOf(emitted, emitted.length + 1);
        emitted[emitted.length - 1] = k;
        return true;
    }

    /** Forgets emitted tags whose trigger event left the buffer. */
    private void pruneEmitted() {
        int kept = 0;
        String[] out = new String[emitted.length];
        for (String s : emitted) {
            String id = s.substring(s.indexOf('\n') + 1);
            for (DeviceEvent b : events) {
                if (b.eventId.equals(id)) {
                    out[kept++] = s;
                    break;
                }
            }
        }
        emitted = Arrays.copyOf(out, kept);
    }
}
