package verify

import (
	"fmt"
	"io"
)

// WriteFailures writes a line for each check of c that r fails and reports whether any did.
func (r Result) WriteFailures(w io.Writer, c Checks) (failed bool) {
	fails := r.Check(c)
	for _, fl := range fails {
		fmt.Fprintln(w, fl.String())
	}
	return len(fails) > 0
}
