package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

func newJobCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "job",
		Short: "Submit, list, stop, resume and cancel the Flink relay job",
	}
	cmd.AddCommand(newJobSubmitCmd(f), newJobListCmd(f), newJobCancelCmd(f), newJobStopCmd(f), newJobResumeCmd(f))
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

// Checkpoint intervals when --checkpoint-interval is not given: under exactly-once the output
// waits for the checkpoint that commits its transaction, so the interval is short.
const (
	defaultCheckpointInterval            = 10 * time.Second
	defaultExactlyOnceCheckpointInterval = time.Second
)

func newJobFlags() *jobFlags {
	return &jobFlags{
		jar: relay.DefaultJarPath(local.BuildDir()), startTimeout: 2 * time.Minute,
		guarantee: string(relay.AtLeastOnce), dedupWindow: 100,
	}
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

// maxTransactionTimeout is Kafka's default transaction.max.timeout.ms (the local stack keeps
// it): a longer transaction timeout is refused by the broker when the job starts.
const maxTransactionTimeout = 15 * time.Minute

// validate checks the job flags on their own (before anything starts) and returns a usage
// error that names the flag.
func (j *jobFlags) validate() error {
	g, err := relay.ParseGuarantee(j.guarantee)
	if err != nil {
		return flagErrorf(fmt.Errorf("--guarantee: %w", err))
	}
	kind, err := relay.ParseJob(relay.Job(j.job).OrDefault().String())
	if err != nil {
		return flagErrorf(fmt.Errorf("--job: %w", err))
	}
	switch {
	case kind == relay.JobComplex && (j.dedup || j.changed("dedup-window")):
		return flagErrorf(errors.New("--dedup is for the relay: the complex job ignores a device's buffered duplicates itself; drop --dedup or use --job relay"))
	case j.dedup && j.dedupWindow < 1:
		return flagErrorf(fmt.Errorf("--dedup-window: %d must be at least 1", j.dedupWindow))
	case !j.dedup && j.changed("dedup-window"):
		return flagErrorf(errors.New("--dedup-window needs --dedup"))
	case j.changed("checkpoint-interval") && j.checkpointInterval < 10*time.Millisecond:
		return flagErrorf(fmt.Errorf("--checkpoint-interval: %s is below Flink's minimum of 10ms", j.checkpointInterval))
	case g == relay.None && j.changed("checkpoint-interval"):
		return flagErrorf(errors.New("--checkpoint-interval: --guarantee none takes no checkpoints"))
	case g != relay.ExactlyOnce && j.changed("transaction-timeout"):
		return flagErrorf(errors.New("--transaction-timeout needs --guarantee exactly-once"))
	case g == relay.ExactlyOnce && !j.changed("transaction-timeout") && j.interval() >= relay.DefaultTransactionTimeout:
		return flagErrorf(fmt.Errorf("--checkpoint-interval: %s is not below the transaction timeout (%s), so no transaction could commit: shorten it", j.interval(), relay.DefaultTransactionTimeout))
	case j.changed("transaction-timeout") && (j.transactionTimeout <= j.interval() || j.transactionTimeout > maxTransactionTimeout):
		return flagErrorf(fmt.Errorf("--transaction-timeout: %s must be above the checkpoint interval (%s) and at most Kafka's transaction.max.timeout.ms (%s)", j.transactionTimeout, j.interval(), maxTransactionTimeout))
	case j.dedup && j.dedupWindow > relay.MaxDedupWindow:
		return flagErrorf(fmt.Errorf("--dedup-window: %d is above the job's limit of %d", j.dedupWindow, relay.MaxDedupWindow))
	case j.changed("restart-attempts") && j.restartAttempts < 1:
		return flagErrorf(fmt.Errorf("--restart-attempts: %d must be at least 1", j.restartAttempts))
	case j.restartDelay < 0:
		return flagErrorf(fmt.Errorf("--restart-delay: %s is negative", j.restartDelay))
	case j.bufferTimeout < 0 || j.bufferTimeout > time.Minute:
		return flagErrorf(fmt.Errorf("--buffer-timeout: %s must be between 0 and 1m", j.bufferTimeout))
	case j.linger < 0 || j.linger > time.Minute:
		return flagErrorf(fmt.Errorf("--job-linger: %s must be between 0 and 1m", j.linger))
	}
	if j.restartStrategy != "" {
		if _, err := relay.ParseRestartStrategy(j.restartStrategy); err != nil {
			return flagErrorf(fmt.Errorf("--restart-strategy: %w", err))
		}
	}
	if (j.changed("restart-attempts") || j.changed("restart-delay")) && relay.RestartStrategy(j.restartStrategy) != relay.RestartFixedDelay {
		return flagErrorf(errors.New("--restart-attempts and --restart-delay need --restart-strategy fixed-delay"))
	}
	if _, err := checkpointURI(j.checkpointDir); err != nil {
		return flagErrorf(fmt.Errorf("--checkpoint-dir: %w", err))
	}
	return nil
}

// errExactlyOnceEventHubs refuses exactly-once against Event Hubs.
var errExactlyOnceEventHubs = pipeline.ErrExactlyOnceEventHubs

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
	return c, j.checkTarget(c)
}

