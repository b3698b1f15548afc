package io.streamscale.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static String format(long millis) {
        byte[] buf = new byte[Timestamps.LENGTH];
        int end = Timestamps.write(buf, 0, millis);
        assertThat(end).isEqualTo(Timestamps.LENGTH);
        return new String(buf, StandardCharsets.US_ASCII);
    }

    @Test
    void matchesJavaTimeOnEdges() {
        long[] edges = {0L, -1L, 951_782_400_000L /* 2000-02-29 */, 1_709_164_800_000L /* 2024-02-29 */,
            4_102_444_799_999L /* 2099-12-31T23:59:59.999 */, 1_558_026_999_123L, 946_684_799_999L};
        for (long ms : edges) {
            assertThat(format(ms)).as("millis %d", ms).isEqualTo(ISO_MILLIS.format(Instant.ofEpochMilli(ms)));
        }
    }

    @Test
    void matchesJavaTimeOnRandomInstants() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long ms = r.nextLong(-2_000_000_000_000L, 4_102_444_800_000L);
            assertThat(format(ms)).isEqualTo(ISO_MILLIS.format(Instant.ofEpochMilli(ms)));
        }
    }
}
