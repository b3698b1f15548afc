package bench

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/latency"
	"github.com/streamscale/streamscale/internal/verify"
)

func TestMaxRateSearch(t *testing.T) {
	for _, tc := range []struct {
		name             string
		start, limit     float64
		maxSteps, refine int
		sustainable      float64 // the true max
		want             []float64
	}{
		{"doubles then bisects", 10000, 0, 6, 2, 30000, []float64{10000, 20000, 40000, 30000, 35000}},
		{"stops at the limit", 10000, 25000, 6, 2, 1e9, []float64{10000, 20000, 25000}},
		{"halves from a bad start", 10000, 0, 6, 1, 3000, []float64{10000, 5000, 2500, 3800}},
		{"bounded steps", 1000, 0, 3, 0, 1e9, []float64{1000, 2000, 4000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tried []float64
			err := maxRateSearch(tc.start, tc.limit, tc.maxSteps, tc.refine, func(r float64) (bool, error) {
				tried = append(tried, r)
				return r <= tc.sustainable, nil
			})
			if err != nil || !reflect.DeepEqual(tried, tc.want) {
				t.Fatalf("tried %v (err %v), want %v", tried, err, tc.want)
			}
		})
	}
	boom := errors.New("boom")
	if err := maxRateSearch(1000, 0, 3, 0, func(float64) (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Fatalf("error = %v, want the step's", err)
	}
}

func TestJudge(t *testing.T) {
	ok := Step{Verified: true, Latency: Latency{Pipeline: &latency.Percentiles{P99: 40}}, DrainSeconds: 0.3}
	for _, tc := range []struct {
		name   string
		s      Step
		genErr error
		want   bool
	}{
		{"sustainable", ok, nil, true},
		{"generator behind", ok, errors.New("short"), false},
		{"behind at the end of the step, caught up", func() Step { s := ok; s.Behind = 500; return s }(), nil, true},
		{"not verified", func() Step { s := ok; s.Verified = false; return s }(), nil, false},
		{"slow drain", func() Step { s := ok; s.DrainSeconds = 3; return s }(), nil, false},
		{"missing", func() Step { s := ok; s.Missing = 1; return s }(), nil, false},
		{"p99 over", Step{Verified: true, Latency: Latency{Pipeline: &latency.Percentiles{P99: 1500}}}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, why := judge(tc.s, tc.genErr, time.Second)
			if got != tc.want || (got == (why != "")) {
				t.Fatalf("judge = %v %q, want %v", got, why, tc.want)
			}
		})
	}
}

func TestRatiosAndCPU(t *testing.T) {
	res := CompareResult{Contenders: []ContenderResult{
		{Name: BrokerCeiling, MaxRate: 100000},
		{Name: GoRelay, MaxRate: 80000, CPUSecondsPerMillion: 10},
		{Name: SampleJob, MaxRate: 20000},
		{Name: OurRelay, MaxRate: 60000, CPUSecondsPerMillion: 15},
	}}
	want := Ratios{OursVsBroker: 0.6, OursVsSampleStyle: 3, CPUOursVsGoRelay: 1.5}
	if got := ratiosOf(&res); got != want {
		t.Fatalf("ratios = %+v, want %+v", got, want)
	}
	if got := ratiosOf(&CompareResult{Contenders: res.Contenders[:2]}); got != (Ratios{}) {
		t.Fatalf("ratios without our relay = %+v, want zeros", got)
	}
	own, broker := cpuPerMillion([]Step{{Events: 500_000, CPUSeconds: 2, BrokerCPUSeconds: 1}, {Events: 1_500_000, CPUSeconds: 6, BrokerCPUSeconds: 3}})
	if own != 4 || broker != 2 {
		t.Fatalf("cpuPerMillion = %v, %v; want 4, 2", own, broker)
	}
}

// TestStepCountsReportsALoss: an event the drain still awaited when it gave up is missing (the
// old count subtracted it again as "behind", so missing was 0 by construction), and behind
// is the lag the output had when sending ended.
func TestStepCountsReportsALoss(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		drained, atEnd        verify.Result
		verified              bool
		missing, dups, behind int64
	}{
		{"all out", verify.Result{Reconciled: true}, verify.Result{Reconciled: true, Missing: 120}, true, 0, 0, 120},
		{"lost after the drain", verify.Result{Reconciled: true, Missing: 3, Awaited: map[int32]int64{0: 2, 1: 1}},
			verify.Result{Reconciled: true, Missing: 400}, true, 3, 0, 400},
		{"duplicates", verify.Result{Reconciled: true, Duplicates: 7}, verify.Result{Reconciled: true}, true, 0, 7, 0},
		{"not reconciled", verify.Result{}, verify.Result{Reconciled: true}, false, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, m, d, b := stepCounts(tc.drained, tc.atEnd)
			if v != tc.verified || m != tc.missing || d != tc.dups || b != tc.behind {
				t.Fatalf("stepCounts = %v %d %d %d, want %v %d %d %d", v, m, d, b, tc.verified, tc.missing, tc.dups, tc.behind)
			}
		})
	}
}