// checkTarget checks the job flags against the Kafka the job writes to.
func (j *jobFlags) checkTarget(conn kafkaconn.Conn) error {
	if conn.EventHubs && relay.Guarantee(j.guarantee) == relay.ExactlyOnce {
		return flagErrorf(errExactlyOnceEventHubs)
	}
	return nil
}

// interval is the checkpoint interval: the flag's, else the guarantee's default.
func (j *jobFlags) interval() time.Duration {
	if j.checkpointInterval > 0 {
		return j.checkpointInterval
	}
	if relay.Guarantee(j.guarantee) == relay.ExactlyOnce {
		return defaultExactlyOnceCheckpointInterval
	}
	return defaultCheckpointInterval
}

// checkpointURI turns an absolute path into a file:// URI and checks that anything else is a
// URI with a scheme ("" stays "": the default).
func checkpointURI(dir string) (string, error) {
	switch {
	case dir == "":
		return "", nil
	case filepath.IsAbs(dir):
		return "file://" + filepath.Clean(dir), nil
	case strings.Contains(dir, "://"):
		return dir, nil
	}
	return "", fmt.Errorf("%q is neither an absolute path nor a URI like file:///path or s3://bucket/path", dir)
}

// specFor is spec for the cluster cf points at: on the local stack's Flink it is completed as
// run completes it (pipeline.OnLocalFlink).
func (j *jobFlags) specFor(cf *connFlags, conn kafkaconn.Conn, topics *topicFlags, partitions int32) relay.Spec {
	s := j.spec(conn, topics, partitions)
	if cf.localFlink() {
		s = pipeline.OnLocalFlink(s, conn, cf.home)
	}
	return s
}

// spec builds the relay job spec; parallelism defaults to the partition count.
func (j *jobFlags) spec(conn kafkaconn.Conn, topics *topicFlags, partitions int32) relay.Spec {
	brokers := j.brokers
	if brokers == "" {
		brokers = joinBrokers(conn.Brokers)
	}
	p := j.parallelism
	if p <= 0 {
		p = int(partitions)
	}
	s := relay.Spec{
		JarPath: j.jar, Brokers: brokers, InTopic: topics.in, OutTopic: topics.out,
		DeadLetterTopic: topics.deadLetterTopic(), Parallelism: p,
		CheckpointInterval: j.interval(), StartTimeout: j.startTimeout,
		Secured: secured(conn), KafkaPropertiesFile: j.kafkaProperties,
		Job: relay.Job(j.job).OrDefault(), Guarantee: relay.Guarantee(j.guarantee), TransactionTimeout: j.transactionTimeout,
		Restart: relay.Restart{Strategy: relay.RestartStrategy(j.restartStrategy), Attempts: j.restartAttempts, Delay: j.restartDelay},
	}
	if j.dedup {
		s.DedupWindow = j.dedupWindow
	}
	if j.changed("buffer-timeout") {
		s.BufferTimeout = &j.bufferTimeout
	}
	if j.changed("job-linger") {
		s.Linger = &j.linger
	}
	s.CheckpointDir, _ = checkpointURI(j.checkpointDir) // validate has refused a bad one
	if conn.EventHubs {
		s.MaxRecordBytes = relay.EventHubsMaxRecordBytes
	}
	return s
}

// secured reports whether conn reaches Kafka other than in plaintext, so that the relay job
// needs the connection's settings in a properties file.
func secured(conn kafkaconn.Conn) bool {
	return conn.TLS || conn.SASLMechanism != "" || conn.EventHubs
}

