package yarn

import (
	"fmt"
	"io"
	"strings"
)

// WriteText prints the application report for people: its id, state and tracking UI, the
// Flink REST URL to pass as --flink-url while the session runs (start reports it, status from
// start's record), and the first line of the diagnostics of an application that does not run.
func (r Result) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "YARN application  %s (%s)\n", r.ApplicationID, r.Name)
	fmt.Fprintf(w, "State             %s (final status %s)\n", r.State, r.FinalStatus)
	if r.TrackingURL != "" {
		fmt.Fprintf(w, "YARN tracking UI  %s\n", r.TrackingURL)
	}
	if r.State == "RUNNING" && r.RESTURL != "" {
		fmt.Fprintf(w, "Flink REST / UI   %s\n", r.RESTURL)
		fmt.Fprintf(w, "Use it with        --flink-url %s\n", r.RESTURL)
	}
	if r.Diagnostics != "" && r.State != "RUNNING" {
		first, _, _ := strings.Cut(r.Diagnostics, "\n")
		fmt.Fprintf(w, "Diagnostics       %s\n", first)
	}
	return nil
}
