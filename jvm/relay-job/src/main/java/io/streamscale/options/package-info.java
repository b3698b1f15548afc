/**
 * The jobs' program arguments ({@link io.streamscale.options.RelayOptions}: parsing, defaults,
 * limits; free of Flink) and what they set on Flink ({@link io.streamscale.options.JobSettings}).
 */
package io.streamscale.options;
