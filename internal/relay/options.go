package relay

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// Options are the job settings a user asks for (the flags of `job submit`, `job resume`, `run`
// and `bench`), before the cluster and topics are known. The relay package owns them:
// Validate checks them, Spec turns them into the job to run. Errors name the flag.
type Options struct {
	JarPath string
	// Brokers is the bootstrap list as the job sees it ("": the CLI's).
	Brokers string
	// Parallelism <= 0: the input topic's partition count.
	Parallelism int
	// CheckpointInterval 0: 1s under exactly-once (its output waits for it), else 10s.
	CheckpointInterval  time.Duration
	StartTimeout        time.Duration
	KafkaPropertiesFile string
	Guarantee           string
	Dedup               bool
	DedupWindow         int
	RestartStrategy     string
	RestartAttempts     int
	RestartDelay        time.Duration
	CheckpointDir       string
	TransactionTimeout  time.Duration
	// BufferTimeout and Linger reach the job only when given.
	BufferTimeout, Linger time.Duration
	// Job is relay (default) or complex.
	Job string
	// Given reports whether the user gave the setting of the flag named (nil: none was).
	Given func(flag string) bool
}

// Checkpoint intervals when none is given: under exactly-once the output waits for the
// checkpoint that commits its transaction, so the interval is short.
const (
	DefaultCheckpointInterval            = 10 * time.Second
	DefaultExactlyOnceCheckpointInterval = time.Second
)

// MaxTransactionTimeout is Kafka's default transaction.max.timeout.ms (the local stack keeps
// it): a longer transaction timeout is refused by the broker when the job starts.
const MaxTransactionTimeout = 15 * time.Minute

// DefaultOptions are the defaults of the job flags, with the jar under buildDir.
func DefaultOptions(buildDir string) Options {
	return Options{
		JarPath: DefaultJarPath(buildDir), StartTimeout: 2 * time.Minute,
		Guarantee: string(AtLeastOnce), DedupWindow: 100, BufferTimeout: 5 * time.Millisecond,
		Job: string(JobRelay),
	}
}

func (o Options) given(flag string) bool { return o.Given != nil && o.Given(flag) }

// Validate checks the options on their own (before anything starts); the error names the flag.
func (o Options) Validate() error {
	g, err := ParseGuarantee(o.Guarantee)
	if err != nil {
		return fmt.Errorf("--guarantee: %w", err)
	}
	kind, err := ParseJob(Job(o.Job).OrDefault().String())
	if err != nil {
		return fmt.Errorf("--job: %w", err)
	}
	if err := o.checkDedup(kind); err != nil {
		return err
	}
	if err := o.checkCheckpoints(g); err != nil {
		return err
	}
	switch {
	case o.given("restart-attempts") && o.RestartAttempts < 1:
		return fmt.Errorf("--restart-attempts: %d must be at least 1", o.RestartAttempts)
	case o.RestartDelay < 0:
		return fmt.Errorf("--restart-delay: %s is negative", o.RestartDelay)
	case o.BufferTimeout < 0 || o.BufferTimeout > time.Minute:
		return fmt.Errorf("--buffer-timeout: %s must be between 0 and 1m", o.BufferTimeout)
	case o.Linger < 0 || o.Linger > time.Minute:
		return fmt.Errorf("--job-linger: %s must be between 0 and 1m", o.Linger)
	}
	if o.RestartStrategy != "" {
		if _, err := ParseRestartStrategy(o.RestartStrategy); err != nil {
			return fmt.Errorf("--restart-strategy: %w", err)
		}
	}
	if (o.given("restart-attempts") || o.given("restart-delay")) && RestartStrategy(o.RestartStrategy) != RestartFixedDelay {
		return errors.New("--restart-attempts and --restart-delay need --restart-strategy fixed-delay")
	}
	if _, err := CheckpointURI(o.CheckpointDir); err != nil {
		return fmt.Errorf("--checkpoint-dir: %w", err)
	}
	return nil
}

// checkDedup checks --dedup and --dedup-window for the job kind.
func (o Options) checkDedup(kind Job) error {
	switch {
	case kind == JobComplex && (o.Dedup || o.given("dedup-window")):
		return errors.New("--dedup is for the relay: the complex job ignores a device's buffered duplicates itself; drop --dedup or use --job relay")
	case o.Dedup && o.DedupWindow < 1:
		return fmt.Errorf("--dedup-window: %d must be at least 1", o.DedupWindow)
	case !o.Dedup && o.given("dedup-window"):
		return errors.New("--dedup-window needs --dedup")
	}
	return nil
}

