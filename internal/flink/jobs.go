package flink

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// JobState is a Flink job status.
type JobState string

// The job states of Flink's JobStatus.
const (
	StateInitializing JobState = "INITIALIZING"
	StateCreated      JobState = "CREATED"
	StateRunning      JobState = "RUNNING"
	StateFailing      JobState = "FAILING"
	StateFailed       JobState = "FAILED"
	StateCancelling   JobState = "CANCELLING"
	StateCanceled     JobState = "CANCELED"
	StateFinished     JobState = "FINISHED"
	StateRestarting   JobState = "RESTARTING"
	StateSuspended    JobState = "SUSPENDED"
	StateReconciling  JobState = "RECONCILING"
)

// IsTerminal reports whether a job in this state will never run again.
func (s JobState) IsTerminal() bool {
	return s == StateFailed || s == StateCanceled || s == StateFinished
}

// JobSummary is one job from GET /jobs/overview.
type JobSummary struct {
	ID        string   `json:"jid"`
	Name      string   `json:"name"`
	State     JobState `json:"state"`
	StartTime int64    `json:"start-time"`
	EndTime   int64    `json:"end-time"`
	Duration  int64    `json:"duration"`
}

// Jobs lists the cluster's jobs, running and finished.
func (c *Client) Jobs(ctx context.Context) ([]JobSummary, error) {
	var resp struct {
		Jobs []JobSummary `json:"jobs"`
	}
	if err := c.getJSON(ctx, "/jobs/overview", &resp); err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	return resp.Jobs, nil
}

// Vertex is one operator chain of a job.
type Vertex struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Parallelism int      `json:"parallelism"`
	Status      JobState `json:"status"`
}

// JobDetails is GET /jobs/{jid}.
type JobDetails struct {
	ID       string   `json:"jid"`
	Name     string   `json:"name"`
	State    JobState `json:"state"`
	Vertices []Vertex `json:"vertices"`
}

// Job returns a job's details.
func (c *Client) Job(ctx context.Context, jobID string) (JobDetails, error) {
	var d JobDetails
	if err := c.getJSON(ctx, "/jobs/"+url.PathEscape(jobID), &d); err != nil {
		return JobDetails{}, fmt.Errorf("job %s: %w", jobID, err)
	}
	return d, nil
}

// JobExceptions is the part of GET /jobs/{jid}/exceptions that explains a failure.
type JobExceptions struct {
	History struct {
		Entries []ExceptionEntry `json:"entries"`
	} `json:"exceptionHistory"`
}

// ExceptionEntry is one failure in a job's exception history.
type ExceptionEntry struct {
	Name       string `json:"exceptionName"`
	Stacktrace string `json:"stacktrace"`
	Timestamp  int64  `json:"timestamp"`
	TaskName   string `json:"taskName"`
}

// JobUserConfig returns a job's global job parameters (GET /jobs/{jid}/config, user-config):
// what the job chose to show about itself.
func (c *Client) JobUserConfig(ctx context.Context, jobID string) (map[string]string, error) {
	var resp struct {
		ExecutionConfig struct {
			UserConfig map[string]string `json:"user-config"`
		} `json:"execution-config"`
	}
	if err := c.getJSON(ctx, "/jobs/"+url.PathEscape(jobID)+"/config", &resp); err != nil {
		return nil, fmt.Errorf("job %s config: %w", jobID, err)
	}
	return resp.ExecutionConfig.UserConfig, nil
}

// Exceptions returns a job's exception history, newest first.
func (c *Client) Exceptions(ctx context.Context, jobID string) (JobExceptions, error) {
	var e JobExceptions
	if err := c.getJSON(ctx, "/jobs/"+url.PathEscape(jobID)+"/exceptions", &e); err != nil {
		return JobExceptions{}, fmt.Errorf("exceptions of job %s: %w", jobID, err)
	}
	return e, nil
}

// RootCause is the root cause of the job's latest exception, or "" when there is none.
func (e JobExceptions) RootCause() string {
	if len(e.History.Entries) == 0 {
		return ""
	}
	first := e.History.Entries[0]
	if l := RootCause(first.Stacktrace); l != "" {
		return l
	}
	return first.Name
}

