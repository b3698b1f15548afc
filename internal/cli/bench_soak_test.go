package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/pipeline"
)

// TestBenchSoakValidate: the tier fills in what --rate and --partitions leave, and bad
// flags are usage errors that name the flag, before anything starts.
func TestBenchSoakValidate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		set       func(o *benchSoakOptions)
		wantErr   string
		wantRate  float64
		wantParts int32
	}{
		{name: "tier 5 by default", set: func(*benchSoakOptions) {}, wantRate: 5000, wantParts: 4},
		{name: "tier 10", set: func(o *benchSoakOptions) { o.tier = 10 }, wantRate: 10000, wantParts: 8},
		{name: "--rate and --partitions win over the tier", set: func(o *benchSoakOptions) {
			o.cfg.Rate, o.rateSet, o.cfg.Partitions, o.partSet = 1000, true, 2, true
		}, wantRate: 1000, wantParts: 2},
		{name: "unknown tier", set: func(o *benchSoakOptions) { o.tier = 3 }, wantErr: "--tier"},
		{name: "negative rate", set: func(o *benchSoakOptions) { o.cfg.Rate, o.rateSet = -1, true }, wantErr: "--rate"},
		{name: "no partition", set: func(o *benchSoakOptions) { o.partSet = true }, wantErr: "--partitions"},
		{name: "shorter than a row", set: func(o *benchSoakOptions) { o.cfg.Duration = 30 * time.Second }, wantErr: "--duration"},
		{name: "negative warm-up", set: func(o *benchSoakOptions) { o.cfg.WarmupMinutes = -1 }, wantErr: "--warmup-minutes"},
		{name: "bad guarantee", set: func(o *benchSoakOptions) { o.job.Guarantee = "twice" }, wantErr: "--guarantee"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _, _ := testFactory()
			o := &benchSoakOptions{conn: f.newConn(), job: pipeline.DefaultJobOptions(), tier: 5}
			o.cfg.Duration, o.cfg.DrainIdle, o.cfg.Retention = time.Hour, 30*time.Second, 10*time.Minute
			tc.set(o)
			err := o.validate(f)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.cfg.Rate != tc.wantRate || o.cfg.Partitions != tc.wantParts {
				t.Errorf("rate %g, partitions %d; want %g, %d", o.cfg.Rate, o.cfg.Partitions, tc.wantRate, tc.wantParts)
			}
		})
	}
}
