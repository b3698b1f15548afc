/**
 * The complex job, per-device tags ({@link io.streamscale.tags.ComplexJob}, the entry class the
 * CLI submits): parsing events, event time, the keyed tag function and its pipeline; the tag
 * rules themselves are {@link io.streamscale.relay.DeviceTags}.
 */
package io.streamscale.tags;
