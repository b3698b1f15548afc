package cli

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/generate"
)

// The load the complex job is run with when the flags leave it open, so that every tag kind
// fires in one run: each device alternates TEMP and CO2 readings (HighCO2…In70s needs both in
// one device's buffer: a CO2 reading above 80 and two temperatures in [70, 80)) and sends every complexDeviceGap (ten or more events each: every
// <n>RecordsForThisKey), and complexQuietDevices of the devices go quiet after the first
// quarter of the run. The job's NoNews timer fires for a device whose last event is 45 s old
// in event time while the job's watermark trails the newest event by 60 s: the quiet devices'
// last events are that far behind once complexDuration's last three quarters (135 s) are past
// 105 s.
const (
	complexDeviceGap    = 10 * time.Second
	complexQuietDevices = 0.1
	complexDuration     = 3 * time.Minute
)

// loadSet says which load flags the user gave, so that run --job complex fills in the others.
type loadSet struct{ devices, mixedTypes, quietDevices, duration, count bool }

func loadFlagsSet(fs *pflag.FlagSet) loadSet {
	return loadSet{devices: fs.Changed("devices"), mixedTypes: fs.Changed("mixed-types"), quietDevices: fs.Changed("quiet-devices"),
		duration: fs.Changed("duration"), count: fs.Changed("count")}
}

// applyComplexLoad sets what the user left open of the load for the complex job (see
// complexDeviceGap) and says on w what it chose; cfg.Rate is this instance's, after the tier.
func applyComplexLoad(cfg *generate.Config, set loadSet, w io.Writer) {
	var chose []string
	if !set.mixedTypes {
		cfg.MixedTypes = true
		chose = append(chose, "--mixed-types")
	}
	if !set.devices && !cfg.Unlimited {
		total := cfg.Rate * float64(max(cfg.Instances, 1)) * complexDeviceGap.Seconds()
		cfg.Devices = int(math.Min(math.Max(math.Round(total), float64(max(cfg.Instances, 1))), 10_000_000))
		chose = append(chose, fmt.Sprintf("--devices %d (a device every %s)", cfg.Devices, complexDeviceGap))
	}
	if !set.quietDevices && (set.count || !cfg.Unlimited) {
		cfg.QuietDevices = complexQuietDevices
		chose = append(chose, fmt.Sprintf("--quiet-devices %g (quiet after the first quarter: their NoNews tags fire)", complexQuietDevices))
	}
	if !set.duration && !set.count {
		cfg.Duration = complexDuration
		chose = append(chose, "--duration "+complexDuration.String())
	}
	if len(chose) > 0 {
		fmt.Fprintf(w, "complex job: a load where every tag kind fires: %s (give the flags to choose otherwise)\n", strings.Join(chose, ", "))
	}
}
