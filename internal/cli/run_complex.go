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

// Load the complex job is run with when the flags leave it open, so that every tag kind fires
// in one run: each device alternates TEMP and CO2 readings (HighCO2WithSeveralTemperaturesIn70s
// needs both in one device's buffer), each device sends every complexDeviceGap (more than the
// job's 45 s, so NoNewsForAtLeast45000ms fires), and the run lasts long enough for the job's
// watermark (60 s behind the newest event) to pass such deadlines: 45 s + 60 s + one gap.
const (
	complexDeviceGap = 50 * time.Second
	complexDuration  = 3 * time.Minute
)

// loadSet says which load flags the user gave, so that run --job complex fills in the others.
type loadSet struct{ devices, mixedTypes, duration, count bool }

func loadFlagsSet(fs *pflag.FlagSet) loadSet {
	return loadSet{devices: fs.Changed("devices"), mixedTypes: fs.Changed("mixed-types"), duration: fs.Changed("duration"), count: fs.Changed("count")}
}

// applyComplexLoad sets what the user left open of the load for the complex job (see
// complexDeviceGap) and says on w what it chose; rate is this instance's, after the tier.
func applyComplexLoad(cfg *generate.Config, set loadSet, w io.Writer) {
	var chose []string
	if !set.mixedTypes {
		cfg.MixedTypes = true
		chose = append(chose, "--mixed-types")
	}
	if !set.devices && !cfg.Unlimited {
		total := cfg.Rate * float64(max(cfg.Instances, 1)) * complexDeviceGap.Seconds()
		cfg.Devices = int(math.Min(math.Max(math.Round(total), 1), 10_000_000))
		chose = append(chose, fmt.Sprintf("--devices %d (a device every %s)", cfg.Devices, complexDeviceGap))
	}
	if !set.duration && !set.count {
		cfg.Duration = complexDuration
		chose = append(chose, "--duration "+complexDuration.String())
	}
	if len(chose) > 0 {
		fmt.Fprintf(w, "complex job: a load where every tag kind fires: %s (give the flags to choose otherwise)\n", strings.Join(chose, ", "))
	}
}
