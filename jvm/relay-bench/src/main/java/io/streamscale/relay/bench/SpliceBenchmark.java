package io.streamscale.relay.bench;

import io.streamscale.json.Splice;
import io.streamscale.kafka.KafkaInput;
import io.streamscale.kafka.Relayed;
import io.streamscale.relay.RecordRelay;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The relay's per-record work on a sample-sized (~935 byte) event, against a named baseline:
 * copying the bytes into an output array, the least any relay that adds fields must do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx256m"})
public class SpliceBenchmark {
    private static final long ENQUEUED = 1_764_043_200_123L;

    private byte[] event;
    private Splice splice;
    private RecordRelay relay;
    private KafkaInput input;
    private long now;

    /** Builds one event of the sample's shape and size. */
    @Setup
    public void setup() {
        event = sampleEvent(new Random(7));
        splice = new Splice();
        relay = new RecordRelay(1_048_000, false);
        input = new KafkaInput("contoso://device-id-154".getBytes(StandardCharsets.UTF_8), event, ENQUEUED, "in", 0, 0);
        now = ENQUEUED + 7;
    }

    /** Baseline: copy the input into a slightly larger output array. */
    @Benchmark
    public byte[] copyBaseline() {
        return Arrays.copyOf(event, event.length + 64);
    }

    /** Validation alone: the strict scan that the value is one JSON object in UTF-8. */
    @Benchmark
    public String validate() {
        return splice.check(event);
    }

    /** Validation and the splice: the two timestamps written before the final brace. */
    @Benchmark
    public byte[] splice() {
        if (splice.check(event) != null) {
            throw new IllegalStateException("the sample event must be valid");
        }
        return splice.splice(ENQUEUED, now);
    }

    /**
     * What RelayFunction.map does per record (without Flink's metric counters): validate,
     * check the record size, splice, keep key and headers.
     */
    @Benchmark
    public Relayed relay() {
        return relay.relay(input, now);
    }

    /** An event shaped like the sample's seed document: 23 measurements at full precision. */
    static byte[] sampleEvent(Random r) {
        StringBuilder b = new StringBuilder(1024);
        b.append("{\"eventId\":\"b81d241f-5187-40b0-ab2a-940faf9757c0\",\"complexData\":{");
        for (int i = 0; i < 23; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("\"moreData").append(i).append("\":").append(String.format(Locale.ROOT, "%.15f", r.nextDouble() * 100));
        }
        b.append("},\"value\":49.02278128887753,\"deviceId\":\"contoso://device-id-154\",")
                .append("\"deviceSequenceNumber\":0,\"type\":\"CO2\",\"createdAt\":\"2019-05-16T17:16:40.000003Z\"}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
