//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"
)

// TestIntegrationBenchCompareQuick runs `streamscale bench --quick --json` (the comparison)
// with the built binary on the shared stack: the JSON has every contender and the ratios, and
// each relay contender verified every step's output window against its input window with
// nothing missing. Rates and latencies are for docs/benchmarks.md, not asserted.
func TestIntegrationBenchCompareQuick(t *testing.T) {
	st := sharedStack(t)
	c := newCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	out, stderr, code := c.run(ctx, "bench", "--quick", "--json", "--home", shared.stack.Config().Home,
		"--job-jar", filepath.Join(buildDir(t), "jobs", "relay-job.jar"),
		"--sample-jar", filepath.Join(buildDir(t), "jobs", "sample-job.jar"))
	if code != 0 {
		t.Fatalf("bench --quick exited %d:\n%s", code, stderr)
	}
	var res struct {
		Contenders []struct {
			Name                 string                     `json:"name"`
			MaxRate              float64                    `json:"maxRate"`
			CPUSecondsPerMillion float64                    `json:"cpuSecondsPerMillion"`
			LatencyMs            map[string]json.RawMessage `json:"latencyMs"`
			Missing              int64                      `json:"missing"`
			Error                string                     `json:"error"`
			Steps                []struct {
				OfferedRate float64 `json:"offeredRate"`
				Verified    bool    `json:"verified"`
				Missing     int64   `json:"missing"`
				Behind      int64   `json:"behind"`
			} `json:"steps"`
		} `json:"contenders"`
		Ratios *struct {
			OursVsBroker      *float64 `json:"oursVsBroker"`
			OursVsSampleStyle *float64 `json:"oursVsSampleStyle"`
			CPUOursVsGoRelay  *float64 `json:"cpuOursVsGoRelay"`
			// Our relay's variants against its at-least-once self, in the same run.
			ExactlyOnce float64 `json:"exactlyOnceVsAtLeastOnce"`
			Dedup       float64 `json:"dedupVsAtLeastOnce"`
			None        float64 `json:"noneVsAtLeastOnce"`
		} `json:"ratios"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("bench --json printed no JSON result: %v\n%s", err, out)
	}
	want := []string{"broker-ceiling", "go-relay", "sample-job", "streamscale-relay",
		"streamscale-relay-exactly-once", "streamscale-relay-dedup", "streamscale-relay-none", "streamscale-complex"}
	if len(res.Contenders) != len(want) {
		t.Fatalf("contenders = %d, want %v", len(res.Contenders), want)
	}
	for i, ct := range res.Contenders {
		if ct.Name != want[i] || ct.Error != "" {
			t.Errorf("contender %d = %q (error %q), want %q without error", i, ct.Name, ct.Error, want[i])
		}
		if ct.MaxRate <= 0 || ct.CPUSecondsPerMillion <= 0 {
			t.Errorf("%s: maxRate %g, cpuSecondsPerMillion %g: want both measured", ct.Name, ct.MaxRate, ct.CPUSecondsPerMillion)
		}
		for _, rate := range []string{"1000", "5000"} {
			if _, ok := ct.LatencyMs[rate]; !ok {
				t.Errorf("%s: no latency at %s/s", ct.Name, rate)
			}
		}
		if ct.Name == "broker-ceiling" {
			continue
		}
		if ct.Missing != 0 {
			t.Errorf("%s: %d events missing", ct.Name, ct.Missing)
		}
		for _, s := range ct.Steps {
			if !s.Verified || s.Missing != 0 {
				t.Errorf("%s at %.0f/s: verified %v, %d missing", ct.Name, s.OfferedRate, s.Verified, s.Missing)
			}
		}
	}
	if r := res.Ratios; r == nil || r.OursVsBroker == nil || r.OursVsSampleStyle == nil || r.CPUOursVsGoRelay == nil ||
		*r.OursVsBroker <= 0 || *r.OursVsSampleStyle <= 0 || *r.CPUOursVsGoRelay <= 0 {
		t.Errorf("ratios = %+v, want all three computed", res.Ratios)
	}
	if r := res.Ratios; r == nil || r.ExactlyOnce <= 0 || r.Dedup <= 0 || r.None <= 0 {
		t.Errorf("ratios = %+v, want our relay's variants against at-least-once", res.Ratios)
	}
	for _, ct := range res.Contenders {
		t.Logf("%-32s max rate %8.0f/s  cpu s per M events %6.1f  latency at 5000/s %s", ct.Name, ct.MaxRate, ct.CPUSecondsPerMillion, ct.LatencyMs["5000"])
	}
	if r := res.Ratios; r != nil {
		t.Logf("ratios (quick run): exactly-once %.2f, dedup %.2f, none %.2f of at-least-once", r.ExactlyOnce, r.Dedup, r.None)
	}
	_ = st
}
