// Package latency holds the HdrHistogram settings and percentile summary shared by the
// generator and the verifier, so that both report latencies the same way.
package latency

import (
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// NewHistogram records microseconds from 1 µs to 1 h at 3 significant digits.
func NewHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3)
}

// NewCoarseHistogram records microseconds from 1 µs to 1 h at 2 significant digits (1%
// resolution) in a tenth of NewHistogram's memory: for per-interval series, where a long run
// keeps hundreds of histograms.
func NewCoarseHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 2)
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
