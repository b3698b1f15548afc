package generate

import (
	"fmt"
	"math"
	"time"
)

// The load the complex job is run with when the flags leave it open, so that every tag kind
// fires in one run: each device alternates TEMP and CO2 readings (HighCO2…In70s needs both in
// one device's buffer: a CO2 reading above 80 and two temperatures in [70, 80)) and sends every
// ComplexDeviceGap (ten or more events each: every <n>RecordsForThisKey), and
// ComplexQuietDevices of the devices go quiet after the first quarter of the run. The job's
// NoNews timer fires for a device whose last event is 45 s old in event time while the job's
// watermark trails the newest event by 60 s: the quiet devices' last events are that far
// behind once ComplexDuration's last three quarters (135 s) are past 105 s.
const (
	ComplexDeviceGap    = 10 * time.Second
	ComplexQuietDevices = 0.1
	ComplexDuration     = 3 * time.Minute
)

// Given says which load settings the user gave, so that ComplexLoad fills in only the others.
type Given struct{ Devices, MixedTypes, QuietDevices, Duration, Count bool }

// ComplexLoad sets what the user left open of cfg for the complex job (see ComplexDeviceGap)
// and returns what it chose, as flags; cfg.Rate is this instance's, after the tier.
func ComplexLoad(cfg *Config, given Given) []string {
	var chose []string
	if !given.MixedTypes {
		cfg.MixedTypes = true
		chose = append(chose, "--mixed-types")
	}
	if !given.Devices && !cfg.Unlimited {
		total := cfg.Rate * float64(max(cfg.Instances, 1)) * ComplexDeviceGap.Seconds()
		cfg.Devices = int(math.Min(math.Max(math.Round(total), float64(max(cfg.Instances, 1))), 10_000_000))
		chose = append(chose, fmt.Sprintf("--devices %d (a device every %s)", cfg.Devices, ComplexDeviceGap))
	}
	if !given.QuietDevices && (given.Count || !cfg.Unlimited) {
		cfg.QuietDevices = ComplexQuietDevices
		chose = append(chose, fmt.Sprintf("--quiet-devices %g (quiet after the first quarter: their NoNews tags fire)", ComplexQuietDevices))
	}
	if !given.Duration && !given.Count {
		cfg.Duration = ComplexDuration
		chose = append(chose, "--duration "+ComplexDuration.String())
	}
	return chose
}
