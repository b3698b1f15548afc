package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/streamscale/streamscale/internal/htmlreport"
)

// Err is the soak's verdict as an error: events missing, or a run cut short; nil for a full
// run that passed.
func (r SoakResult) Err() error {
	switch {
	case !r.Passed():
		return fmt.Errorf("bench soak: %d events missing (reconciled: %v)", r.Missing, r.Reconciled)
	case r.Interrupted:
		return fmt.Errorf("bench soak: interrupted after %d minute(s); the report holds what was measured", len(r.Minutes))
	}
	return nil
}

// WriteText prints the verdict and the slopes, with the report's directory.
func (r SoakResult) WriteText(w io.Writer) error {
	verdict := "PASS"
	if !r.Passed() {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "\nbench soak: %d minute(s), %.0f events/s target, %d input events, guarantee %s%s\n",
		len(r.Minutes), r.TargetRate, r.InputEvents, r.Guarantee, DedupNote(r.DedupWindow))
	fmt.Fprintf(w, "missing              %d (%s)\n", r.Missing, verdict)
	fmt.Fprintf(w, "pipeline duplicates  %d\n", r.Duplicates)
	fmt.Fprintf(w, "p99 slope            %.2f ms per hour (over %d full minutes after the warm-up)\n", r.P99SlopeMsPerHour, r.SlopeMinutes)
	fmt.Fprintf(w, "heap after GC slope  %.2f MB per hour\n", r.HeapAfterGCSlopeBytesPerHour/(1<<20))
	_, err := fmt.Fprintf(w, "report               %s (soak.json, soak.html)\n", r.ReportDir)
	return err
}

// DedupNote is ", dedup window N" with de-duplication on, "" without.
func DedupNote(window int) string {
	if window <= 0 {
		return ""
	}
	return fmt.Sprintf(", dedup window %d", window)
}

// SoakReportDir is where a soak's report goes by default: <home>/soaks/<UTC time>.
func SoakReportDir(home string, now time.Time) string {
	return filepath.Join(home, "soaks", now.UTC().Format("20060102-150405"))
}

// WriteSoakJSON creates dir and writes the result to dir/soak.json, indented.
func WriteSoakJSON(dir string, r SoakResult) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report dir: %w", err)
	}
	return writeJSONFile(filepath.Join(dir, "soak.json"), r)
}

// WriteReport writes soak.json and soak.html to dir, and renders png from the page unless it
// is ""; WriteText then names dir.
func (r *SoakResult) WriteReport(ctx context.Context, out htmlreport.Output, dir, png string) error {
	r.ReportDir = dir
	if err := WriteSoakJSON(dir, *r); err != nil {
		return fmt.Errorf("bench soak: %w", err)
	}
	files := htmlreport.Files{HTML: filepath.Join(dir, "soak.html"), PNG: png}
	return out.Write(ctx, files, SoakHTMLHeight(*r), func(w io.Writer) error { return WriteSoakHTML(w, *r) })
}

// writeJSONFile writes v to path as indented JSON.
func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
