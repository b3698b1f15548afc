package io.streamscale.sample;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The sample job's dataflow between parsed events and their serialisation. */
public final class SamplePipeline {
    /** The sample's bounded out-of-orderness on createdAt. */
    public static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(60);

    private SamplePipeline() {}

    /** Event time on createdAt, keyBy deviceId, drop recently seen eventIds. */
    public static DataStream<SampleEvent> build(DataStream<SampleEvent> events) {
        return events
                .assignTimestampsAndWatermarks(WatermarkStrategy.<SampleEvent>forBoundedOutOfOrderness(OUT_OF_ORDERNESS)
                        .withTimestampAssigner((e, ts) -> SampleCodec.eventTime(e)))
                .name("event time on createdAt").uid("event-time")
                .keyBy(e -> e.deviceId)
                .process(new RecentEventIds()).name("drop recent eventIds, set processedAt").uid("dedup");
    }
}
