package generate

import (
	"strings"
	"testing"
	"time"
)

func TestComplexLoad(t *testing.T) {
	all := Given{Devices: true, MixedTypes: true, QuietDevices: true, Duration: true}
	for _, tc := range []struct {
		name      string
		rate      float64
		instances int
		given     Given
		count     int64
		// The fields checked.
		mixed    bool
		devices  int
		quiet    float64
		duration time.Duration
		wantLine string
	}{
		{name: "nothing given", rate: 1000, mixed: true, devices: 10_000, quiet: 0.1, duration: 3 * time.Minute,
			wantLine: "--mixed-types, --devices 10000 (a device every 10s), --quiet-devices 0.1 (quiet after the first quarter: their NoNews tags fire), --duration 3m0s"},
		{name: "tier 10 over 5 instances", rate: 2000, instances: 5, mixed: true, devices: 100_000, quiet: 0.1, duration: 3 * time.Minute},
		{name: "devices and count given", rate: 1000, given: Given{Devices: true, Count: true}, count: 3000,
			mixed: true, devices: 1000, quiet: 0.1, duration: time.Minute, wantLine: "--mixed-types, --quiet-devices 0.1"},
		{name: "all given", rate: 1000, given: all, devices: 1000, duration: time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Rate, cfg.Instances, cfg.Count = tc.rate, max(tc.instances, 1), tc.count
			chose := strings.Join(ComplexLoad(&cfg, tc.given), ", ")
			if cfg.MixedTypes != tc.mixed || cfg.Devices != tc.devices || cfg.QuietDevices != tc.quiet || cfg.Duration != tc.duration {
				t.Errorf("mixed %v devices %d quiet %g duration %s; want %v %d %g %s", cfg.MixedTypes, cfg.Devices, cfg.QuietDevices, cfg.Duration,
					tc.mixed, tc.devices, tc.quiet, tc.duration)
			}
			if tc.wantLine != "" && !strings.Contains(chose, tc.wantLine) {
				t.Errorf("chose %q, lacks %q", chose, tc.wantLine)
			}
			if tc.given == all && chose != "" {
				t.Errorf("with every load setting given it still chose %q", chose)
			}
			if err := cfg.Validate(); err != nil {
				t.Errorf("the chosen load does not validate: %v", err)
			}
		})
	}
}
