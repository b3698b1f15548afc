package verify

import (
	"testing"
	"time"
)

func TestIntervalSeries(t *testing.T) {
	r := newIntervalRecorder(10 * time.Second)
	base := time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	for i := range 30 {
		r.add(base.Add(time.Duration(i)*time.Second), sample{ // pipeline i ms, in-job i/2 ms, no end-to-end
			pipeline: int64(i) * 1000, hasPipeline: true, inJob: int64(i) * 500, hasInJob: true,
		})
	}
	r.add(base.Add(-time.Second), sample{}) // out of order, in the previous interval
	s := r.series(base.Add(-time.Second), base.Add(29*time.Second))
	if len(s) != 4 {
		t.Fatalf("%d intervals, want 4", len(s))
	}
	if !s[1].Start.Equal(base) || s[1].Records != 10 || s[1].Rate != 1 || s[1].LatencyMs.Pipeline.Max < 9 || s[1].LatencyMs.Pipeline.Max > 9.1 ||
		s[1].LatencyMs.InJob.Max < 4.5 || s[1].LatencyMs.InJob.Max > 4.55 || s[1].LatencyMs.EndToEnd.Count != 0 {
		t.Fatalf("interval 1 = %+v", s[1])
	}
	if s[3].Records != 10 || s[3].Rate < 1.1 || s[3].Rate > 1.12 {
		t.Fatalf("partial last interval = %+v, want 10 records over 9 s", s[3])
	}
	if s[0].Records != 1 || s[0].LatencyMs.Pipeline.Count != 0 {
		t.Fatalf("interval 0 = %+v, want 1 record without latency", s[0])
	}
}

// TestIntervalSeriesShowsAStall: an interval without records between the first and the last
// is in the series with rate 0, so --min-rate sees an output stall.
func TestIntervalSeriesShowsAStall(t *testing.T) {
	r := newIntervalRecorder(10 * time.Second)
	base := time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	for _, sec := range []int{0, 5, 10, 15, 40, 45, 50, 55} { // nothing in 20 s – 40 s
		r.add(base.Add(time.Duration(sec)*time.Second), sample{pipeline: 1000, hasPipeline: true})
	}
	s := r.series(base, base.Add(55*time.Second))
	if len(s) != 6 || s[2].Records != 0 || s[2].Rate != 0 || s[3].Records != 0 || !s[3].Start.Equal(base.Add(30*time.Second)) {
		t.Fatalf("series = %+v, want 6 intervals with 20 s and 30 s empty", s)
	}
	if got := steadyRate(s, 1); got != 0 {
		t.Fatalf("steady rate over a stall = %g, want 0", got)
	}
}
