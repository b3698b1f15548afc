package io.streamscale.sample;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per device (the key): drops an event whose eventId is among the device's last {@link #SIZE}
 * (keyed state, least recently seen evicted first) and sets processedAt on the others.
 */
public class RecentEventIds extends KeyedProcessFunction<String, SampleEvent, SampleEvent> {
    private static final long serialVersionUID = 1L;
    /** How many of a device's eventIds are remembered. */
    public static final int SIZE = 100;

    private transient ValueState<List<String>> recent;

    @Override
    public void open(OpenContext ctx) {
        recent = getRuntimeContext().getState(new ValueStateDescriptor<>("recent-event-ids", Types.LIST(Types.STRING)));
    }

    @Override
    public void processElement(SampleEvent e, Context ctx, Collector<SampleEvent> out) throws Exception {
        List<String> ids = recent.value();
        if (ids == null) {
            ids = new ArrayList<>(SIZE + 1);
        }
        int at = ids.indexOf(e.eventId);
        if (at >= 0) {
            ids.remove(at);
            ids.add(e.eventId);
            recent.update(ids);
            return;
        }
        ids.add(e.eventId);
        if (ids.size() > SIZE) {
            ids.remove(0);
        }
        recent.update(ids);
        e.processedAt = SampleCodec.format(System.currentTimeMillis());
        out.collect(e);
    }
}
