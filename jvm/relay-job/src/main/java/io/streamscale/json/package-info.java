/**
 * JSON scanning and splicing for the relay, free of Flink: {@link io.streamscale.json.ObjectScan}
 * (a strict RFC 8259 scanner of one object), {@link io.streamscale.json.Splice} (sets
 * {@code enqueuedAt} and {@code processedAt}, every other byte kept) and
 * {@link io.streamscale.json.Timestamps} (RFC 3339 with milliseconds, without allocating).
 */
package io.streamscale.json;
