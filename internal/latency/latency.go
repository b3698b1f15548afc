// Package latency holds the HdrHistogram settings and percentile summary shared by the
// generator and the verifier, so that both report latencies the same way.
package latency

import (
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// MaxMicros is the largest latency the histograms hold: a day, so a backlog replayed hours
// later still reads as it is. Record clamps larger values to it.
const MaxMicros = int64(24 * time.Hour / time.Microsecond)

// NewHistogram records microseconds from 1 µs to a day at 3 significant digits.
func NewHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, MaxMicros, 3)
}

// NewCoarseHistogram records microseconds from 1 µs to a day at 2 significant digits (1%
// resolution) in a tenth of NewHistogram's memory: for per-interval series, where a long run
// keeps hundreds of histograms.
func NewCoarseHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, MaxMicros, 2)
}

// Record adds us to h, clamped to [0, MaxMicros], and reports whether it had to clamp: a value
// outside the range is never dropped silently.
func Record(h *hdrhistogram.Histogram, us int64) (clamped bool) {
	switch {
	case us < 0:
		us, clamped = 0, true
	case us > MaxMicros:
		us, clamped = MaxMicros, true
	}
	_ = h.RecordValue(us) // in range by construction
	return clamped
}

// Percentiles of one latency, in milliseconds.
type Percentiles struct {
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p999"`
	Max   float64 `json:"max"`
	Count int64   `json:"count"`
}

// Summarize reads the percentiles of a microsecond histogram.
func Summarize(h *hdrhistogram.Histogram) Percentiles {
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return Percentiles{
		P50: ms(h.ValueAtQuantile(50)), P90: ms(h.ValueAtQuantile(90)), P99: ms(h.ValueAtQuantile(99)),
		P999: ms(h.ValueAtQuantile(99.9)), Max: ms(h.Max()), Count: h.TotalCount(),
	}
}
