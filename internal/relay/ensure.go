package relay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/streamscale/streamscale/internal/flink"
)

// cancelTimeout bounds cancelling a job that did not start, whatever the caller's context.
const cancelTimeout = 30 * time.Second

// Ensure makes sure a relay job for s runs and returns it, so that repeated runs never start
// a twin.
//
// A job named s.JobName() that has not ended (anything but FAILED, CANCELED, FINISHED,
// CANCELLING, SUSPENDED) is the relay: Ensure waits until all its tasks run (up to
// s.StartTimeout) and reuses it. If it fails or restarts instead (e.g. it was submitted with
// wrong settings, or a topic was missing), Ensure cancels it and submits a fresh one with s's
// jar and arguments, as the user asked for a running relay and the fresh job may well start
// (it resumes from the consumer group's committed offsets); if the wait times out or ctx
// ends, Ensure cancels it and returns the error, submitting nothing.
//
// The other kind of job for the same topics (the complex job for a relay, and the other way
// round) is cancelled first: one job writes an output topic.
//
// A found job that runs another guarantee or de-duplication than s asks for (its global job
// parameters say) is not reused: Ensure cancels it, says why on progress, and submits a fresh
// one, which resumes from the consumer group's committed offsets. With s.SavepointPath set a
// found job is an error (stop it with a savepoint first); the fresh job starts from that path.
//
// Otherwise Ensure uploads the jar, runs it and waits until all its tasks run. A job that does
// not get there (it fails, restarts, s.StartTimeout passes, or ctx ends, e.g. on Ctrl-C) is
// cancelled, on a context of its own bounded by 30 s, so that no restarting job is left
// behind; the error carries Flink's root cause.
//
// Ensure refuses at once with ErrSecuredKafka when s.CheckConnection does. A Secured job's
// connection settings reach it through a properties file: s.KafkaPropertiesFile, or one that
// s.ClientConfig writes for the submission and that is removed once Flink has built the job.
func Ensure(ctx context.Context, c *flink.Client, s Spec, progress io.Writer) (Result, error) {
	if progress == nil {
		progress = io.Discard
	}
	if err := s.CheckConnection(); err != nil {
		return Result{}, err
	}
	if err := replaceOther(ctx, c, s, progress); err != nil {
		return Result{}, err
	}
	if res, reused, err := reuseFound(ctx, c, s, progress); err != nil || reused {
		return res, err
	}
	return submitFresh(ctx, c, s, progress)
}

// reuseFound looks for this spec's job: one that runs as asked is reused (reused true) once
// its tasks run; one that does not is cancelled so that a fresh one can be submitted. It
// refuses to resume from a savepoint while the job is still there.
func reuseFound(ctx context.Context, c *flink.Client, s Spec, progress io.Writer) (res Result, reused bool, err error) {
	found, ok, err := Find(ctx, c, s)
	if err != nil {
		return Result{}, false, err
	}
	if ok && s.SavepointPath != "" {
		return Result{}, false, fmt.Errorf("relay job %s (%s) is %s: stop it first with `streamscale job stop`, which takes a savepoint, then resume", found.ID, s.JobName(), found.State)
	}
	if ok {
		if why := differs(ctx, c, found.ID, s); why != "" {
			fmt.Fprintf(progress, "relay job %s (%s) does not run as asked (%s): cancelling it and submitting a fresh one, which resumes from the consumer group's committed offsets\n", found.ID, s.JobName(), why)
			if _, err := cancelJob(ctx, c, found.ID); err != nil {
				return Result{}, false, fmt.Errorf("replace relay job %s: %w", found.ID, err)
			}
			ok = false
		}
	}
	if ok {
		if found.State == flink.StateRunning {
			fmt.Fprintf(progress, "reusing running relay job %s (%s)\n", found.ID, s.JobName())
		} else {
			fmt.Fprintf(progress, "relay job %s (%s) is %s: waiting until its tasks run\n", found.ID, s.JobName(), found.State)
		}
		err := waitStarted(ctx, c, s, found.ID)
		if err == nil {
			return Result{JobID: found.ID, Reused: true}, true, nil
		}
		cancelled, cerr := cancelJob(ctx, c, found.ID)
		var failed *flink.JobFailedError
		if cerr != nil || ctx.Err() != nil || !errors.As(err, &failed) {
			return Result{}, false, cancelNote(err, cancelled, cerr, found.ID)
		}
		fmt.Fprintf(progress, "relay job %s %s (%s): cancelled it, submitting a fresh one\n", found.ID, failed.State, orNone(failed.Cause))
	}
	return Result{}, false, nil
}

