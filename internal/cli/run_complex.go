package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/streamscale/streamscale/internal/generate"
)

// applyComplexLoad sets what the user left open of the load for the complex job
// (generate.ComplexLoad) and says on w what it chose.
func applyComplexLoad(cfg *generate.Config, given generate.Given, w io.Writer) {
	if chose := generate.ComplexLoad(cfg, given); len(chose) > 0 {
		fmt.Fprintf(w, "complex job: a load where every tag kind fires: %s (give the flags to choose otherwise)\n", strings.Join(chose, ", "))
	}
}
