package relay

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/streamscale/streamscale/internal/flink"
)

// StopRequest is what `job stop` asks: which job to stop (ID, else the one ToStop finds for
// In, Out and Kind), where its savepoint goes and where it is recorded.
type StopRequest struct {
	In, Out, Kind, ID string
	// SavepointDir is the savepoint's URI; "": LocalSavepointDir, else the cluster's own
	// (DefaultSavepointDir).
	SavepointDir string
	// LocalSavepointDir is the local stack's savepoint directory when the Flink is its; "" when
	// not.
	LocalSavepointDir string
	// RecordDir is where the stop is recorded (SaveStopped) for a later resume.
	RecordDir string
	// Timeout bounds the wait for the savepoint.
	Timeout time.Duration
	// Progress gets what happens, and what to do when the wait ends early.
	Progress io.Writer
}

// StopWithSavepoint stops the job r names with a savepoint, waits until it is written and
// records it in r.RecordDir; it returns the savepoint's location. A request that cannot work
// (no such job, no savepoint directory) is a *UsageError.
func StopWithSavepoint(ctx context.Context, fc *flink.Client, r StopRequest) (string, error) {
	job, kind, err := ToStop(ctx, fc, r.In, r.Out, r.Kind, r.ID)
	if err != nil {
		return "", err
	}
	dir := r.SavepointDir
	if dir == "" {
		if dir, err = DefaultSavepointDir(ctx, fc, r.LocalSavepointDir); err != nil {
			return "", err
		}
	}
	where := dir
	if where == "" {
		where = "the cluster's savepoint directory"
	}
	fmt.Fprintf(r.Progress, "stopping job %s (%s) with a savepoint into %s\n", job.ID, job.Name, where)
	wctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	loc, err := fc.StopWithSavepoint(wctx, job.ID, dir)
	switch {
	case err != nil && ctx.Err() != nil:
		fmt.Fprintf(r.Progress, "stopped waiting for the savepoint of job %s: Flink may still write it and stop the job; `streamscale job list` shows where things stand\n", job.ID)
		return "", err
	case err != nil && wctx.Err() != nil:
		return "", fmt.Errorf("the savepoint of job %s is not written after %s (raise --timeout; `streamscale job list` shows where things stand): %w", job.ID, r.Timeout, err)
	case err != nil:
		return "", err
	}
	rec := Stopped{JobName: job.Name, JobID: job.ID, Job: kind, Savepoint: loc, Time: time.Now().UTC()}
	if err := SaveStopped(r.RecordDir, rec); err != nil {
		fmt.Fprintf(r.Progress, "the savepoint is at %s but could not be recorded for `job resume` (give it to --from-savepoint): %v\n", loc, err)
	}
	return loc, nil
}
