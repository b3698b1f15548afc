package io.streamscale.relay;

import io.streamscale.kafka.Relayed;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The sample's hidden de-duplication, as an option ({@code --dedup-window N}): per deviceId, the
 * last N eventIds relayed are kept in keyed state, and a record whose eventId is among them is
 * dropped and counted in the metric {@code deduplicatedRecords}. Dead letters and records
 * without a top-level string deviceId and eventId pass untouched (and leave no state).
 *
 * <p>Key with {@link #KEY}: the deviceId, or for records that pass untouched a key derived from
 * their bytes that no deviceId can take, so they spread over the subtasks.
 */
public class Dedup extends KeyedProcessFunction<String, Relayed, Relayed> {
    private static final long serialVersionUID = 1L;

    /** The key of a record: its deviceId, or for one that is not de-duplicated a spread key. */
    public static final KeySelector<Relayed, String> KEY = Dedup::keyOf;

    private final int window;
    private transient ValueState<Seen> seen;
    private transient Counter deduplicated;

    /** Drops an eventId seen among the last {@code window} of its device. */
    public Dedup(int window) {
        this.window = window;
    }

    static String keyOf(Relayed r) {
        if (passes(r)) {
            // A NUL never starts a deviceId read from JSON text (it would be escaped there).
            return "\u0000" + Arrays.hashCode(r.value);
        }
        return r.deviceId;
    }

    private static boolean passes(Relayed r) {
        return r.isDeadLetter() || r.deviceId == null || r.eventId == null;
    }

    @Override
    public void open(OpenContext ctx) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("last-event-ids", TypeInformation.of(Seen.class)));
        deduplicated = getRuntimeContext().getMetricGroup().counter("deduplicatedRecords");
    }

    @Override
    public void processElement(Relayed r, Context ctx, Collector<Relayed> out) throws Exception {
        if (passes(r)) {
            out.collect(r);
            return;
        }
        Seen s = seen.value();
        if (s == null) {
            s = new Seen();
            s.ids = new String[window];
        } else if (s.ids.length != window) {
            s.resize(window);
        }
        if (s.contains(r.eventId)) {
            deduplicated.inc();
            return;
        }
        s.add(r.eventId);
        seen.update(s);
        out.collect(r);
    }

    /**
     * A device's last eventIds: a ring of {@code ids.length} slots, {@code next} the slot to
     * write. A Flink POJO, so that the state is serialized without Kryo.
     */
    public static class Seen {
        public String[] ids;
        public int next;

        public Seen() {}

        boolean contains(String id) {
            for (String s : ids) {
                if (id.equals(s)) {
                    return true;
                }
            }
            return false;
        }

        void add(String id) {
            ids[next] = id;
            next = (next + 1) % ids.length;
        }

        /** Keeps the most recent ids that fit a window of n (after a restart with another N). */
        void resize(int n) {
            String[] old = ids;
            String[] kept = new String[n];
            int k = 0;
            for (int i = 1; i <= old.length && k < n; i++) {
                String id = old[Math.floorMod(next - i, old.length)];
                if (id != null) {
                    kept[n - 1 - k++] = id;
                }
            }
            // Compact to the front in age order, oldest first.
            String[] front = new String[n];
            System.arraycopy(kept, n - k, front, 0, k);
            ids = front;
            next = k % n;
        }
    }
}
