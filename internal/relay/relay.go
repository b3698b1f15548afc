// Package relay submits the Flink relay job (jvm/relay-job) through the Flink REST API, or
// finds the copy that already runs or is starting, so that repeated runs never start a twin.
package relay

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"
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
