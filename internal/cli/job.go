package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
)

func newJobCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "job",
		Short: "Submit, list, stop, resume and cancel the Flink relay job",
	}
	cmd.AddCommand(newJobSubmitCmd(f, nil), newJobListCmd(f, nil), newJobCancelCmd(f, nil), newJobStopCmd(f, nil), newJobResumeCmd(f, nil))
	return cmd
}

// jobFlags are the relay job's settings, shared by `job submit`, `job resume`, `run` and
// `bench relay`.
type jobFlags struct {
	jar                string
	brokers            string
	parallelism        int
	checkpointInterval time.Duration
	startTimeout       time.Duration
	// kafkaProperties is --job-kafka-properties-file.
	kafkaProperties    string
	guarantee          string
	dedup              bool
	dedupWindow        int
	restartStrategy    string
	restartAttempts    int
	restartDelay       time.Duration
	checkpointDir      string
	transactionTimeout time.Duration
	// bufferTimeout and linger are --buffer-timeout and --linger, passed to the job only when
	// given.
	bufferTimeout, linger time.Duration
	// job is --job: relay (default) or complex; `job submit`, `job resume` and `run` have the
	// flag.
	job string
	// fs is the command's flag set, to tell defaults from values given.
	fs *pflag.FlagSet
}

func newJobFlags() *jobFlags {
	d := relay.DefaultOptions(local.BuildDir())
	return &jobFlags{jar: d.JarPath, startTimeout: d.StartTimeout, guarantee: d.Guarantee, dedupWindow: d.DedupWindow}
}

func (j *jobFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	j.fs = fs
	fs.StringVar(&j.jar, "job-jar", j.jar, "the relay job jar built by make build")
	fs.StringVar(&j.brokers, "job-brokers", "", "bootstrap servers as the Flink job sees them (default: --brokers)")
	fs.IntVar(&j.parallelism, "parallelism", 0, "relay job parallelism (default: the input topic's partition count)")
	fs.StringVar(&j.guarantee, "guarantee", j.guarantee, "delivery guarantee: at-least-once (after a failure records since the last checkpoint are written again), "+
		"exactly-once (a Kafka transaction per checkpoint; read_committed readers see each record once, up to one checkpoint interval later; not on Event Hubs), "+
		"none (no checkpoints: a failure may lose or repeat records; for raw speed)")
	fs.BoolVar(&j.dedup, "dedup", false, "the sample's de-duplication: drop an event whose eventId is among its device's last --dedup-window (default off: a pure relay, the generator's duplicates reach the output)")
	fs.IntVar(&j.dedupWindow, "dedup-window", j.dedupWindow, "with --dedup: the eventIds remembered per device")
	fs.DurationVar(&j.checkpointInterval, "checkpoint-interval", 0, "relay job checkpoint interval (default 1s with --guarantee exactly-once, whose output waits for it; 10s otherwise)")
	fs.StringVar(&j.checkpointDir, "checkpoint-dir", "", "where the job's checkpoints go, a URI like file:///path or an absolute path; retained when the job is cancelled "+
		"(default on the local stack: <home>/flink/checkpoints/<relay>; elsewhere the cluster's execution.checkpointing.dir)")
	fs.StringVar(&j.restartStrategy, "restart-strategy", "", "after a failure: exponential-delay (default: 1s doubling up to 60s, never giving up), fixed-delay or none (the job fails at its first error)")
	fs.IntVar(&j.restartAttempts, "restart-attempts", 0, "with --restart-strategy fixed-delay: restarts before the job fails (default 10)")
	fs.DurationVar(&j.restartDelay, "restart-delay", 0, "with --restart-strategy fixed-delay: the pause before each restart (default 1s)")
	fs.DurationVar(&j.transactionTimeout, "transaction-timeout", 0, "with exactly-once: the Kafka transaction timeout, above the checkpoint interval plus a restart and at most the broker's transaction.max.timeout.ms (default 10m)")
	fs.DurationVar(&j.startTimeout, "job-start-timeout", j.startTimeout, "how long to wait for all the job's tasks to run")
	j.addTuning(fs)
	fs.StringVar(&j.kafkaProperties, "job-kafka-properties-file", "", "Kafka Java client properties (security.protocol, sasl.*, ssl.*) for the relay job to reach a secured Kafka, by its path on the Flink JobManager (default with TLS/SASL/Event Hubs on the local Flink: written from the connection flags for the submission, then removed)")
}

// addTuning adds the flags that trade latency against CPU: --buffer-timeout and --job-linger.
func (j *jobFlags) addTuning(fs *pflag.FlagSet) {
	j.fs = fs
	fs.DurationVar(&j.bufferTimeout, "buffer-timeout", 5*time.Millisecond, "how long a network buffer between two of the job's tasks waits to fill before it is sent "+
		"(Flink's execution.buffer-timeout.interval, 100ms by default; 0: every record at once); only --dedup's keyBy has such an exchange, the plain relay is one chain")
	fs.DurationVar(&j.linger, "job-linger", 0, "the relay's Kafka sink linger.ms: how long a batch waits for more records before it is sent (higher: fewer, larger produce requests, more latency)")
}