// submitFresh uploads the jar and submits a new job for s (after checking the jar, the free
// slots and, for a secured connection, writing its client config), then waits until its tasks
// run; a job that does not get there is cancelled.
func submitFresh(ctx context.Context, c *flink.Client, s Spec, progress io.Writer) (Result, error) {
	if err := s.checkJar(); err != nil {
		return Result{}, err
	}
	if err := CheckSlots(ctx, c, s, progress); err != nil {
		return Result{}, err
	}
	if s.Secured && s.KafkaPropertiesFile == "" {
		path, remove, err := s.ClientConfig()
		if err != nil {
			return Result{}, fmt.Errorf("relay job client config: %w", err)
		}
		// The job reads the file while Flink builds it, before RunJar returns.
		defer remove()
		s.KafkaPropertiesFile = path
	}
	fmt.Fprintf(progress, "uploading %s\n", s.JarPath)
	jarID, err := c.UploadJar(ctx, s.JarPath)
	if err != nil {
		return Result{}, err
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelTimeout)
		defer cancel()
		_ = c.DeleteJar(dctx, jarID)
	}()
	if s.SavepointPath != "" {
		fmt.Fprintf(progress, "starting from %s\n", s.SavepointPath)
	}
	jobID, err := c.RunJar(ctx, jarID, flink.RunRequest{
		EntryClass:      s.MainClass(),
		ProgramArgsList: s.ProgramArgs(),
		Parallelism:     s.Parallelism,
		SavepointPath:   s.SavepointPath,
	})
	if err != nil {
		return Result{}, fmt.Errorf("start %s job: %w", s.Job.OrDefault(), err)
	}
	fmt.Fprintf(progress, "submitted %s job %s (parallelism %d), waiting for its tasks\n", s.Job.OrDefault(), jobID, s.Parallelism)
	if err := waitStarted(ctx, c, s, jobID); err != nil {
		cancelled, cerr := cancelJob(ctx, c, jobID)
		return Result{}, cancelNote(err, cancelled, cerr, jobID)
	}
	return Result{JobID: jobID}, nil
}

// waitStarted waits until all of the job's tasks run, for at most s.StartTimeout (default
// 2m), and says what went wrong if they do not.
func waitStarted(ctx context.Context, c *flink.Client, s Spec, jobID string) error {
	timeout := s.StartTimeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := c.WaitRunning(wctx, jobID)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("stopped waiting for relay job %s to run: %w", jobID, err)
	case wctx.Err() != nil:
		return fmt.Errorf("relay job %s not running after %s (free slots? see `streamscale local status`): %w", jobID, timeout, err)
	default:
		return fmt.Errorf("relay job did not start: %w", err)
	}
}

// cancelJob cancels a job that did not start and waits until Flink has stopped it, on a
// context of its own (ctx may have ended with a Ctrl-C) bounded by cancelTimeout. cancelled is
// false when the job had already ended (e.g. FAILED) and there was nothing to cancel.
func cancelJob(ctx context.Context, c *flink.Client, jobID string) (cancelled bool, err error) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelTimeout)
	defer cancel()
	if err := c.Cancel(cctx, jobID); err != nil {
		// Flink refuses to cancel a job that has already reached a terminal state.
		if d, jerr := c.Job(cctx, jobID); jerr == nil && d.State.IsTerminal() {
			return false, nil
		}
		return false, err
	}
	if _, err := c.WaitTerminal(cctx, jobID); err != nil {
		return true, err
	}
	return true, nil
}

