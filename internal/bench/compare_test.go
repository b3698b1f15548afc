package bench

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/latency"
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
	ok := Step{Latency: Latency{Pipeline: &latency.Percentiles{P99: 40}}, DrainSeconds: 0.3}
	for _, tc := range []struct {
		name   string
		s      Step
		genErr error
		want   bool
	}{
		{"sustainable", ok, nil, true},
		{"generator behind", ok, errors.New("short"), false},
		{"late events", func() Step { s := ok; s.Behind = 5; return s }(), nil, false},
		{"slow drain", func() Step { s := ok; s.DrainSeconds = 3; return s }(), nil, false},
		{"missing", func() Step { s := ok; s.Missing = 1; return s }(), nil, false},
		{"p99 over", Step{Latency: Latency{Pipeline: &latency.Percentiles{P99: 1500}}}, nil, false},
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
