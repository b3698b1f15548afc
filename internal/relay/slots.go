package relay

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/streamscale/streamscale/internal/flink"
)

// defaultSlotWait is how long Ensure waits for enough free slots on a cluster whose slots do
// not grow: the slots of a job that was just cancelled come free within a few seconds.
const defaultSlotWait = 10 * time.Second

// SlotsError says a fixed-size Flink cluster has too few free slots for the relay job, and
// which jobs hold the others.
type SlotsError struct {
	// Free and Total are the cluster's free and total task slots; Need is the job's
	// parallelism (its operators share one slot per parallel instance).
	Free, Total, Need int
	// Holders are the jobs that run or are starting on the cluster.
	Holders []flink.JobSummary
}

// Error says how many slots are free and needed, who holds them, and what to do.
func (e *SlotsError) Error() string {
	var held string
	if len(e.Holders) > 0 {
		names := make([]string, 0, len(e.Holders))
		for _, j := range e.Holders {
			names = append(names, fmt.Sprintf("%s %q", j.ID, j.Name))
		}
		held = "; held by " + strings.Join(names, ", ")
	}
	return fmt.Sprintf("Flink has %d of %d task slots free and the relay job needs %d (its parallelism)%s: "+
		"cancel a job with `streamscale job cancel JOBID`, lower --parallelism, or restart the local stack with more "+
		"(`streamscale local down`, then `streamscale local up --slots N`)", e.Free, e.Total, e.Need, held)
}

// CheckSlots makes sure the cluster has s.Parallelism free slots before a job is submitted.
// A job without them would sit in RUNNING with its tasks SCHEDULED until the start timeout.
// On a cluster whose slots do not grow (s.FixedSlots: the local stack) it waits up to
// s.SlotWait for slots to come free, then refuses with a *SlotsError; on any other cluster
// (which may start TaskManagers on demand) it only says so on progress.
func CheckSlots(ctx context.Context, c *flink.Client, s Spec, progress io.Writer) error {
	if s.Parallelism <= 0 {
		return nil
	}
	wait := s.SlotWait
	if wait <= 0 {
		wait = defaultSlotWait
	}
	deadline := time.Now().Add(wait)
	for {
		ov, err := c.Overview(ctx)
		if err != nil {
			return fmt.Errorf("check Flink's free slots: %w", err)
		}
		if ov.SlotsAvailable >= s.Parallelism {
			return nil
		}
		if !s.FixedSlots {
			fmt.Fprintf(progress, "Flink has %d of %d task slots free and the relay job needs %d: it waits until the cluster has them (up to --job-start-timeout)\n",
				ov.SlotsAvailable, ov.SlotsTotal, s.Parallelism)
			return nil
		}
		if !time.Now().Before(deadline) {
			return &SlotsError{Free: ov.SlotsAvailable, Total: ov.SlotsTotal, Need: s.Parallelism, Holders: holders(ctx, c)}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for free Flink slots: %w", ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// holders lists the jobs that have not ended, so may hold slots (best effort: an error gives
// none).
func holders(ctx context.Context, c *flink.Client) []flink.JobSummary {
	jobs, err := c.Jobs(ctx)
	if err != nil {
		return nil
	}
	var out []flink.JobSummary
	for _, j := range jobs {
		if !j.State.IsTerminal() {
			out = append(out, j)
		}
	}
	return out
}