// cancelNote adds to err what became of the job: cancelled, or still there to cancel by hand.
func cancelNote(err error, cancelled bool, cerr error, jobID string) error {
	switch {
	case cerr != nil:
		return fmt.Errorf("%w; cancelling the job failed too (%v): cancel it with `streamscale job cancel %s`", err, cerr, jobID)
	case cancelled:
		return fmt.Errorf("%w; cancelled the job", err)
	default:
		return err
	}
}

func orNone(cause string) string {
	if cause == "" {
		return "no exception recorded"
	}
	return cause
}

// Find returns the relay job for s that has not ended (see Ensure), preferring a RUNNING one,
// else the one started last; ok is false when there is none. A job of that name that reads
// other brokers than s.Brokers (the job shows its own as a global job parameter) is another
// cluster's relay and not found; with s.Brokers empty, or a job that does not show them, the
// name decides.
func Find(ctx context.Context, c *flink.Client, s Spec) (job flink.JobSummary, ok bool, err error) {
	jobs, err := c.Jobs(ctx)
	if err != nil {
		return flink.JobSummary{}, false, fmt.Errorf("list Flink jobs: %w", err)
	}
	for _, j := range jobs {
		if j.Name != s.JobName() || !live(j.State) || !sameBrokers(ctx, c, j.ID, s.Brokers) {
			continue
		}
		if !ok || better(j, job) {
			job, ok = j, true
		}
	}
	return job, ok, nil
}

// replaceOther cancels the other kind of job (the complex job when s is the relay, and the
// other way round) that runs for s's topics and brokers: both would write the output topic,
// and neither verification could tell their records apart.
func replaceOther(ctx context.Context, c *flink.Client, s Spec, progress io.Writer) error {
	other := s
	other.Job = JobComplex
	if s.Job.OrDefault() == JobComplex {
		other.Job = JobRelay
	}
	found, ok, err := Find(ctx, c, other)
	if err != nil || !ok {
		return err
	}
	// s is then submitted: without its jar, leave the other job running.
	if err := s.checkJar(); err != nil {
		return err
	}
	fmt.Fprintf(progress, "the %s job %s (%s) writes the same output topic: cancelling it, as one job runs per topic pair\n", other.Job, found.ID, other.JobName())
	if _, err := cancelJob(ctx, c, found.ID); err != nil {
		return fmt.Errorf("cancel the %s job %s: %w", other.Job, found.ID, err)
	}
	return nil
}

// paramBootstrapServers is the relay job's global job parameter with its brokers
// (RelayJob.JOB_PARAM_BOOTSTRAP_SERVERS).
const paramBootstrapServers = "bootstrap-servers"

// differs says why job jobID does not run the way s asks (guarantee, de-duplication), ""
// when it does or cannot be asked (the name and brokers then decide).
func differs(ctx context.Context, c *flink.Client, jobID string, s Spec) string {
	params, err := c.JobUserConfig(ctx, jobID)
	if err != nil {
		return ""
	}
	return settingsDiffer(params, s)
}

// sameBrokers reports whether job jobID may read brokers: false only when the job shows other
// ones. (A job that cannot be asked, e.g. one ending right now, is left to the name.)
func sameBrokers(ctx context.Context, c *flink.Client, jobID, brokers string) bool {
	if brokers == "" {
		return true
	}
	params, err := c.JobUserConfig(ctx, jobID)
	if err != nil {
		return true
	}
	theirs, shown := params[paramBootstrapServers]
	return !shown || theirs == brokers
}

// live reports whether a job in this state runs or may still run: not ended, nor being
// cancelled, nor suspended.
func live(s flink.JobState) bool {
	return !s.IsTerminal() && s != flink.StateCancelling && s != flink.StateSuspended
}

// better reports whether a is a better relay to reuse than b: running, else started later.
func better(a, b flink.JobSummary) bool {
	if (a.State == flink.StateRunning) != (b.State == flink.StateRunning) {
		return a.State == flink.StateRunning
	}
	return a.StartTime > b.StartTime
}

// checkJar says the job's jar is missing before anything is submitted or cancelled for it.
func (s Spec) checkJar() error {
	if _, err := os.Stat(s.JarPath); err != nil {
		return fmt.Errorf("relay job jar %s not found: run `make build` or pass --job-jar", s.JarPath)
	}
	return nil
}
