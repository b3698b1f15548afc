// Package pipeline is `streamscale run`: topics, job, load, drain, verification and the run's
// record, against a Target that says where each of them happens (the local stack, a Kafka and
// Flink of the user's own, or an Azure deployment: internal/azure/aztarget). See
// docs/architecture.md, "One pipeline, several targets".
package pipeline

import (
	"context"
	"io"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/relay"
)

// Target is where a run happens. The pipeline calls Prepare first, then EnsureTopics,
// EnsureJob, StartTraffic and StartLoad in that order, and Down last when the run asks for it;
// everything else (window offsets, draining, verification, the run's record) it does itself
// through the Kafka connection Prepare returns.
type Target interface {
	// Prepare makes the target ready for a job of need.Parallelism and says where its brokers
	// and its job cluster are. The local stack starts here, sized for need, when it is not up.
	Prepare(ctx context.Context, need Need, progress io.Writer) (Endpoints, error)
	// JobSpec completes a job spec for the cluster it runs on (on the local Flink: fixed slots,
	// the client config written for the submission, checkpoints under the home). It asks
	// nothing of the cluster; the pipeline checks the result before it makes any topic.
	JobSpec(s relay.Spec) relay.Spec
	// EnsureTopics creates the topics that are missing and checks those that exist.
	EnsureTopics(ctx context.Context, specs []kafkaconn.TopicSpec) error
	// EnsureJob makes the job run: reused when it runs with the same settings, replaced when
	// it runs with others, submitted when it does not run.
	EnsureJob(ctx context.Context, s relay.Spec, progress io.Writer) (relay.Result, error)
	// StartTraffic starts recording the brokers' per-topic counters for the hub table; a
	// target without them returns (nil, nil) and the run goes on without one.
	StartTraffic(ctx context.Context, topics []string, interval time.Duration) (Traffic, error)
	// StartLoad starts sending the run's events into load.Config.Topic and returns at once.
	StartLoad(ctx context.Context, load LoadSpec, progress io.Writer) (Load, error)
	// Down stops what the target runs on this machine (the local stack); a cluster the user
	// runs is left alone.
	Down(ctx context.Context, progress io.Writer) error
}

// Need is what a run asks of a target's capacity.
type Need struct {
	// Parallelism is the job's: one task slot per parallel instance.
	Parallelism int
	// Rate is the load's total events per second (all generator instances together).
	Rate float64
}

// Endpoints say where a prepared target's parts are.
type Endpoints struct {
	// Kafka reaches the pipeline's topics from this machine: the window offsets and the
	// verifier read through it (and an in-process load sends through it). A target whose
	// input and output are on two clusters (Event Hubs' two namespaces) gives the output's in
	// KafkaOut.
	Kafka kafkaconn.Conn
	// KafkaOut reaches the output topic when it lives elsewhere than the input; its zero value
	// means "as Kafka".
	KafkaOut kafkaconn.Conn
	// FlinkURL is where the job runs (recorded with the run; "" when no Flink REST API is
	// reachable from here).
	FlinkURL string
	// Capacity is what the target can run.
	Capacity Capacity
}

// Out is the connection to the output topic: KafkaOut, else Kafka.
func (e Endpoints) Out() kafkaconn.Conn {
	if len(e.KafkaOut.Brokers) == 0 {
		return e.Kafka
	}
	return e.KafkaOut
}

// Capacity is what a target can run.
type Capacity struct {
	// Slots are the job cluster's task slots in all (0: unknown).
	Slots int
	// FixedSlots says the slots do not grow on demand (the local stack), so a job with a
	// larger parallelism is refused before anything is made, not left waiting for slots.
	FixedSlots bool
	// NoTransactions, when set, is why the target's Kafka refuses transactions (a local
	// broker emulating Event Hubs Standard): an exactly-once job is refused with it.
	NoTransactions error
}

// LoadSpec is the run's load.
type LoadSpec struct {
	// Config is one generator's: its rate, duration or count, devices, instance and topic.
	Config generate.Config
	// ProducerOpts are the in-process generator's producer settings for the target's Kafka.
	// A target that runs its generators elsewhere passes the generator's flags instead.
	ProducerOpts []kgo.Opt
}

// Load is a load that runs.
type Load interface {
	// Wait waits until the load ends (its count sent, its duration over, or ctx cancelled:
	// then it stops sending and waits for what is in flight) and returns its summary: what
	// was sent and acknowledged. With an error the summary is still what it did send (nil when
	// nothing started).
	Wait(ctx context.Context) (*generate.Summary, error)
}

// Traffic is a hub table being recorded: sampled live (a *hubmetrics.Recorder) or, for a
// metrics store, read from its history once the run ends (HistoryTraffic).
type Traffic interface {
	// Stop ends the recording and returns its rows. With an error the rows are still good:
	// the error says what a sample missed.
	Stop(ctx context.Context) ([]hubmetrics.Row, error)
}

// HistoryTraffic is a Traffic for a target whose metrics live in a store (Azure Monitor's
// per-minute metrics of an Event Hubs namespace): Stop reads the rows from Since to now.
type HistoryTraffic struct {
	History hubmetrics.History
	Since   time.Time
}

// Stop reads the history's rows of the run's window.
func (h HistoryTraffic) Stop(ctx context.Context) ([]hubmetrics.Row, error) {
	rec, err := h.History.Rows(ctx, h.Since, time.Now())
	return rec.Rows, err
}
