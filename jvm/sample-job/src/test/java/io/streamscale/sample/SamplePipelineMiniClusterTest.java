package io.streamscale.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sample job's transform on Flink's MiniCluster with a bounded source. */
class SamplePipelineMiniClusterTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = miniCluster();

    private static final int DEVICES = 20;
    private static final int PER_DEVICE = 150;

    @Test
    void dropsRecentRepeatsAndSetsTheTwoFields() throws Exception {
        List<SampleEvent> inputs = new ArrayList<>();
        long created = 1_700_000_000_000L;
        for (int s = 0; s < PER_DEVICE; s++) {
            for (int d = 0; d < DEVICES; d++) {
                inputs.add(event(d, s, created + s * 10L));
            }
        }
        // Repeats: one among the device's last 100 (dropped), one long gone (kept again).
        inputs.add(event(3, PER_DEVICE - 1, created));
        inputs.add(event(4, 0, created));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // One source subtask: each device's events reach the keyed step in list order.
        DataStream<SampleEvent> source = env.fromData(SampleEvent.class, inputs.toArray(new SampleEvent[0])).setParallelism(1);
        long before = System.currentTimeMillis();
        List<SampleEvent> out = new ArrayList<>();
        try (CloseableIterator<SampleEvent> it = SamplePipeline.build(source).executeAndCollect()) {
            it.forEachRemaining(out::add);
        }

        assertThat(out).hasSize(DEVICES * PER_DEVICE + 1);
        assertThat(out).filteredOn(e -> e.deviceId.endsWith("-4") && e.deviceSequenceNumber == 0).hasSize(2);
        assertThat(out).filteredOn(e -> e.deviceId.endsWith("-3") && e.deviceSequenceNumber == PER_DEVICE - 1).hasSize(1);
        for (SampleEvent e : out) {
            assertThat(Instant.parse(e.processedAt).toEpochMilli()).isGreaterThanOrEqualTo(before - 1);
            assertThat(e.enqueuedAt).isEqualTo("2023-11-14T22:13:20.000Z");
        }
    }

    @Test
    void roundTripsThroughJackson() {
        String json = "{\"eventId\":\"e1\",\"complexData\":{\"moreData0\":1.5},\"value\":2.25,"
                + "\"deviceId\":\"contoso://device-id-7\",\"deviceSequenceNumber\":42,\"type\":\"CO2\","
                + "\"createdAt\":\"2026-01-02T03:04:05.123456Z\"}";
        SampleEvent e = SampleCodec.parse(json.getBytes(StandardCharsets.UTF_8));
        assertThat(e).isNotNull();
        assertThat(SampleCodec.eventTime(e)).isEqualTo(Instant.parse("2026-01-02T03:04:05.123Z").toEpochMilli());
        e.enqueuedAt = SampleCodec.format(0);
        String back = new String(SampleCodec.toJson(e), StandardCharsets.UTF_8);
        assertThat(back).contains("\"deviceSequenceNumber\":42", "\"createdAt\":\"2026-01-02T03:04:05.123456Z\"",
                "\"enqueuedAt\":\"1970-01-01T00:00:00.000Z\"", "\"moreData0\":1.5").doesNotContain("processedAt");
        assertThat(SampleCodec.parse("not json".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(SampleCodec.parse("{\"value\":1}".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    private static SampleEvent event(int device, long seq, long createdMillis) {
        SampleEvent e = new SampleEvent();
        e.eventId = "event-" + device + "-" + seq;
        e.complexData = Map.of("moreData0", 1.0);
        e.value = seq;
        e.deviceId = "contoso://device-id-" + device;
        e.deviceSequenceNumber = seq;
        e.type = device % 2 == 0 ? "TEMP" : "CO2";
        e.createdAt = SampleCodec.format(createdMillis);
        e.enqueuedAt = SampleCodec.format(1_700_000_000_000L);
        return e;
    }

    private static MiniClusterExtension miniCluster() {
        Path tmp = Path.of("target", "minicluster-tmp").toAbsolutePath();
        Configuration conf = new Configuration();
        conf.set(CoreOptions.TMP_DIRS, tmp.toString());
        conf.set(WebOptions.UPLOAD_DIR, tmp.resolve("web-upload").toString());
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());
    }
}
