// Package relay submits the Flink relay job (jvm/relay-job) through the Flink REST API, or
// finds the copy that already runs or is starting, so that repeated runs never start a twin.
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

// ComplexEntryClass is the complex job's main class, in the same jar as the relay.
const ComplexEntryClass = "io.streamscale.tags.ComplexJob"

// Job is which Flink job runs between the topics: the relay or the sample's complex event
// processing.
type Job string

// The jobs.
const (
	// JobRelay copies each event to the output topic with enqueuedAt and processedAt.
	JobRelay Job = "relay"
	// JobComplex writes per-device tags (the sample's complex-processing job).
	JobComplex Job = "complex"
)

// ParseJob parses a --job value.
func ParseJob(s string) (Job, error) {
	switch j := Job(s); j {
	case JobRelay, JobComplex:
		return j, nil
	}
	return "", fmt.Errorf("unknown job %q: use relay or complex", s)
}

// String is the job's --job spelling.
func (j Job) String() string { return string(j) }

// OrDefault is j, or JobRelay when j is empty.
func (j Job) OrDefault() Job {
	if j == "" {
		return JobRelay
	}
	return j
}

// kind is the job as names say it: JobComplex for the complex job, JobRelay for anything else.
func (s Spec) kind() Job {
	if s.Job.OrDefault() == JobComplex {
		return JobComplex
	}
	return JobRelay
}

// namePrefix starts the Flink job name of a job of kind k (Spec.JobName, JobOfName).
func namePrefix(k Job) string { return "streamscale-" + string(k) + " " }

// Spec says how to run the relay job.
type Spec struct {
	// JarPath is the job jar (default: build/jobs/relay-job.jar next to the binary).
	JarPath string
	// Brokers is the bootstrap list the job itself uses (it may differ from the CLI's when
	// Flink runs elsewhere).
	Brokers string
	// OutputBrokers, when set, is where the output and dead-letter topics are (another
	// cluster, e.g. Azure's second Event Hubs namespace); default Brokers.
	OutputBrokers string
	// InTopic, OutTopic and DeadLetterTopic are the topics the job reads and writes.
	InTopic, OutTopic, DeadLetterTopic string
	// Parallelism of the job (default: the input topic's partition count, set by the caller).
	Parallelism int
	// CheckpointInterval (default 10s). Under ExactlyOnce it is also the output's latency: a
	// transaction commits on each checkpoint.
	CheckpointInterval time.Duration
	// Job is which job runs (default JobRelay).
	Job Job
	// Guarantee is the delivery guarantee (default AtLeastOnce).
	Guarantee Guarantee
	// DedupWindow, when positive, turns on the sample's de-duplication: an event whose eventId
	// is among its device's last DedupWindow is dropped (0: off, a pure relay).
	DedupWindow int
	// TransactionTimeout is the Kafka transaction timeout under ExactlyOnce (0: the job's
	// default, DefaultTransactionTimeout).
	TransactionTimeout time.Duration
	// CheckpointDir is where checkpoints go, a URI such as file:///abs/path (default: the
	// cluster's execution.checkpointing.dir). The job retains them on cancellation.
	CheckpointDir string
	// Restart is the restart strategy (zero: the cluster's).
	Restart Restart
	// MaxRecordBytes bounds an output record; larger ones go to the dead-letter topic (0: the
	// job's default, 1,048,000; EventHubsMaxRecordBytes against Event Hubs).
	MaxRecordBytes int
	// BufferTimeout is how long a network buffer between two of the job's tasks waits to fill
	// before it is sent (Flink's execution.buffer-timeout.interval; 0 sends every record at
	// once); nil: the job's default, 5 ms. Only the de-duplication's keyBy has such an exchange.
	BufferTimeout *time.Duration
	// Linger is the sink producer's linger.ms; nil: the job's default, 0.
	Linger *time.Duration
	// SavepointPath, when set, starts the job from this savepoint or retained checkpoint
	// (state that no operator of the job claims is refused, not dropped).
	SavepointPath string
	// StartTimeout bounds the wait for all tasks to run (default 2m).
	StartTimeout time.Duration
	// Secured says the CLI reaches Kafka over TLS, SASL or Event Hubs. The job then needs
	// those settings (secrets included) in a Kafka client properties file, never in its
	// arguments, which Flink shows: KafkaPropertiesFile, or one ClientConfig writes.
	Secured bool
	// KafkaPropertiesFile is a Kafka Java client properties file with the connection's
	// security settings, by its path where the Flink JobManager runs (the job reads it when it
	// is submitted); passed as --kafka-properties-file.
	KafkaPropertiesFile string
	// OutputKafkaPropertiesFile is the output cluster's properties file, with OutputBrokers
	// (default KafkaPropertiesFile); passed as --output-kafka-properties-file.
	OutputKafkaPropertiesFile string
	// ClientConfig, for a Secured spec without KafkaPropertiesFile, writes the connection's
	// settings into a file the JobManager can read (the local stack shares this machine's
	// files) and returns its path and a function that removes it; Ensure removes it once the
	// job is submitted.
	ClientConfig func() (path string, remove func(), err error)
	// FixedSlots says the cluster's slots do not grow on demand (the local stack): Ensure then
	// refuses at once, with a *SlotsError, when fewer than Parallelism are free, instead of
	// waiting out StartTimeout for slots that never come.
	FixedSlots bool
	// SlotWait bounds the wait for free slots on a FixedSlots cluster (default 10s).
	SlotWait time.Duration
}