// addJob adds --job, which picks the job to run: the relay or the complex event processing.
func (j *jobFlags) addJob(cmd *cobra.Command) {
	cmd.Flags().StringVar(&j.job, "job", string(relay.JobRelay), "which Flink job runs between the topics: relay (each event copied with enqueuedAt and processedAt) "+
		"or complex (the sample's complex event processing: per-device tags from keyed state and event-time timers)")
}

// changed reports whether the user gave flag name.
func (j *jobFlags) changed(name string) bool { return j.fs != nil && j.fs.Changed(name) }

// options are the flags as the relay's options, which relay validates and turns into a spec.
func (j *jobFlags) options() relay.Options {
	return relay.Options{
		JarPath: j.jar, Brokers: j.brokers, Parallelism: j.parallelism, CheckpointInterval: j.checkpointInterval,
		StartTimeout: j.startTimeout, KafkaPropertiesFile: j.kafkaProperties, Guarantee: j.guarantee,
		Dedup: j.dedup, DedupWindow: j.dedupWindow, RestartStrategy: j.restartStrategy,
		RestartAttempts: j.restartAttempts, RestartDelay: j.restartDelay, CheckpointDir: j.checkpointDir,
		TransactionTimeout: j.transactionTimeout, BufferTimeout: j.bufferTimeout, Linger: j.linger,
		Job: j.job, Given: j.changed,
	}
}

// validate checks the job flags on their own (before anything starts): a usage error that
// names the flag.
func (j *jobFlags) validate() error {
	if err := j.options().Validate(); err != nil {
		return flagErrorf(err)
	}
	return nil
}

// checkedConn validates the job flags, makes the connection from cf and checks the flags
// against the Kafka the job writes to.
func (j *jobFlags) checkedConn(cf *connFlags) (kafkaconn.Conn, error) {
	if err := j.validate(); err != nil {
		return kafkaconn.Conn{}, err
	}
	c, err := cf.conn()
	if err != nil {
		return kafkaconn.Conn{}, err
	}
	if err := j.options().CheckTarget(c); err != nil {
		return kafkaconn.Conn{}, flagErrorf(err)
	}
	return c, nil
}

// specFor is spec for the cluster cf points at: on the local stack's Flink it is completed as
// run completes it (pipeline.OnLocalFlink).
func (j *jobFlags) specFor(cf *connFlags, conn kafkaconn.Conn, topics *topicFlags, partitions int32) relay.Spec {
	return cf.completeSpec(conn)(j.spec(conn, topics, partitions))
}

// spec builds the relay job spec (relay.Options.Spec); parallelism defaults to the partition
// count.
func (j *jobFlags) spec(conn kafkaconn.Conn, topics *topicFlags, partitions int32) relay.Spec {
	return j.options().Spec(conn, topics.relayTopics(), partitions)
}

// jobSubmitOptions are `job submit`'s flags.
type jobSubmitOptions struct {
	conn          *connFlags
	topics        *topicFlags
	job           *jobFlags
	fromSavepoint string
}

func newJobSubmitCmd(f *Factory, runF func(context.Context, *jobSubmitOptions) error) *cobra.Command {
	opts := &jobSubmitOptions{conn: newConnFlags(f), topics: newTopicFlags(), job: newJobFlags()}
	conn, topics, job := opts.conn, opts.topics, opts.job
	cmd := &cobra.Command{
		Use:   "submit",
		Short: "Upload and run the relay job, or report the one already running",
		Long: `Upload the relay job jar to Flink and run it reading --in-topic and writing --out-topic, then
wait until all its tasks run. The three topics must exist (streamscale topics create).

A relay job for the same topics and brokers that runs or is still starting is reused once all
its tasks run; one that fails or restarts instead is cancelled and a fresh one submitted. A job
that does not start (it fails, restarts, --job-start-timeout passes, or Ctrl-C) is cancelled,
and Flink's exception is shown. On the local stack a job needs as many free task slots as its
parallelism, or it is refused at once.

With --tls, --sasl-mechanism or an Event Hubs connection string the job gets the connection's
settings in a Kafka client properties file, never in its arguments: on the local Flink it is
written from these flags for the submission and removed afterwards; for another Flink, name a
file on its JobManager with --job-kafka-properties-file.

A relay that runs with another --guarantee or --dedup than asked is cancelled and replaced; the
new one resumes from the consumer group's committed offsets. --from-savepoint starts the relay
from a savepoint (see job stop) or a retained checkpoint; a relay that already runs is then
refused: stop it first.`,
		Example: `  streamscale job submit
  streamscale job submit --guarantee exactly-once
  streamscale job submit --dedup --dedup-window 100
  streamscale job submit --job complex
  streamscale job submit --from-savepoint last
  streamscale job submit --parallelism 4 --brokers kafka:9092 --flink-url http://flink:8081`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.fromSavepoint != "" && opts.fromSavepoint != relay.LastSavepoint {
				uri, err := relay.CheckpointURI(opts.fromSavepoint)
				if err != nil {
					return flagErrorf(fmt.Errorf("--from-savepoint: %w", err))
				}
				opts.fromSavepoint = uri
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return submitRelay(cmd.Context(), f, conn, topics, job, func(ctx context.Context, fc *flink.Client, s relay.Spec) (string, error) {
				return resolveSavepoint(ctx, f, fc, conn, s, opts.fromSavepoint)
			})
		},
	}
	conn.addKafka(cmd.Flags())
	conn.addFlink(cmd.Flags())
	topics.addNames(cmd.Flags())
	job.add(cmd)
	job.addJob(cmd)
	cmd.Flags().StringVar(&opts.fromSavepoint, "from-savepoint", "", "start from this savepoint or retained checkpoint (a path or URI), or \"last\": the newest one job stop recorded or Flink retained (see job resume)")
	return cmd
}

