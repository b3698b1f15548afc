// Package relay submits the Flink relay job (jvm/relay-job) through the Flink REST API, or
// finds the copy that already runs, so that repeated runs never start a twin.
package relay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/streamscale/streamscale/internal/flink"
)

// EntryClass is the relay job's main class.
const EntryClass = "io.streamscale.relay.RelayJob"

// Spec says how to run the relay job.
type Spec struct {
	// JarPath is the job jar (default: build/jobs/relay-job.jar next to the binary).
	JarPath string
	// Brokers is the bootstrap list the job itself uses (it may differ from the CLI's when
	// Flink runs elsewhere).
	Brokers string
	// InTopic, OutTopic and DeadLetterTopic are the topics the job reads and writes.
	InTopic, OutTopic, DeadLetterTopic string
	// Parallelism of the job (default: the input topic's partition count, set by the caller).
	Parallelism int
	// CheckpointInterval (default 10s).
	CheckpointInterval time.Duration
	// StartTimeout bounds the wait for all tasks to run (default 2m).
	StartTimeout time.Duration
}

// JobName is the Flink job name for a topic pair; a running job with this name is reused.
func (s Spec) JobName() string { return "streamscale-relay " + s.InTopic + "->" + s.OutTopic }

// ProgramArgs are the job's command-line arguments.
func (s Spec) ProgramArgs() []string {
	ci := s.CheckpointInterval
	if ci <= 0 {
		ci = 10 * time.Second
	}
	return []string{
		"--bootstrap-servers", s.Brokers,
		"--input-topic", s.InTopic,
		"--output-topic", s.OutTopic,
		"--dead-letter-topic", s.DeadLetterTopic,
		"--checkpoint-interval-ms", strconv.FormatInt(ci.Milliseconds(), 10),
		"--job-name", s.JobName(),
	}
}

// DefaultJarPath is build/jobs/relay-job.jar under the build directory.
func DefaultJarPath(buildDir string) string { return filepath.Join(buildDir, "jobs", "relay-job.jar") }

// Result says which job runs the relay and whether it was already running.
type Result struct {
	JobID  string
	Reused bool
}

// Ensure returns the running relay job for s, or uploads the jar, runs it and waits until all
// its tasks run. A job that fails to start is reported with Flink's exception.
func Ensure(ctx context.Context, c *flink.Client, s Spec, progress io.Writer) (Result, error) {
	if progress == nil {
		progress = io.Discard
	}
	running, err := FindRunning(ctx, c, s)
	if err != nil {
		return Result{}, err
	}
	if running != "" {
		fmt.Fprintf(progress, "reusing running relay job %s (%s)\n", running, s.JobName())
		return Result{JobID: running, Reused: true}, nil
	}
	if _, err := os.Stat(s.JarPath); err != nil {
		return Result{}, fmt.Errorf("relay job jar %s not found: run `make build` or pass --job-jar", s.JarPath)
	}
	fmt.Fprintf(progress, "uploading %s\n", s.JarPath)
	jarID, err := c.UploadJar(ctx, s.JarPath)
	if err != nil {
		return Result{}, err
	}
	defer func() { _ = c.DeleteJar(context.WithoutCancel(ctx), jarID) }()
	jobID, err := c.RunJar(ctx, jarID, flink.RunRequest{
		EntryClass:      EntryClass,
		ProgramArgsList: s.ProgramArgs(),
		Parallelism:     s.Parallelism,
	})
	if err != nil {
		return Result{}, fmt.Errorf("start relay job: %w", err)
	}
	fmt.Fprintf(progress, "submitted relay job %s (parallelism %d), waiting for its tasks\n", jobID, s.Parallelism)
	timeout := s.StartTimeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := c.WaitRunning(wctx, jobID); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			_ = c.Cancel(context.WithoutCancel(ctx), jobID)
			return Result{}, fmt.Errorf("relay job %s not running after %s (free slots? see `streamscale local status`): %w", jobID, timeout, err)
		}
		return Result{}, fmt.Errorf("relay job did not start: %w", err)
	}
	return Result{JobID: jobID}, nil
}

// FindRunning returns the id of the running relay job for s, or "" if none runs.
func FindRunning(ctx context.Context, c *flink.Client, s Spec) (string, error) {
	jobs, err := c.Jobs(ctx)
	if err != nil {
		return "", fmt.Errorf("list Flink jobs: %w", err)
	}
	for _, j := range jobs {
		if j.Name == s.JobName() && j.State == flink.StateRunning {
			return j.ID, nil
		}
	}
	return "", nil
}