// pipelineTopics checks that the relay's three topics exist and returns the input topic's
// partition count. A missing output or dead-letter topic would not stop the job from starting,
// but send it into a restart loop at its first record.
func pipelineTopics(ctx context.Context, adm *kadm.Client, topics *topicFlags) (int32, error) {
	names := []string{topics.in, topics.out, topics.deadLetterTopic()}
	details, err := adm.ListTopics(ctx, names...)
	if err != nil {
		return 0, fmt.Errorf("look up topics %s: %w", quoteAll(names), err)
	}
	var missing []string
	for _, n := range names {
		d, ok := details[n]
		switch {
		case !ok || errors.Is(d.Err, kerr.UnknownTopicOrPartition):
			if !slices.Contains(missing, n) {
				missing = append(missing, n)
			}
		case d.Err != nil:
			return 0, fmt.Errorf("look up topic %q: %w", n, d.Err)
		}
	}
	create := "streamscale topics create"
	if topics.in != "in" {
		create += " --in-topic " + topics.in
	}
	if topics.out != "out" {
		create += " --out-topic " + topics.out
	}
	if topics.deadLetter != "" {
		create += " --dead-letter-topic " + topics.deadLetter
	}
	switch len(missing) {
	case 0:
		return int32(len(details[topics.in].Partitions)), nil
	case 1:
		return 0, fmt.Errorf("topic %s not found: create it first with `%s`", quoteAll(missing), create)
	default:
		return 0, fmt.Errorf("topics %s not found: create them first with `%s`", quoteAll(missing), create)
	}
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func newJobSubmitCmd(f *Factory) *cobra.Command {
	conn, topics, job := newConnFlags(f), newTopicFlags(), newJobFlags()
	var fromSavepoint string
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
			if fromSavepoint != "" && fromSavepoint != lastSavepoint {
				uri, err := checkpointURI(fromSavepoint)
				if err != nil {
					return flagErrorf(fmt.Errorf("--from-savepoint: %w", err))
				}
				fromSavepoint = uri
			}
			return submitRelay(cmd.Context(), f, conn, topics, job, func(ctx context.Context, fc *flink.Client, s relay.Spec) (string, error) {
				return resolveSavepoint(ctx, f, fc, conn, s, fromSavepoint)
			})
		},
	}
	conn.addKafka(cmd.Flags())
	conn.addFlink(cmd.Flags())
	topics.addNames(cmd.Flags())
	job.add(cmd)
	job.addJob(cmd)
	cmd.Flags().StringVar(&fromSavepoint, "from-savepoint", "", "start from this savepoint or retained checkpoint (a path or URI), or \"last\": the newest one job stop recorded or Flink retained (see job resume)")
	return cmd
}

// submitRelay is `job submit` and `job resume`: check the flags and the topics, then ensure
// the relay runs, started from the path savepoint returns ("" for none).
func submitRelay(ctx context.Context, f *Factory, conn *connFlags, topics *topicFlags, job *jobFlags,
	savepoint func(context.Context, *flink.Client, relay.Spec) (string, error)) error {
	c, err := job.checkedConn(conn)
	if err != nil {
		return err
	}
	if err := job.specFor(conn, c, topics, 0).CheckConnection(); err != nil {
		return err
	}
	var partitions int32
	err = withClient(ctx, conn, func(ctx context.Context, cl *kgo.Client) error {
		partitions, err = pipelineTopics(ctx, kadm.NewClient(cl), topics)
		return err
	})
	if err != nil {
		return err
	}
	fc, err := newFlinkClient(conn)
	if err != nil {
		return err
	}
	spec := job.specFor(conn, c, topics, partitions)
	if spec.SavepointPath, err = savepoint(ctx, fc, spec); err != nil {
		return err
	}
	res, err := relay.Ensure(ctx, fc, spec, f.IO.ErrOut)
	if err != nil {
		return err
	}
	fmt.Fprintln(f.IO.Out, res.JobID)
	return nil
}

func newJobListCmd(f *Factory) *cobra.Command {
	conn := newConnFlags(f)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the Flink cluster's jobs with their last savepoint and checkpoint",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fc, err := newFlinkClient(conn)
			if err != nil {
				return err
			}
			jobs, err := fc.Jobs(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "JOB ID\tSTATE\tNAME\tLAST SAVEPOINT\tLAST CHECKPOINT")
			for _, j := range jobs {
				sp, cp := jobStateColumns(cmd.Context(), fc, conn.home, j)
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", j.ID, j.State, j.Name, sp, cp)
			}
			return tw.Flush()
		},
	}
	conn.addFlink(cmd.Flags())
	cmd.Flags().StringVar(&conn.home, "home", conn.home, "state directory of the local stack (env STREAMSCALE_HOME)")
	return cmd
}

func newJobCancelCmd(f *Factory) *cobra.Command {
	conn, topics := newConnFlags(f), newTopicFlags()
	var kind string
	cmd := &cobra.Command{
		Use:   "cancel [JOB-ID]",
		Short: "Cancel a job (default: the relay or complex job for --in-topic/--out-topic, running or starting)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			fc, err := newFlinkClient(conn)
			if err != nil {
				return err
			}
			id := ""
			if len(args) == 1 {
				id = args[0]
			} else {
				found, _, err := topicsJob(ctx, fc, topics, kind)
				if err != nil {
					return err
				}
				id = found.ID
			}
			if err := fc.Cancel(ctx, id); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.Out, "cancelled %s\n", id)
			return nil
		},
	}
	conn.addFlink(cmd.Flags())
	cmd.Flags().StringVar(&conn.home, "home", conn.home, "state directory of the local stack (env STREAMSCALE_HOME)")
	topics.addNames(cmd.Flags())
	addJobKind(cmd, &kind)
	return cmd
}

func newFlinkClient(conn *connFlags) (*flink.Client, error) {
	u, err := conn.flink()
	if err != nil {
		return nil, err
	}
	c, err := flink.New(u)
	if err != nil {
		return nil, flagErrorf(fmt.Errorf("--flink-url: %w", err))
	}
	return c, nil
}

func joinBrokers(bs []string) string {
	out := ""
	for i, b := range bs {
		if i > 0 {
			out += ","
		}
		out += b
	}
	return out
}
