//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
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

// TestIntegrationBenchCompareReportsALoss: the comparison must be able to report a loss. The
// Go relay in its test-only mode drops one record in 10,000; its quick run (warm-up 3,000
// events, then 5,000 at 1k/s and 25,000 at 5k/s) loses records 10,000, 20,000 and 30,000, all
// in the 5k/s step, which must come out verified with them missing and not sustainable, and
// the contender's max rate must not be 5k/s. About 40 s on an idle machine.
func TestIntegrationBenchCompareReportsALoss(t *testing.T) {
	sharedStack(t)
	c := newCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, stderr, code := c.run(ctx, "bench", "compare", "--quick", "--no-search", "--json", "--contenders", "go-relay",
		"--home", shared.stack.Config().Home, "--job-jar", filepath.Join(buildDir(t), "jobs", "relay-job.jar"),
		"--test-only-go-relay-drop-every", "10000")
	if code != 0 {
		t.Fatalf("bench compare exited %d:\n%s", code, stderr)
	}
	var res struct {
		Contenders []struct {
			Name    string  `json:"name"`
			MaxRate float64 `json:"maxRate"`
			Missing int64   `json:"missing"`
			Error   string  `json:"error"`
			Steps   []struct {
				OfferedRate float64 `json:"offeredRate"`
				Verified    bool    `json:"verified"`
				Missing     int64   `json:"missing"`
				Behind      int64   `json:"behind"`
				Sustainable bool    `json:"sustainable"`
				Why         string  `json:"why"`
			} `json:"steps"`
		} `json:"contenders"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("bench compare --json printed no JSON result: %v\n%s", err, out)
	}
	if len(res.Contenders) != 1 || res.Contenders[0].Name != "go-relay" || res.Contenders[0].Error != "" {
		t.Fatalf("contenders = %+v, want go-relay without error", res.Contenders)
	}
	ct := res.Contenders[0]
	if ct.Missing <= 0 {
		t.Errorf("go-relay dropping 1 in 10,000: contender missing = %d, want > 0", ct.Missing)
	}
	if ct.MaxRate >= 5000 {
		t.Errorf("go-relay dropping 1 in 10,000: max rate %g, want below the lossy 5000/s", ct.MaxRate)
	}
	var lossy bool
	for _, s := range ct.Steps {
		t.Logf("step %.0f/s: verified %v, %d missing, %d behind at the end, sustainable %v (%s)", s.OfferedRate, s.Verified, s.Missing, s.Behind, s.Sustainable, s.Why)
		if !s.Verified {
			t.Errorf("step %.0f/s not verified", s.OfferedRate)
		}
		if s.OfferedRate == 5000 {
			lossy = true
			if s.Missing <= 0 || s.Sustainable || !strings.Contains(s.Why, "missing") {
				t.Errorf("step 5000/s: %d missing, sustainable %v (%q); want missing > 0 and not sustainable", s.Missing, s.Sustainable, s.Why)
			}
		}
	}
	if !lossy {
		t.Errorf("no 5000/s step in %+v", ct.Steps)
	}
}
