package latency

import "testing"

func TestSummarize(t *testing.T) {
	h := NewHistogram()
	for us := int64(1); us <= 1000; us++ {
		if err := h.RecordValue(us * 1000); err != nil { // 1..1000 ms
			t.Fatal(err)
		}
	}
	p := Summarize(h)
	near := func(got, want float64) bool { return got >= want*0.999 && got <= want*1.001 }
	if !near(p.P50, 500) || !near(p.P99, 990) || !near(p.Max, 1000) || p.Count != 1000 {
		t.Fatalf("percentiles = %+v", p)
	}
}

func TestRecordClampsInsteadOfDropping(t *testing.T) {
	h := NewHistogram()
	tests := []struct {
		us      int64
		clamped bool
	}{{-5, true}, {0, false}, {1500, false}, {MaxMicros, false}, {MaxMicros + 1, true}, {10 * MaxMicros, true}}
	for _, tt := range tests {
		if got := Record(h, tt.us); got != tt.clamped {
			t.Errorf("Record(%d) clamped = %v, want %v", tt.us, got, tt.clamped)
		}
	}
	if h.TotalCount() != int64(len(tests)) {
		t.Fatalf("%d values recorded of %d: none may be dropped", h.TotalCount(), len(tests))
	}
	if p := Summarize(h); p.Max < float64(MaxMicros)/1000*0.999 {
		t.Fatalf("max = %.0f ms, want a day", p.Max)
	}
}
