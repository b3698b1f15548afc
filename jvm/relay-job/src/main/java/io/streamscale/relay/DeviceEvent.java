package io.streamscale.relay;

/**
 * One input event as the complex job uses it: the fields its tags depend on, parsed from the
 * record by {@link io.streamscale.tags.ParseEvents}.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so that it is serialized without Kryo,
 * in flight and in the keyed state of {@link io.streamscale.tags.TagEvents}.
 *
 * <p>Stays in {@code io.streamscale.relay} although it is the complex job's: Flink's POJO
 * serializer records the class name in every checkpoint and savepoint, and refuses another
 * class on restore, so a new name would fail the restore of a running job's state after an
 * upgrade (the operator's {@code upgradeMode: savepoint}). {@code StateSnapshotCompatibilityTest} restores state the pre-split jar wrote.
 */
public class DeviceEvent {
    public String deviceId;
    public String eventId;
    /** The sensor type, e.g. {@code TEMP} or {@code CO2}. */
    public String type;
    public double value;
    /** createdAt exactly as the event wrote it (the tags' triggerEventCreatedAt). */
    public String createdAt;
    /** createdAt in epoch milliseconds (sub-millisecond digits dropped): the event time. */
    public long createdAtMillis;
    /** The input record's Kafka timestamp (the broker's append time on LogAppendTime topics). */
    public long enqueuedAt;

    public DeviceEvent() {}

    /** An event with every field given; for tests. */
    public DeviceEvent(String deviceId, String eventId, String type, double value, String createdAt, long createdAtMillis) {
        this.deviceId = deviceId;
        this.eventId = eventId;
        this.type = type;
        this.value = value;
        this.createdAt = createdAt;
        this.createdAtMillis = createdAtMillis;
    }
}
