package io.streamscale.sample;

import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The sample's IoT event as the sample's job holds it: every field parsed, plus the two the job
 * sets. A Flink POJO (public fields, no-argument constructor).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SampleEvent {
    /** The event's unique id (a UUID). */
    public String eventId;
    /** The sample's 23 {@code moreDataN} measurements. */
    public Map<String, Double> complexData;
    /** The measured value. */
    public double value;
    /** The device, the key. */
    public String deviceId;
    /** The device's sequence number. */
    public long deviceSequenceNumber;
    /** TEMP or CO2. */
    public String type;
    /** When the device created the event, RFC 3339 UTC. */
    public String createdAt;
    /** The input record's Kafka timestamp, set by the job. */
    public String enqueuedAt;
    /** When the job handled the event, set by the job. */
    public String processedAt;

    /** For Flink and Jackson. */
    public SampleEvent() {}
}