// submitRelay is `job submit` and `job resume`: check the flags, then relay.Submit (the
// topics, then the job), started from the path savepoint returns ("" for none).
func submitRelay(ctx context.Context, f *Factory, conn *connFlags, topics *topicFlags, job *jobFlags,
	savepoint func(context.Context, *flink.Client, relay.Spec) (string, error)) error {
	c, err := job.checkedConn(conn)
	if err != nil {
		return err
	}
	res, err := relay.Submit(ctx, relay.Submission{
		Options: job.options(), Topics: topics.relayTopics(), Kafka: c,
		Flink:     func() (*flink.Client, error) { return newFlinkClient(conn) },
		Complete:  conn.completeSpec(c),
		Savepoint: savepoint,
		Progress:  f.IO.ErrOut,
	})
	if err != nil {
		return usageOf(err)
	}
	fmt.Fprintln(f.IO.Out, res.JobID)
	return nil
}

// jobListOptions are `job list`'s flags.
type jobListOptions struct{ conn *connFlags }

func newJobListCmd(f *Factory, runF func(context.Context, *jobListOptions) error) *cobra.Command {
	opts := &jobListOptions{conn: newConnFlags(f)}
	conn := opts.conn
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the Flink cluster's jobs with their last savepoint and checkpoint",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return jobListRun(cmd.Context(), f, opts)
		},
	}
	conn.addFlink(cmd.Flags())
	cmd.Flags().StringVar(&conn.home, "home", conn.home, "state directory of the local stack (env STREAMSCALE_HOME)")
	return cmd
}

// jobCancelOptions are `job cancel`'s flags and argument.
type jobCancelOptions struct {
	conn     *connFlags
	topics   *topicFlags
	kind, id string
}

func newJobCancelCmd(f *Factory, runF func(context.Context, *jobCancelOptions) error) *cobra.Command {
	opts := &jobCancelOptions{conn: newConnFlags(f), topics: newTopicFlags()}
	conn, topics := opts.conn, opts.topics
	cmd := &cobra.Command{
		Use:   "cancel [JOB-ID]",
		Short: "Cancel a job (default: the relay or complex job for --in-topic/--out-topic, running or starting)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.id = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return jobCancelRun(cmd.Context(), f, opts)
		},
	}
	conn.addFlink(cmd.Flags())
	cmd.Flags().StringVar(&conn.home, "home", conn.home, "state directory of the local stack (env STREAMSCALE_HOME)")
	topics.addNames(cmd.Flags())
	addJobKind(cmd, &opts.kind)
	return cmd
}

func jobListRun(ctx context.Context, f *Factory, opts *jobListOptions) error {
	fc, err := newFlinkClient(opts.conn)
	if err != nil {
		return err
	}
	jobs, err := fc.Jobs(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB ID\tSTATE\tNAME\tLAST SAVEPOINT\tLAST CHECKPOINT")
	for _, j := range jobs {
		sp, cp := relay.LastStates(ctx, fc, local.JobsDir(opts.conn.home), j)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", j.ID, j.State, j.Name, sp, cp)
	}
	return tw.Flush()
}

func jobCancelRun(ctx context.Context, f *Factory, opts *jobCancelOptions) error {
	fc, err := newFlinkClient(opts.conn)
	if err != nil {
		return err
	}
	id := opts.id
	if id == "" {
		found, _, err := relay.ForTopics(ctx, fc, opts.topics.in, opts.topics.out, opts.kind)
		if err != nil {
			return usageOf(err)
		}
		id = found.ID
	}
	if err := fc.Cancel(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "cancelled %s\n", id)
	return nil
}

func newFlinkClient(conn *connFlags) (*flink.Client, error) { return conn.flinkClient() }
