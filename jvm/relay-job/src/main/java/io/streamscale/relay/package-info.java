/**
 * The relay job ({@link io.streamscale.relay.RelayJob}, the entry class the CLI submits): the
 * per-record decision ({@link io.streamscale.relay.RecordRelay}, free of Flink), its Flink
 * function, pipeline and de-duplication. Also the complex job's keyed-state classes
 * ({@link io.streamscale.relay.DeviceTags}, {@link io.streamscale.relay.DeviceEvent}): savepoints
 * record their names, so they stay here.
 */
package io.streamscale.relay;
