package verify

import (
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Percentiles of one latency in milliseconds.
type Percentiles struct {
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p999"`
	Max   float64 `json:"max"`
	Count int64   `json:"count"`
}

// Latencies are the three latencies the verifier reports.
type Latencies struct {
	// Pipeline is the output record's Kafka timestamp − enqueuedAt (the sample's definition).
	Pipeline Percentiles `json:"pipeline"`
	// EndToEnd is the output record's Kafka timestamp − createdAt.
	EndToEnd Percentiles `json:"endToEnd"`
	// InJob is processedAt − enqueuedAt.
	InJob Percentiles `json:"inJob"`
}

// latencyRecorder holds one HdrHistogram per latency, in microseconds from 1 µs to 1 h at 3
// significant digits. Negative values (clock skew, or a topic without LogAppendTime) are
// recorded as 0 and counted.
type latencyRecorder struct {
	pipeline, endToEnd, inJob *hdrhistogram.Histogram
	negative                  int64
}

func newLatencyRecorder() *latencyRecorder {
	h := func() *hdrhistogram.Histogram { return hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3) }
	return &latencyRecorder{pipeline: h(), endToEnd: h(), inJob: h()}
}

func (l *latencyRecorder) record(h *hdrhistogram.Histogram, us int64) {
	if us < 0 {
		l.negative++
		us = 0
	}
	_ = h.RecordValue(us)
}

func (l *latencyRecorder) result() Latencies {
	return Latencies{Pipeline: percentiles(l.pipeline), EndToEnd: percentiles(l.endToEnd), InJob: percentiles(l.inJob)}
}

func percentiles(h *hdrhistogram.Histogram) Percentiles {
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return Percentiles{
		P50: ms(h.ValueAtQuantile(50)), P90: ms(h.ValueAtQuantile(90)), P99: ms(h.ValueAtQuantile(99)),
		P999: ms(h.ValueAtQuantile(99.9)), Max: ms(h.Max()), Count: h.TotalCount(),
	}
}
