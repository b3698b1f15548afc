package verify

import (
	"testing"
	"time"
)

func TestIntervalSeries(t *testing.T) {
	r := newIntervalRecorder(10 * time.Second)
	base := time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	for i := range 30 {
		r.add(base.Add(time.Duration(i)*time.Second), int64(i)*1000, true) // latency i ms
	}
	r.add(base.Add(-time.Second), 0, false) // out of order, in the previous interval
	s := r.series(base.Add(-time.Second), base.Add(29*time.Second))
	if len(s) != 4 {
		t.Fatalf("%d intervals, want 4", len(s))
	}
	if !s[1].Start.Equal(base) || s[1].Records != 10 || s[1].Rate != 1 || s[1].Pipeline.Max < 9 || s[1].Pipeline.Max > 9.01 {
		t.Fatalf("interval 1 = %+v", s[1])
	}
	if s[3].Records != 10 || s[3].Rate < 1.1 || s[3].Rate > 1.12 {
		t.Fatalf("partial last interval = %+v, want 10 records over 9 s", s[3])
	}
	if s[0].Records != 1 || s[0].Pipeline.Count != 0 {
		t.Fatalf("interval 0 = %+v, want 1 record without latency", s[0])
	}
}
