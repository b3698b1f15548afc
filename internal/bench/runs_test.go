package bench

import (
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/relay"
)

// noBrowser is an environment whose STREAMSCALE_BROWSER names no executable.
func noBrowser(k string) string {
	if k == "STREAMSCALE_BROWSER" {
		return "/nonexistent/streamscale-test-browser"
	}
	return ""
}

// TestSoakRunCheck: the tier fills in what --rate and --partitions leave, and bad flags are
// refused with an error that names the flag, before anything starts.
func TestSoakRunCheck(t *testing.T) {
	for _, tc := range []struct {
		name      string
		set       func(r *SoakRun)
		wantErr   string
		wantRate  float64
		wantParts int32
	}{
		{name: "tier 5 by default", set: func(*SoakRun) {}, wantRate: 5000, wantParts: 4},
		{name: "tier 10", set: func(r *SoakRun) { r.Tier = 10 }, wantRate: 10000, wantParts: 8},
		{name: "--rate and --partitions win over the tier", set: func(r *SoakRun) {
			r.Rate, r.RateGiven, r.Partitions, r.PartitionsGiven = 1000, true, 2, true
		}, wantRate: 1000, wantParts: 2},
		{name: "unknown tier", set: func(r *SoakRun) { r.Tier = 3 }, wantErr: "--tier"},
		{name: "negative rate", set: func(r *SoakRun) { r.Rate, r.RateGiven = -1, true }, wantErr: "--rate"},
		{name: "no partition", set: func(r *SoakRun) { r.PartitionsGiven = true }, wantErr: "--partitions"},
		{name: "shorter than a row", set: func(r *SoakRun) { r.Duration = 30 * time.Second }, wantErr: "--duration"},
		{name: "negative warm-up", set: func(r *SoakRun) { r.WarmupMinutes = -1 }, wantErr: "--warmup-minutes"},
		{name: "bad guarantee", set: func(r *SoakRun) { r.Options.Guarantee = "twice" }, wantErr: "--guarantee"},
		{name: "a PNG without a browser", set: func(r *SoakRun) { r.PNG = "soak.png" }, wantErr: "--png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &SoakRun{Tier: 5, Options: relay.DefaultOptions(t.TempDir())}
			r.Duration, r.DrainIdle, r.Retention = time.Hour, 30*time.Second, 10*time.Minute
			tc.set(r)
			err := r.Check(noBrowser)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Rate != tc.wantRate || r.Partitions != tc.wantParts {
				t.Errorf("rate %g, partitions %d; want %g, %d", r.Rate, r.Partitions, tc.wantRate, tc.wantParts)
			}
		})
	}
}

// TestCompareRunCheck: each flag mistake is refused, naming the flag, before anything starts.
func TestCompareRunCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		set     func(r *CompareRun)
		wantErr string
	}{
		{name: "good", set: func(*CompareRun) {}},
		{name: "unknown contender", set: func(r *CompareRun) { r.Contenders = []string{"kafka-streams"} }, wantErr: "--contenders"},
		{name: "bad guarantee", set: func(r *CompareRun) { r.Options.Guarantee = "twice" }, wantErr: "--guarantee"},
		{name: "negative drop", set: func(r *CompareRun) { r.GoRelayDropEvery = -1 }, wantErr: "--test-only-go-relay-drop-every"},
		{name: "a PNG without a browser", set: func(r *CompareRun) { r.PNG = "compare.png" }, wantErr: "--png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &CompareRun{CompareConfig: CompareConfig{Partitions: 2}, Options: relay.DefaultOptions(t.TempDir())}
			tc.set(r)
			err := r.Check(noBrowser)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one naming %s", err, tc.wantErr)
			}
		})
	}
}
