package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
)

// Cluster is a Kafka and a Flink session cluster that already run (--brokers, --flink-url):
// nothing starts or stops, the job goes through Flink's REST API and the load runs in this
// process.
type Cluster struct {
	// Kafka reaches the brokers from here.
	Kafka kafkaconn.Conn
	// FlinkURL is the Flink REST API.
	FlinkURL string
	// MetricsURLs are the brokers' Prometheus endpoints, one per broker, for the hub table
	// (none: the run has no hub table).
	MetricsURLs []string
	// LocalFlinkHome, when set, says the Flink is the local stack's in that home (only the
	// Kafka is elsewhere): its slots do not grow, it reads this machine's files, and the job's
	// checkpoints go under the home.
	LocalFlinkHome string

	flink *flink.Client
}

var _ Target = (*Cluster)(nil)

// Prepare checks the Flink URL; it asks neither cluster anything.
func (c *Cluster) Prepare(_ context.Context, _ Need, _ io.Writer) (Endpoints, error) {
	fc, err := flink.New(c.FlinkURL)
	if err != nil {
		return Endpoints{}, &Refusal{fmt.Errorf("--flink-url: %w", err)}
	}
	c.flink = fc
	return Endpoints{Kafka: c.Kafka, FlinkURL: c.FlinkURL, Capacity: Capacity{FixedSlots: c.LocalFlinkHome != ""}}, nil
}

// JobSpec completes s for the local Flink when it is the local stack's (OnLocalFlink).
func (c *Cluster) JobSpec(s relay.Spec) relay.Spec {
	if c.LocalFlinkHome == "" {
		return s
	}
	return OnLocalFlink(s, c.Kafka, c.LocalFlinkHome)
}

// OnLocalFlink completes s for the local stack's Flink in home, whose slots do not grow and
// which shares this machine's files: a secured connection's settings are written to a file
// for the submission unless s names one, and the job's checkpoints go to its own directory
// under the home (LocalCheckpoints).
func OnLocalFlink(s relay.Spec, conn kafkaconn.Conn, home string) relay.Spec {
	s.FixedSlots = true
	s.ClientConfig = func() (string, func(), error) { return conn.WriteJobClientConfig("") }
	if s.CheckpointDir == "" {
		s.CheckpointDir = "file://" + LocalCheckpoints(home, s)
	}
	return s
}

// LocalCheckpoints is the directory of a job's checkpoints on the local stack: one per topic
// pair and job kind, so that resuming finds this job's and no other's.
func LocalCheckpoints(home string, s relay.Spec) string {
	return filepath.Join(local.CheckpointsDir(home), s.TransactionalIDPrefix())
}

// EnsureTopics creates the missing topics and checks the others.
func (c *Cluster) EnsureTopics(ctx context.Context, specs []kafkaconn.TopicSpec) error {
	cl, err := c.Kafka.NewClient()
	if err != nil {
		return err
	}
	defer cl.Close()
	_, err = kafkaconn.EnsureTopics(ctx, cl, specs)
	return err
}

// EnsureJob makes the job run on the Flink cluster (relay.Ensure).
func (c *Cluster) EnsureJob(ctx context.Context, s relay.Spec, progress io.Writer) (relay.Result, error) {
	if c.flink == nil {
		return relay.Result{}, errors.New("the target is not prepared")
	}
	return relay.Ensure(ctx, c.flink, s, progress)
}

// StartTraffic samples the brokers' metrics endpoints every interval, with the consumer
// groups' committed offsets for the records read (hubmetrics.WithGroupOffsets).
func (c *Cluster) StartTraffic(ctx context.Context, topics []string, interval time.Duration) (Traffic, error) {
	if len(c.MetricsURLs) == 0 {
		return nil, nil
	}
	cl, err := c.Kafka.NewClient()
	if err != nil {
		return nil, err
	}
	src := &hubmetrics.WithGroupOffsets{Source: hubmetrics.PrometheusSource{URLs: c.MetricsURLs}, Admin: kadm.NewClient(cl)}
	rec, err := hubmetrics.StartRecorder(ctx, src, topics, interval)
	if err != nil {
		cl.Close()
		return nil, err
	}
	return &recorderTraffic{rec: rec, cl: cl}, nil
}

// recorderTraffic is a live recording and the client its group offsets come from.
type recorderTraffic struct {
	rec *hubmetrics.Recorder
	cl  *kgo.Client
}

func (r *recorderTraffic) Stop(ctx context.Context) ([]hubmetrics.Row, error) {
	defer r.cl.Close()
	return r.rec.Stop(ctx)
}

// StartLoad runs the generator in this process.
func (c *Cluster) StartLoad(ctx context.Context, load LoadSpec, progress io.Writer) (Load, error) {
	return StartInProcess(ctx, c.Kafka, load, progress)
}

// Down leaves a cluster the user runs alone.
func (c *Cluster) Down(context.Context, io.Writer) error { return nil }

// StartInProcess starts the generator in this process, sending through conn.
func StartInProcess(ctx context.Context, conn kafkaconn.Conn, load LoadSpec, progress io.Writer) (Load, error) {
	if err := load.Config.Validate(); err != nil {
		return nil, err
	}
	cl, err := conn.NewClient(load.ProducerOpts...)
	if err != nil {
		return nil, err
	}
	l := &inProcess{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		defer cl.Close()
		l.sum, l.err = generate.Run(ctx, cl, load.Config, progress)
	}()
	return l, nil
}

// inProcess is a generator running in this process.
type inProcess struct {
	done chan struct{}
	sum  generate.Summary
	err  error
}

// Wait waits for the generator, which ends with the load's context.
func (l *inProcess) Wait(context.Context) (*generate.Summary, error) {
	<-l.done
	return &l.sum, l.err
}
