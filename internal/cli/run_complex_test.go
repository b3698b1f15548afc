package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/generate"
)

func TestApplyComplexLoad(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rate      float64
		instances int
		set       loadSet
		count     int64
		want      generate.Config // the fields checked: MixedTypes, Devices, Duration
		wantLine  string
	}{
		{name: "nothing given", rate: 1000, want: generate.Config{MixedTypes: true, Devices: 50_000, Duration: 3 * time.Minute},
			wantLine: "--mixed-types, --devices 50000 (a device every 50s), --duration 3m0s"},
		{name: "tier 10 over 5 instances", rate: 2000, instances: 5, want: generate.Config{MixedTypes: true, Devices: 500_000, Duration: 3 * time.Minute}},
		{name: "devices and count given", rate: 1000, set: loadSet{devices: true, count: true}, count: 3000,
			want: generate.Config{MixedTypes: true, Devices: 1000, Duration: time.Minute}, wantLine: "fires: --mixed-types (give"},
		{name: "all given", rate: 1000, set: loadSet{devices: true, mixedTypes: true, duration: true},
			want: generate.Config{Devices: 1000, Duration: time.Minute}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := generate.DefaultConfig()
			cfg.Rate, cfg.Instances, cfg.Count = tc.rate, tc.instances, tc.count
			var w bytes.Buffer
			applyComplexLoad(&cfg, tc.set, &w)
			if cfg.MixedTypes != tc.want.MixedTypes || cfg.Devices != tc.want.Devices || cfg.Duration != tc.want.Duration {
				t.Errorf("mixed %v devices %d duration %s; want %v %d %s", cfg.MixedTypes, cfg.Devices, cfg.Duration, tc.want.MixedTypes, tc.want.Devices, tc.want.Duration)
			}
			if tc.wantLine != "" && !strings.Contains(w.String(), tc.wantLine) {
				t.Errorf("line %q lacks %q", w.String(), tc.wantLine)
			}
			if tc.set == (loadSet{devices: true, mixedTypes: true, duration: true}) && w.Len() != 0 {
				t.Errorf("with every load flag given it still says %q", w.String())
			}
		})
	}
}
