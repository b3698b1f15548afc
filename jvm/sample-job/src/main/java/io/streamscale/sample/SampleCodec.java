package io.streamscale.sample;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.DeserializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/** Jackson parse and serialisation of {@link SampleEvent}s, and the job's timestamp format. */
public final class SampleCodec {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private SampleCodec() {}

    /** Parses an event; null when {@code value} is not one. */
    public static SampleEvent parse(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            SampleEvent e = MAPPER.readValue(value, SampleEvent.class);
            return e.deviceId == null || e.eventId == null ? null : e;
        } catch (IOException e) {
            return null;
        }
    }

    /** Serialises an event back to JSON. */
    public static byte[] toJson(SampleEvent e) {
        try {
            return MAPPER.writeValueAsBytes(e);
        } catch (IOException ex) {
            throw new IllegalStateException("serialise event " + e.eventId, ex);
        }
    }

    /** Formats epoch milliseconds as UTC RFC 3339 with three fraction digits. */
    public static String format(long epochMillis) {
        return MILLIS.format(Instant.ofEpochMilli(epochMillis));
    }

    /** The event time: createdAt in epoch milliseconds (Long.MIN_VALUE when unparseable). */
    public static long eventTime(SampleEvent e) {
        try {
            return Instant.parse(e.createdAt).toEpochMilli();
        } catch (RuntimeException ex) {
            return Long.MIN_VALUE;
        }
    }
}
