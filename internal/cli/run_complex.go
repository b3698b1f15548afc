package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/generate"
)

// loadSet says which load flags the user gave, so that run --job complex fills in the others.
type loadSet struct{ devices, mixedTypes, quietDevices, duration, count bool }

func loadFlagsSet(fs *pflag.FlagSet) loadSet {
	return loadSet{devices: fs.Changed("devices"), mixedTypes: fs.Changed("mixed-types"), quietDevices: fs.Changed("quiet-devices"),
		duration: fs.Changed("duration"), count: fs.Changed("count")}
}

// applyComplexLoad sets what the user left open of the load for the complex job
// (generate.ComplexLoad) and says on w what it chose.
func applyComplexLoad(cfg *generate.Config, set loadSet, w io.Writer) {
	chose := generate.ComplexLoad(cfg, generate.Given{Devices: set.devices, MixedTypes: set.mixedTypes,
		QuietDevices: set.quietDevices, Duration: set.duration, Count: set.count})
	if len(chose) > 0 {
		fmt.Fprintf(w, "complex job: a load where every tag kind fires: %s (give the flags to choose otherwise)\n", strings.Join(chose, ", "))
	}
}