// WaitRunning polls (every 250 ms) until the job and every one of its vertices run. A job
// that reaches a terminal state, or keeps failing and restarting, fails with a
// *JobFailedError carrying its root cause; a context that ends first returns the context's
// error wrapped with the last seen state and, when Flink recorded one (e.g. the job restarted
// between two polls), the root cause of its latest exception.
func (c *Client) WaitRunning(ctx context.Context, jobID string) error {
	return c.waitRunning(ctx, jobID, 250*time.Millisecond)
}

// exceptionTimeout bounds the look-up of a job's exceptions once the caller's context has
// ended or the job has failed: the lookup explains an error, it must not delay it long.
const exceptionTimeout = 10 * time.Second

func (c *Client) waitRunning(ctx context.Context, jobID string, poll time.Duration) error {
	last := JobState("")
	for {
		d, err := c.Job(ctx, jobID)
		if err != nil && ctx.Err() == nil {
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Status != http.StatusNotFound {
				return err
			}
			// Not yet known to the dispatcher: keep polling.
		}
		if err == nil {
			last = d.State
			if d.State.IsTerminal() || d.State == StateFailing || d.State == StateRestarting {
				return &JobFailedError{JobID: jobID, State: d.State, Cause: c.rootCause(ctx, jobID)}
			}
			if d.State == StateRunning && allRunning(d.Vertices) {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			if cause := c.rootCause(ctx, jobID); cause != "" {
				return fmt.Errorf("job %s still %s (latest exception: %s): %w", jobID, orUnknown(last), cause, ctx.Err())
			}
			return fmt.Errorf("job %s still %s: %w", jobID, orUnknown(last), ctx.Err())
		case <-time.After(poll):
		}
	}
}

// rootCause is the root cause of the job's latest exception, or "" when there is none or it
// cannot be read; it is looked up even when ctx has ended, for at most exceptionTimeout.
func (c *Client) rootCause(ctx context.Context, jobID string) string {
	ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), exceptionTimeout)
	defer cancel()
	ex, err := c.Exceptions(ectx, jobID)
	if err != nil {
		return ""
	}
	return ex.RootCause()
}

// JobFailedError is a job that failed, or is failing or restarting, instead of running.
type JobFailedError struct {
	JobID string
	// State is the state the job was seen in: FAILED, FAILING, RESTARTING, CANCELED, ….
	State JobState
	// Cause is the root cause of the job's latest exception, "" when Flink recorded none.
	Cause string
}

// Error is one line: the job, its state and the root cause.
func (e *JobFailedError) Error() string {
	if e.Cause == "" {
		return fmt.Sprintf("job %s %s (no exception recorded; see the JobManager log)", e.JobID, e.State)
	}
	return fmt.Sprintf("job %s %s: %s", e.JobID, e.State, e.Cause)
}

func allRunning(vs []Vertex) bool {
	if len(vs) == 0 {
		return false
	}
	for _, v := range vs {
		if v.Status != StateRunning {
			return false
		}
	}
	return true
}

func orUnknown(s JobState) JobState {
	if s == "" {
		return "UNKNOWN"
	}
	return s
}

// Cancel asks Flink to cancel a job (PATCH /jobs/{jid}?mode=cancel) and returns at once.
func (c *Client) Cancel(ctx context.Context, jobID string) error {
	if err := c.do(ctx, http.MethodPatch, "/jobs/"+url.PathEscape(jobID)+"?mode=cancel", nil, "", nil); err != nil {
		return fmt.Errorf("cancel job %s: %w", jobID, err)
	}
	return nil
}

// WaitTerminal polls until the job reaches a terminal state and returns it.
func (c *Client) WaitTerminal(ctx context.Context, jobID string) (JobState, error) {
	for {
		d, err := c.Job(ctx, jobID)
		if err != nil {
			return "", err
		}
		if d.State.IsTerminal() {
			return d.State, nil
		}
		select {
		case <-ctx.Done():
			return d.State, fmt.Errorf("job %s still %s: %w", jobID, d.State, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}