// checkCheckpoints checks the checkpoint interval and the transaction timeout for guarantee g,
// then the de-duplication window's limit (in the order the flags were always checked).
func (o Options) checkCheckpoints(g Guarantee) error {
	switch {
	case o.given("checkpoint-interval") && o.CheckpointInterval < 10*time.Millisecond:
		return fmt.Errorf("--checkpoint-interval: %s is below Flink's minimum of 10ms", o.CheckpointInterval)
	case g == None && o.given("checkpoint-interval"):
		return errors.New("--checkpoint-interval: --guarantee none takes no checkpoints")
	case g != ExactlyOnce && o.given("transaction-timeout"):
		return errors.New("--transaction-timeout needs --guarantee exactly-once")
	case g == ExactlyOnce && !o.given("transaction-timeout") && o.Interval() >= DefaultTransactionTimeout:
		return fmt.Errorf("--checkpoint-interval: %s is not below the transaction timeout (%s), so no transaction could commit: shorten it", o.Interval(), DefaultTransactionTimeout)
	case o.given("transaction-timeout") && (o.TransactionTimeout <= o.Interval() || o.TransactionTimeout > MaxTransactionTimeout):
		return fmt.Errorf("--transaction-timeout: %s must be above the checkpoint interval (%s) and at most Kafka's transaction.max.timeout.ms (%s)", o.TransactionTimeout, o.Interval(), MaxTransactionTimeout)
	case o.Dedup && o.DedupWindow > MaxDedupWindow:
		return fmt.Errorf("--dedup-window: %d is above the job's limit of %d", o.DedupWindow, MaxDedupWindow)
	}
	return nil
}

// Interval is the checkpoint interval: the one given, else the guarantee's default.
func (o Options) Interval() time.Duration {
	if o.CheckpointInterval > 0 {
		return o.CheckpointInterval
	}
	if Guarantee(o.Guarantee) == ExactlyOnce {
		return DefaultExactlyOnceCheckpointInterval
	}
	return DefaultCheckpointInterval
}

// ErrExactlyOnceEventHubs refuses exactly-once against Event Hubs: the Standard tier has no
// Kafka transactions.
var ErrExactlyOnceEventHubs = errors.New("--guarantee exactly-once: Event Hubs Standard has no Kafka transactions, which exactly-once needs; " +
	"use --guarantee at-least-once (the default; a failure may repeat records, which verify counts) and --dedup to drop the generator's duplicates")

// CheckTarget checks the options against the Kafka the job writes to.
func (o Options) CheckTarget(conn kafkaconn.Conn) error {
	if conn.EventHubs && Guarantee(o.Guarantee) == ExactlyOnce {
		return ErrExactlyOnceEventHubs
	}
	return nil
}

// CheckpointURI turns an absolute path into a file:// URI and checks that anything else is a
// URI with a scheme ("" stays "": the default).
func CheckpointURI(dir string) (string, error) {
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

// Topics are the job's three topics.
type Topics struct{ In, Out, DeadLetter string }

// Spec is the job to run for the options against conn and topics; parallelism defaults to
// partitions, the input topic's partition count. Call Validate first.
func (o Options) Spec(conn kafkaconn.Conn, t Topics, partitions int32) Spec {
	brokers := o.Brokers
	if brokers == "" {
		brokers = strings.Join(conn.Brokers, ",")
	}
	p := o.Parallelism
	if p <= 0 {
		p = int(partitions)
	}
	s := Spec{
		JarPath: o.JarPath, Brokers: brokers, InTopic: t.In, OutTopic: t.Out,
		DeadLetterTopic: t.DeadLetter, Parallelism: p,
		CheckpointInterval: o.Interval(), StartTimeout: o.StartTimeout,
		Secured: Secured(conn), KafkaPropertiesFile: o.KafkaPropertiesFile,
		Job: Job(o.Job).OrDefault(), Guarantee: Guarantee(o.Guarantee), TransactionTimeout: o.TransactionTimeout,
		Restart: Restart{Strategy: RestartStrategy(o.RestartStrategy), Attempts: o.RestartAttempts, Delay: o.RestartDelay},
	}
	if o.Dedup {
		s.DedupWindow = o.DedupWindow
	}
	if o.given("buffer-timeout") {
		bt := o.BufferTimeout
		s.BufferTimeout = &bt
	}
	if o.given("job-linger") {
		l := o.Linger
		s.Linger = &l
	}
	s.CheckpointDir, _ = CheckpointURI(o.CheckpointDir) // Validate has refused a bad one
	if conn.EventHubs {
		s.MaxRecordBytes = EventHubsMaxRecordBytes
	}
	return s
}

// Secured reports whether conn reaches Kafka other than in plaintext, so that the job needs
// the connection's settings in a properties file.
func Secured(conn kafkaconn.Conn) bool {
	return conn.TLS || conn.SASLMechanism != "" || conn.EventHubs
}
