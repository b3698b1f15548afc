package generate

import (
	"fmt"
	"io"
	"strings"
)

// ApplyComplexLoad is ComplexLoad, saying on w what it chose (nothing when the flags given
// chose everything).
func ApplyComplexLoad(cfg *Config, given Given, w io.Writer) {
	if chose := ComplexLoad(cfg, given); len(chose) > 0 {
		fmt.Fprintf(w, "complex job: a load where every tag kind fires: %s (give the flags to choose otherwise)\n", strings.Join(chose, ", "))
	}
}
