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
