package htmlreport

import (
	"encoding/json"
	"fmt"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/runlog"
	"github.com/streamscale/streamscale/internal/verify"
)

// AddRun puts a recorded run's generator summary and verification (latency percentiles, and
// their series over time) on the page beside its traffic.
func (r *Report) AddRun(run runlog.Run) error {
	if len(run.Generated) > 0 {
		var g generate.Summary
		if err := json.Unmarshal(run.Generated, &g); err != nil {
			return fmt.Errorf("run %s: corrupt generator summary in run.json: %w", run.ID, err)
		}
		r.Generated = &g
	}
	if len(run.Verified) > 0 {
		var v verify.Result
		if err := json.Unmarshal(run.Verified, &v); err != nil {
			return fmt.Errorf("run %s: corrupt verification in run.json: %w", run.ID, err)
		}
		r.Verified = &v
	}
	return nil
}
