package flink

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// The JSON shapes below are Flink's REST messages as its generated OpenAPI spec
// (docs/static/generated/rest_v1_dispatcher.yml: StopWithSavepointRequestBody,
// TriggerResponse, AsynchronousOperationResult, SavepointInfo, CheckpointingStatistics,
// LatestCheckpoints, CompletedCheckpointStatistics, RestoredCheckpointStatistics, Counts)
// and flink-runtime's SerializedThrowableSerializer ("class", "stack-trace") describe them;
// they are unchanged from Flink 1.19 to 2.2.

// TriggerStop asks Flink to stop a job with a savepoint into targetDir (POST /jobs/{jid}/stop,
// drain false: timers do not fire, so the job resumes where it stopped) and returns the
// trigger id to poll with WaitSavepoint. An empty targetDir leaves the directory to the
// cluster's execution.checkpointing.savepoint-dir.
func (c *Client) TriggerStop(ctx context.Context, jobID, targetDir string) (string, error) {
	body := struct {
		TargetDirectory string `json:"targetDirectory,omitempty"`
		Drain           bool   `json:"drain"`
	}{TargetDirectory: targetDir}
	var resp struct {
		RequestID string `json:"request-id"`
	}
	if err := c.sendJSON(ctx, http.MethodPost, "/jobs/"+url.PathEscape(jobID)+"/stop", body, &resp); err != nil {
		return "", fmt.Errorf("stop job %s with a savepoint: %w", jobID, err)
	}
	if resp.RequestID == "" {
		return "", fmt.Errorf("stop job %s with a savepoint: Flink answered without a request id", jobID)
	}
	return resp.RequestID, nil
}

// SavepointStatus is the state of a savepoint operation (GET /jobs/{jid}/savepoints/{id}).
type SavepointStatus struct {
	// Done is false while Flink reports IN_PROGRESS.
	Done bool
	// Location is the savepoint's path once it completed, e.g. file:/…/savepoint-1a2b3c-…
	Location string
	// Failure is the root cause of a savepoint that failed, "" otherwise.
	Failure string
}

// Savepoint returns the state of a savepoint operation.
func (c *Client) Savepoint(ctx context.Context, jobID, triggerID string) (SavepointStatus, error) {
	var resp struct {
		Status struct {
			ID string `json:"id"`
		} `json:"status"`
		Operation *struct {
			Location     string `json:"location"`
			FailureCause *struct {
				Class      string `json:"class"`
				StackTrace string `json:"stack-trace"`
			} `json:"failure-cause"`
		} `json:"operation"`
	}
	path := "/jobs/" + url.PathEscape(jobID) + "/savepoints/" + url.PathEscape(triggerID)
	if err := c.getJSON(ctx, path, &resp); err != nil {
		return SavepointStatus{}, fmt.Errorf("savepoint of job %s: %w", jobID, err)
	}
	if resp.Status.ID != "COMPLETED" {
		return SavepointStatus{}, nil
	}
	st := SavepointStatus{Done: true}
	if op := resp.Operation; op != nil {
		st.Location = op.Location
		if op.FailureCause != nil {
			st.Failure = RootCause(op.FailureCause.StackTrace)
			if st.Failure == "" {
				st.Failure = op.FailureCause.Class
			}
		}
	}
	if st.Location == "" && st.Failure == "" {
		st.Failure = "Flink reported the savepoint complete without a location"
	}
	return st, nil
}

// SavepointFailedError is a savepoint that Flink could not take; the job keeps running.
type SavepointFailedError struct {
	JobID string
	// Cause is Flink's root cause.
	Cause string
}

// Error is one line: the job and Flink's root cause.
func (e *SavepointFailedError) Error() string {
	return fmt.Sprintf("savepoint of job %s failed: %s", e.JobID, e.Cause)
}

// WaitSavepoint polls a savepoint operation (every 500 ms) until it completes and returns its
// location; a failed savepoint is a *SavepointFailedError. When ctx ends first the error says
// the savepoint may still complete.
func (c *Client) WaitSavepoint(ctx context.Context, jobID, triggerID string) (string, error) {
	return c.waitSavepoint(ctx, jobID, triggerID, 500*time.Millisecond)
}

