package relay

import (
	"time"

	"github.com/spf13/pflag"
)

// AddFlags registers the job's settings on fs (`job submit`, `job resume`, `run`, `bench relay`,
// `bench soak`, `bench failover`), with o's values as the defaults (start from DefaultOptions),
// the tuning flags (AddTuningFlags) among them; Given then reports the flags given on fs.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	o.Given = fs.Changed
	fs.StringVar(&o.JarPath, "job-jar", o.JarPath, "the relay job jar built by make build")
	fs.StringVar(&o.Brokers, "job-brokers", "", "bootstrap servers as the Flink job sees them (default: --brokers)")
	fs.IntVar(&o.Parallelism, "parallelism", 0, "relay job parallelism (default: the input topic's partition count)")
	fs.StringVar(&o.Guarantee, "guarantee", o.Guarantee, "delivery guarantee: at-least-once (after a failure records since the last checkpoint are written again), "+
		"exactly-once (a Kafka transaction per checkpoint; read_committed readers see each record once, up to one checkpoint interval later; not on Event Hubs), "+
		"none (no checkpoints: a failure may lose or repeat records; for raw speed)")
	fs.BoolVar(&o.Dedup, "dedup", false, "the sample's de-duplication: drop an event whose eventId is among its device's last --dedup-window (default off: a pure relay, the generator's duplicates reach the output)")
	fs.IntVar(&o.DedupWindow, "dedup-window", o.DedupWindow, "with --dedup: the eventIds remembered per device")
	fs.DurationVar(&o.CheckpointInterval, "checkpoint-interval", 0, "relay job checkpoint interval (default 1s with --guarantee exactly-once, whose output waits for it; 10s otherwise)")
	fs.StringVar(&o.CheckpointDir, "checkpoint-dir", "", "where the job's checkpoints go, a URI like file:///path or an absolute path; retained when the job is cancelled "+
		"(default on the local stack: <home>/flink/checkpoints/<relay>; elsewhere the cluster's execution.checkpointing.dir)")
	fs.StringVar(&o.RestartStrategy, "restart-strategy", "", "after a failure: exponential-delay (default: 1s doubling up to 60s, never giving up), fixed-delay or none (the job fails at its first error)")
	fs.IntVar(&o.RestartAttempts, "restart-attempts", 0, "with --restart-strategy fixed-delay: restarts before the job fails (default 10)")
	fs.DurationVar(&o.RestartDelay, "restart-delay", 0, "with --restart-strategy fixed-delay: the pause before each restart (default 1s)")
	fs.DurationVar(&o.TransactionTimeout, "transaction-timeout", 0, "with exactly-once: the Kafka transaction timeout, above the checkpoint interval plus a restart and at most the broker's transaction.max.timeout.ms (default 10m)")
	fs.DurationVar(&o.StartTimeout, "job-start-timeout", o.StartTimeout, "how long to wait for all the job's tasks to run")
	o.AddTuningFlags(fs)
	fs.StringVar(&o.KafkaPropertiesFile, "job-kafka-properties-file", "", "Kafka Java client properties (security.protocol, sasl.*, ssl.*) for the relay job to reach a secured Kafka, by its path on the Flink JobManager (default with TLS/SASL/Event Hubs on the local Flink: written from the connection flags for the submission, then removed)")
}

// AddTuningFlags registers the flags that trade latency against CPU, --buffer-timeout and
// --job-linger (both reach the job only when given); Given then reports the flags given on fs.
func (o *Options) AddTuningFlags(fs *pflag.FlagSet) {
	o.Given = fs.Changed
	fs.DurationVar(&o.BufferTimeout, "buffer-timeout", 5*time.Millisecond, "how long a network buffer between two of the job's tasks waits to fill before it is sent "+
		"(Flink's execution.buffer-timeout.interval, 100ms by default; 0: every record at once); only --dedup's keyBy has such an exchange, the plain relay is one chain")
	fs.DurationVar(&o.Linger, "job-linger", 0, "the relay's Kafka sink linger.ms: how long a batch waits for more records before it is sent (higher: fewer, larger produce requests, more latency)")
}

// AddJobFlag registers --job, which picks the job to run between the topics: the relay or the
// complex event processing.
func (o *Options) AddJobFlag(fs *pflag.FlagSet) {
	fs.StringVar(&o.Job, "job", string(JobRelay), "which Flink job runs between the topics: relay (each event copied with enqueuedAt and processedAt) "+
		"or complex (the sample's complex event processing: per-device tags from keyed state and event-time timers)")
}
