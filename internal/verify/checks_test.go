package verify

import "testing"

func TestChecks(t *testing.T) {
	ok := Result{Events: 1000, Records: 1000, RatePerSec: 1000, SteadyRatePerSec: 1000}
	ok.LatencyMs.Pipeline.P99 = 50
	tests := []struct {
		name   string
		mutate func(*Result, *Checks)
		failed string
	}{
		{"clean", func(*Result, *Checks) {}, ""},
		{"missing", func(r *Result, _ *Checks) { r.Missing = 1 }, "missing events"},
		{"missing allowed", func(r *Result, c *Checks) { r.Missing, c.AllowMissing = 1, true }, ""},
		{"unexpected", func(r *Result, _ *Checks) { r.Unexpected = 2 }, "unexpected events (never in the input)"},
		{"slow", func(r *Result, c *Checks) { c.MinRate = 1500 }, "min steady rate (records/s, slowest inner interval)"},
		{"late", func(r *Result, c *Checks) { c.MaxP99Ms = 20 }, "max pipeline p99 (ms)"},
		{"exactly once demanded", func(r *Result, c *Checks) { r.Duplicates, c.MaxDuplicateFraction = 1, 0 }, "max duplicate fraction"},
		{"duplicates tolerated", func(r *Result, c *Checks) { r.Duplicates, c.MaxDuplicateFraction = 1, 0.01 }, ""},
		{"out of order", func(r *Result, c *Checks) { r.OutOfOrder, c.MaxOutOfOrderFraction = 5, 0.001 }, "max out-of-order fraction"},
		{"producer timestamps", func(r *Result, _ *Checks) { r.CreateTimeRecords = 1000 }, "records stamped by the producer (CreateTime), not the broker: give the output topic message.timestamp.type=LogAppendTime"},
		{"producer timestamps allowed", func(r *Result, c *Checks) { r.CreateTimeRecords, c.AllowCreateTime = 1000, true }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, c := ok, DefaultChecks()
			tt.mutate(&r, &c)
			fs := r.Check(c)
			if tt.failed == "" {
				if len(fs) != 0 {
					t.Fatalf("failures %v, want none", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Check != tt.failed {
				t.Fatalf("failures %v, want exactly %q", fs, tt.failed)
			}
		})
	}
}

func TestSteadyRate(t *testing.T) {
	iv := func(rates ...float64) []Interval {
		out := make([]Interval, len(rates))
		for i, r := range rates {
			out[i].Rate = r
		}
		return out
	}
	tests := []struct {
		name string
		ivs  []Interval
		want float64
	}{
		{"too few intervals: overall", iv(10, 1000), 777},
		{"ramp and drain left out", iv(10, 1000, 990, 1005, 3), 990},
		{"a dip inside counts", iv(900, 1000, 400, 1000, 900), 400},
	}
	for _, tt := range tests {
		if got := steadyRate(tt.ivs, 777); got != tt.want {
			t.Errorf("%s: steadyRate = %g, want %g", tt.name, got, tt.want)
		}
	}
}
