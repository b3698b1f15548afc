// Package dashboard serves `streamscale dashboard`: one read-only web page that follows a
// running pipeline live, fed over server-sent events by a collector that samples the existing
// sources every interval — the broker's per-topic counters (hubmetrics), the relay's consumer
// lag, Flink's REST API (job state, restarts, checkpoints, backpressure, records per
// operator), Flink's Prometheus reporter (the job's relayed and dead-lettered counters), and
// a tail of the output topic for pipeline and end-to-end latency. Charts are drawn by uPlot,
// embedded in the binary so that the page works offline.
package dashboard
