package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
)

// Local is the local stack in Config.Home: Prepare starts what is not running, sized for the
// job, and the rest goes to the stack's broker and Flink as for a Cluster.
type Local struct {
	// Config is the stack's; Prepare raises its slots or TaskManagers for the job (Size).
	Config local.Config
	// SlotsSet and TaskManagersSet say the user chose them (--slots, --taskmanagers).
	SlotsSet, TaskManagersSet bool
	// MetricsURLs replace the broker's own metrics endpoint for the hub table (rarely needed).
	MetricsURLs []string

	stack   *local.Stack
	cluster *Cluster
}

var _ Target = (*Local)(nil)

// Size is cfg with enough task slots for a job of parallelism: a stack that starts afresh
// gets them. More slots per TaskManager, unless the user chose --slots and not
// --taskmanagers: then more TaskManagers. The rate does not size it: one slot relays far more
// than the tiers' rates on this kind of machine (docs/benchmarks.md), so the parallelism,
// which follows the tier's partitions, is what the stack must hold.
func Size(cfg local.Config, parallelism int, slotsSet, taskManagersSet bool) local.Config {
	if parallelism <= 0 || cfg.TaskManagers*cfg.Slots >= parallelism {
		return cfg
	}
	if slotsSet && !taskManagersSet {
		cfg.TaskManagers = (parallelism + cfg.Slots - 1) / cfg.Slots
		return cfg
	}
	cfg.Slots = (parallelism + cfg.TaskManagers - 1) / cfg.TaskManagers
	return cfg
}

// Prepare starts the parts of the stack that are not running and waits until it is healthy.
// A Flink cluster it starts has slots for need.Parallelism; one already running keeps its
// slots, and Capacity says how many it has.
func (l *Local) Prepare(ctx context.Context, need Need, progress io.Writer) (Endpoints, error) {
	cfg := Size(l.Config, need.Parallelism, l.SlotsSet, l.TaskManagersSet)
	stack, err := local.New(cfg, nil)
	if err != nil {
		return Endpoints{}, &Refusal{err}
	}
	status, err := stack.Up(ctx, progress)
	if err != nil {
		return Endpoints{}, fmt.Errorf("local up: %w", err)
	}
	l.stack = stack
	metrics := l.MetricsURLs
	if len(metrics) == 0 {
		for _, b := range status.Kafka.Brokers { // one endpoint per broker
			metrics = append(metrics, b.MetricsURL)
		}
	}
	l.cluster = &Cluster{Kafka: kafkaconn.Conn{Brokers: strings.Split(status.Kafka.Bootstrap, ",")}, FlinkURL: status.Flink.REST,
		MetricsURLs: metrics, LocalFlinkHome: stack.Config().Home}
	ep, err := l.cluster.Prepare(ctx, need, progress)
	if err != nil {
		return Endpoints{}, err
	}
	// A YARN session asks YARN for more TaskManagers when a job needs them; a standalone
	// cluster has the slots it started with.
	ep.Capacity = Capacity{Slots: status.Flink.SlotsTotal, FixedSlots: stack.Config().FlinkOn != local.FlinkOnYarn}
	if l := status.Kafka.EventHubs; l != nil {
		ep.Capacity.NoTransactions = l.RefuseTransactions()
	}
	return ep, nil
}

var errNotPrepared = errors.New("the local stack is not prepared")

// JobSpec completes s for the local Flink (OnLocalFlink).
func (l *Local) JobSpec(s relay.Spec) relay.Spec {
	if l.cluster == nil {
		return s
	}
	return l.cluster.JobSpec(s)
}

// EnsureTopics creates the missing topics on the stack's broker.
func (l *Local) EnsureTopics(ctx context.Context, specs []kafkaconn.TopicSpec) error {
	if l.cluster == nil {
		return errNotPrepared
	}
	return l.cluster.EnsureTopics(ctx, specs)
}

// EnsureJob makes the job run on the stack's Flink.
func (l *Local) EnsureJob(ctx context.Context, s relay.Spec, progress io.Writer) (relay.Result, error) {
	if l.cluster == nil {
		return relay.Result{}, errNotPrepared
	}
	return l.cluster.EnsureJob(ctx, s, progress)
}

// StartTraffic samples the broker's metrics endpoint.
func (l *Local) StartTraffic(ctx context.Context, topics []string, interval time.Duration) (Traffic, error) {
	if l.cluster == nil {
		return nil, errNotPrepared
	}
	return l.cluster.StartTraffic(ctx, topics, interval)
}

// StartLoad runs the generator in this process against the stack's broker.
func (l *Local) StartLoad(ctx context.Context, load LoadSpec, progress io.Writer) (Load, error) {
	if l.cluster == nil {
		return nil, errNotPrepared
	}
	return l.cluster.StartLoad(ctx, load, progress)
}

// Down stops the stack (its state stays: `local up` starts it again with its data).
func (l *Local) Down(ctx context.Context, progress io.Writer) error {
	if l.stack == nil {
		return nil
	}
	fmt.Fprintln(progress, "stopping the local stack (--down)")
	return l.stack.Down(ctx, false, progress)
}