func (c *Client) waitSavepoint(ctx context.Context, jobID, triggerID string, poll time.Duration) (string, error) {
	for {
		st, err := c.Savepoint(ctx, jobID, triggerID)
		if err != nil && ctx.Err() == nil {
			return "", err
		}
		if err == nil && st.Done {
			if st.Failure != "" {
				return "", &SavepointFailedError{JobID: jobID, Cause: st.Failure}
			}
			return st.Location, nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("stopped waiting for the savepoint of job %s (Flink may still finish it and stop the job; see `streamscale job list`): %w", jobID, ctx.Err())
		case <-time.After(poll):
		}
	}
}

// StopWithSavepoint stops a job with a savepoint into targetDir and waits until the savepoint
// is written, returning its location.
func (c *Client) StopWithSavepoint(ctx context.Context, jobID, targetDir string) (string, error) {
	trigger, err := c.TriggerStop(ctx, jobID, targetDir)
	if err != nil {
		return "", err
	}
	return c.WaitSavepoint(ctx, jobID, trigger)
}

// CheckpointStats is the part of GET /jobs/{jid}/checkpoints that says where a job can be
// resumed from.
type CheckpointStats struct {
	Counts CheckpointCounts `json:"counts"`
	Latest struct {
		// Completed is the latest completed checkpoint, nil when there is none.
		Completed *CompletedCheckpoint `json:"completed"`
		// Savepoint is the latest savepoint, nil when there is none.
		Savepoint *CompletedCheckpoint `json:"savepoint"`
		// Restored is the checkpoint or savepoint the job started from, nil when none.
		Restored *RestoredCheckpoint `json:"restored"`
	} `json:"latest"`
}

// CheckpointCounts counts a job's checkpoints.
type CheckpointCounts struct {
	Restored   int64 `json:"restored"`
	Total      int64 `json:"total"`
	InProgress int   `json:"in_progress"`
	Completed  int64 `json:"completed"`
	Failed     int64 `json:"failed"`
}

// CompletedCheckpoint is a completed checkpoint or savepoint.
type CompletedCheckpoint struct {
	ID          int64 `json:"id"`
	IsSavepoint bool  `json:"is_savepoint"`
	// TriggerTimestamp and LatestAckTimestamp are epoch milliseconds.
	TriggerTimestamp   int64 `json:"trigger_timestamp"`
	LatestAckTimestamp int64 `json:"latest_ack_timestamp"`
	StateSize          int64 `json:"state_size"`
	// ExternalPath is where it is stored ("<checkpoint-not-externalized>" for one that is not
	// retained).
	ExternalPath string `json:"external_path"`
	// Discarded says Flink has deleted it (a subsumed checkpoint).
	Discarded bool `json:"discarded"`
}

// Time is when the checkpoint completed (its last acknowledgement).
func (c CompletedCheckpoint) Time() time.Time { return time.UnixMilli(c.LatestAckTimestamp) }

// RestoredCheckpoint is the checkpoint or savepoint a job was restored from.
type RestoredCheckpoint struct {
	ID               int64  `json:"id"`
	RestoreTimestamp int64  `json:"restore_timestamp"`
	IsSavepoint      bool   `json:"is_savepoint"`
	ExternalPath     string `json:"external_path"`
}

// Checkpoints returns a job's checkpoint statistics. A job whose checkpointing is off
// (guarantee none) has no statistics: Flink answers 404, returned as zero stats.
func (c *Client) Checkpoints(ctx context.Context, jobID string) (CheckpointStats, error) {
	var st CheckpointStats
	err := c.getJSON(ctx, "/jobs/"+url.PathEscape(jobID)+"/checkpoints", &st)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound {
		if _, jerr := c.Job(ctx, jobID); jerr == nil {
			return CheckpointStats{}, nil
		}
	}
	if err != nil {
		return CheckpointStats{}, fmt.Errorf("checkpoints of job %s: %w", jobID, err)
	}
	return st, nil
}

// ClusterConfig returns the cluster's configuration (GET /jobmanager/config) as key → value.
func (c *Client) ClusterConfig(ctx context.Context) (map[string]string, error) {
	var entries []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	if err := c.getJSON(ctx, "/jobmanager/config", &entries); err != nil {
		return nil, fmt.Errorf("cluster configuration: %w", err)
	}
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		m[e.Key] = e.Value
	}
	return m, nil
}

// SavepointDir is the cluster's default savepoint directory (execution.checkpointing.savepoint-dir,
// or its pre-2.0 name state.savepoints.dir), "" when none is configured.
func SavepointDir(conf map[string]string) string {
	if d := conf["execution.checkpointing.savepoint-dir"]; d != "" {
		return d
	}
	return conf["state.savepoints.dir"]
}
