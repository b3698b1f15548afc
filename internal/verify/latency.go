package verify

import (
	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/streamscale/streamscale/internal/latency"
)

// Percentiles of one latency in milliseconds.
type Percentiles = latency.Percentiles

// Latencies are the three latencies the verifier reports.
type Latencies struct {
	// Pipeline is the output record's Kafka timestamp − enqueuedAt (the sample's definition).
	Pipeline Percentiles `json:"pipeline"`
	// EndToEnd is the output record's Kafka timestamp − createdAt.
	EndToEnd Percentiles `json:"endToEnd"`
	// InJob is processedAt − enqueuedAt.
	InJob Percentiles `json:"inJob"`
}

// latencyRecorder holds one HdrHistogram per latency, in microseconds from 1 µs to a day at 3
// significant digits. Negative values (clock skew, or a topic without LogAppendTime) are
// recorded as 0 and counted; values over a day as a day, counted too.
type latencyRecorder struct {
	pipeline, endToEnd, inJob *hdrhistogram.Histogram
	negative                  int64
	negativeBy                LatencyCounts
	overDay                   int64
}

func newLatencyRecorder() *latencyRecorder {
	return &latencyRecorder{pipeline: latency.NewHistogram(), endToEnd: latency.NewHistogram(), inJob: latency.NewHistogram()}
}

// newCoarseLatencyRecorder is a latencyRecorder at 1% resolution, for one interval of a series.
func newCoarseLatencyRecorder() *latencyRecorder {
	return &latencyRecorder{pipeline: latency.NewCoarseHistogram(), endToEnd: latency.NewCoarseHistogram(), inJob: latency.NewCoarseHistogram()}
}

// sample is one output record's latencies in microseconds; a zero-valued timestamp field
// leaves out the latencies that need it.
type sample struct {
	pipeline, endToEnd, inJob int64
	hasPipeline, hasEndToEnd  bool
	hasInJob                  bool
}

// add records the latencies s has.
func (l *latencyRecorder) add(s sample) {
	if s.hasPipeline {
		l.record(l.pipeline, s.pipeline, &l.negativeBy.Pipeline)
	}
	if s.hasEndToEnd {
		l.record(l.endToEnd, s.endToEnd, &l.negativeBy.EndToEnd)
	}
	if s.hasInJob {
		l.record(l.inJob, s.inJob, &l.negativeBy.InJob)
	}
}

// record adds us to h; a negative value is counted in negative (its latency's count) and in
// the total, a value over a day in overDay.
func (l *latencyRecorder) record(h *hdrhistogram.Histogram, us int64, negative *int64) {
	if latency.Record(h, us) {
		if us < 0 {
			l.negative++
			*negative++
		} else {
			l.overDay++
		}
	}
}

// LatencyCounts is a count per latency, e.g. of the values that came out negative.
type LatencyCounts struct {
	Pipeline int64 `json:"pipeline"`
	EndToEnd int64 `json:"endToEnd"`
	InJob    int64 `json:"inJob"`
}

func (l *latencyRecorder) result() Latencies {
	return Latencies{Pipeline: latency.Summarize(l.pipeline), EndToEnd: latency.Summarize(l.endToEnd), InJob: latency.Summarize(l.inJob)}
}