// JobName is the Flink job name for a job and topic pair; a running job with this name is
// reused.
func (s Spec) JobName() string {
	return namePrefix(s.kind()) + s.InTopic + "->" + s.OutTopic
}

// MainClass is the entry class of s.Job in the job jar.
func (s Spec) MainClass() string {
	if s.Job.OrDefault() == JobComplex {
		return ComplexEntryClass
	}
	return EntryClass
}

// ProgramArgs are the job's command-line arguments.
func (s Spec) ProgramArgs() []string {
	ci := s.CheckpointInterval
	if ci <= 0 {
		ci = 10 * time.Second
	}
	args := []string{
		"--bootstrap-servers", s.Brokers,
		"--input-topic", s.InTopic,
		"--output-topic", s.OutTopic,
		"--dead-letter-topic", s.DeadLetterTopic,
		"--checkpoint-interval-ms", strconv.FormatInt(ci.Milliseconds(), 10),
		"--job-name", s.JobName(),
	}
	args = append(args, s.guaranteeArgs()...)
	if s.KafkaPropertiesFile != "" {
		args = append(args, "--kafka-properties-file", s.KafkaPropertiesFile)
	}
	if s.OutputBrokers != "" {
		args = append(args, "--output-bootstrap-servers", s.OutputBrokers)
	}
	if s.OutputKafkaPropertiesFile != "" {
		args = append(args, "--output-kafka-properties-file", s.OutputKafkaPropertiesFile)
	}
	return args
}

// DefaultJarPath is build/jobs/relay-job.jar under the build directory.
func DefaultJarPath(buildDir string) string { return filepath.Join(buildDir, "jobs", "relay-job.jar") }

// Result says which job runs the relay and whether it was already there.
type Result struct {
	JobID  string
	Reused bool
}

// ErrSecuredKafka refuses a relay job for a Kafka reached over TLS, SASL or Event Hubs on a
// Flink cluster that does not share this machine's files, when no properties file is given:
// with only --bootstrap-servers the job would run and read nothing.
var ErrSecuredKafka = errors.New("the relay job needs the secured connection's settings in a file the Flink JobManager can read: " +
	"pass --job-kafka-properties-file with Kafka Java client properties (security.protocol, sasl.*, ssl.*) at a path valid on the JobManager")

// CheckConnection returns ErrSecuredKafka when the job could not connect the way the CLI
// does: s.Secured without a properties file or a way to write one.
func (s Spec) CheckConnection() error {
	if s.Secured && s.KafkaPropertiesFile == "" && s.ClientConfig == nil {
		return ErrSecuredKafka
	}
	return nil
}

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
	found, ok, err := Find(ctx, c, s)
	if err != nil {
		return Result{}, err
	}
	if ok && s.SavepointPath != "" {
		return Result{}, fmt.Errorf("relay job %s (%s) is %s: stop it first with `streamscale job stop`, which takes a savepoint, then resume", found.ID, s.JobName(), found.State)
	}
	if ok {
		if why := differs(ctx, c, found.ID, s); why != "" {
			fmt.Fprintf(progress, "relay job %s (%s) does not run as asked (%s): cancelling it and submitting a fresh one, which resumes from the consumer group's committed offsets\n", found.ID, s.JobName(), why)
			if _, err := cancelJob(ctx, c, found.ID); err != nil {
				return Result{}, fmt.Errorf("replace relay job %s: %w", found.ID, err)
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
			return Result{JobID: found.ID, Reused: true}, nil
		}
		cancelled, cerr := cancelJob(ctx, c, found.ID)
		var failed *flink.JobFailedError
		if cerr != nil || ctx.Err() != nil || !errors.As(err, &failed) {
			return Result{}, cancelNote(err, cancelled, cerr, found.ID)
		}
		fmt.Fprintf(progress, "relay job %s %s (%s): cancelled it, submitting a fresh one\n", found.ID, failed.State, orNone(failed.Cause))
	}

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
