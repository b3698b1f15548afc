package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/hublimits"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
	"github.com/streamscale/streamscale/internal/runlog"
	"github.com/streamscale/streamscale/internal/verify"
)

var errFake = errors.New("fake failure")

// fakeTarget is a unit-test Target (no Flink, no stack): its Kafka is a kfake cluster, its
// "job" is a copy of the input into the output with the two fields the relay adds, made when
// the load ends, and it records the order of the calls. fail names a step that fails.
type fakeTarget struct {
	t        *testing.T
	ep       Endpoints
	fail     string
	steps    []string
	specSeen relay.Spec
}

func (f *fakeTarget) step(name string) error {
	f.steps = append(f.steps, name)
	if f.fail == name {
		return errFake
	}
	return nil
}

func (f *fakeTarget) Prepare(context.Context, Need, io.Writer) (Endpoints, error) {
	return f.ep, f.step("prepare")
}

func (f *fakeTarget) JobSpec(s relay.Spec) relay.Spec { return s }

func (f *fakeTarget) EnsureTopics(ctx context.Context, specs []kafkaconn.TopicSpec) error {
	if err := f.step("topics"); err != nil {
		return err
	}
	cl, err := f.ep.Kafka.NewClient()
	if err != nil {
		return err
	}
	defer cl.Close()
	// kfake has no LogAppendTime: the topics are made without configs.
	plain := make([]kafkaconn.TopicSpec, len(specs))
	for i, s := range specs {
		plain[i] = kafkaconn.TopicSpec{Name: s.Name, Partitions: s.Partitions}
	}
	_, err = kafkaconn.EnsureTopics(ctx, cl, plain)
	return err
}

func (f *fakeTarget) EnsureJob(_ context.Context, s relay.Spec, _ io.Writer) (relay.Result, error) {
	f.specSeen = s
	return relay.Result{JobID: "fake-job"}, f.step("job")
}

func (f *fakeTarget) StartTraffic(context.Context, []string, time.Duration) (Traffic, error) {
	if err := f.step("traffic"); err != nil {
		return nil, err
	}
	return fakeTraffic{f}, nil
}

type fakeTraffic struct{ f *fakeTarget }

func (t fakeTraffic) Stop(context.Context) ([]hubmetrics.Row, error) {
	t.f.steps = append(t.f.steps, "traffic stop")
	return []hubmetrics.Row{{Start: time.Now().Add(-time.Second), End: time.Now(), Hubs: []hubmetrics.HubRow{{Topic: "in", IncomingMessages: 1}}}}, nil
}

func (f *fakeTarget) StartLoad(ctx context.Context, load LoadSpec, progress io.Writer) (Load, error) {
	if err := f.step("load"); err != nil {
		return nil, err
	}
	l, err := StartInProcess(ctx, f.ep.Kafka, load, progress)
	if err != nil {
		return nil, err
	}
	return &fakeLoad{f: f, Load: l, topics: [2]string{load.Config.Topic, "out"}}, nil
}

type fakeLoad struct {
	Load
	f      *fakeTarget
	topics [2]string
}

// Wait waits for the generator, then relays its events as the job would.
func (l *fakeLoad) Wait(ctx context.Context) (*generate.Summary, error) {
	l.f.steps = append(l.f.steps, "wait")
	sum, err := l.Load.Wait(ctx)
	if err == nil {
		l.f.relay(ctx, l.topics[0], l.topics[1], sum.Records)
	}
	return sum, err
}

// relay copies n records of in to out with enqueuedAt (the input's timestamp) and
// processedAt added, keeping keys and partitions.
func (f *fakeTarget) relay(ctx context.Context, in, out string, n int64) {
	cl, err := f.ep.Kafka.NewClient(kgo.ConsumeTopics(in), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		f.t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var copied int64
	for copied < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			f.t.Fatalf("fake relay: %d of %d records", copied, n)
		}
		for _, r := range fs.Records() {
			ts := r.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z")
			v := append(bytes.TrimSuffix(bytes.Clone(r.Value), []byte("}")), fmt.Sprintf(`,"enqueuedAt":"%s","processedAt":"%s"}`, ts, ts)...)
			if err := cl.ProduceSync(ctx, &kgo.Record{Topic: out, Partition: r.Partition, Key: r.Key, Value: v}).FirstErr(); err != nil {
				f.t.Fatal(err)
			}
			copied++
		}
	}
}

func (f *fakeTarget) Down(context.Context, io.Writer) error {
	f.steps = append(f.steps, "down")
	return nil
}

func fakeCluster(t *testing.T) kafkaconn.Conn {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return kafkaconn.Conn{Brokers: c.ListenAddrs()}
}

func fakeConfig(t *testing.T) Config {
	load := generate.DefaultConfig()
	load.Count, load.Rate, load.Devices, load.DuplicateFraction, load.Seed = 200, 2000, 10, 0, 1
	checks := verify.DefaultChecks()
	checks.AllowCreateTime = true // kfake keeps the producer's timestamps
	return Config{
		Topics: Topics{In: "in", Out: "out", DeadLetter: "in-dead-letter", Partitions: 2},
		Job: func(conn kafkaconn.Conn, partitions int32) relay.Spec {
			return relay.Spec{InTopic: "in", OutTopic: "out", Parallelism: int(partitions), Guarantee: relay.AtLeastOnce, Secured: conn.TLS}
		},
		Load: load, DrainIdle: 2 * time.Second, TrafficInterval: time.Second, ThroughputUnits: 2,
		Checks: checks, RunsDir: t.TempDir(), Down: true,
	}
}

// TestRunFakeTargetStepOrder: a whole run on a fake target calls the target's steps in order,
// verifies every event out and records the run where `verify` and `report` find it.
func TestRunFakeTargetStepOrder(t *testing.T) {
	ft := &fakeTarget{t: t, ep: Endpoints{Kafka: fakeCluster(t), Capacity: Capacity{Slots: 2, FixedSlots: true}}}
	cfg := fakeConfig(t)
	var progress bytes.Buffer
	cfg.Progress = &progress
	res, err := Run(context.Background(), ft, cfg)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, progress.String())
	}
	want := []string{"prepare", "topics", "job", "traffic", "load", "wait", "traffic stop", "down"}
	if !slices.Equal(ft.steps, want) {
		t.Fatalf("steps %v, want %v", ft.steps, want)
	}
	if res.Verified.InputEvents != 200 || res.Verified.Missing != 0 || len(res.Failures) != 0 || res.LoadErr != nil {
		t.Fatalf("result: %d input events, %d missing, failures %v, load error %v", res.Verified.InputEvents, res.Verified.Missing, res.Failures, res.LoadErr)
	}
	saved, err := runlog.Last(cfg.RunsDir)
	if err != nil || saved.ID != res.Run.ID || saved.JobID != "fake-job" || saved.In.Records() != 200 || len(saved.Traffic) == 0 {
		t.Fatalf("recorded run %+v, %v", saved, err)
	}
	if _, err := os.Stat(filepath.Join(res.Dir, "report.html")); err != nil {
		t.Fatal(err)
	}
	// verify on the recorded run reads the same window.
	vcfg := verify.DefaultConfig()
	RecordedWindow(&vcfg, saved)
	if vcfg.Topic != "out" || vcfg.InputTopic != "in" || len(vcfg.InputBounds) != 2 || !vcfg.Drain {
		t.Fatalf("recorded window config %+v", vcfg)
	}
}

// TestRunFakeTargetFailingStep: a failing step stops the run there, with the step in the
// error and the cause kept; what comes after it is never called.
func TestRunFakeTargetFailingStep(t *testing.T) {
	tests := []struct {
		fail      string
		wantErr   string
		wantSteps []string
	}{
		{"prepare", "prepare target: fake failure", []string{"prepare"}},
		{"topics", "topics: fake failure", []string{"prepare", "topics", "down"}},
		{"job", "job: fake failure", []string{"prepare", "topics", "job", "down"}},
		{"load", "load: fake failure", []string{"prepare", "topics", "job", "traffic", "load", "traffic stop", "down"}},
	}
	for _, tt := range tests {
		t.Run(tt.fail, func(t *testing.T) {
			ft := &fakeTarget{t: t, fail: tt.fail, ep: Endpoints{Kafka: fakeCluster(t)}}
			_, err := Run(context.Background(), ft, fakeConfig(t))
			if err == nil || err.Error() != tt.wantErr || !errors.Is(err, errFake) {
				t.Fatalf("err = %v, want %q wrapping the cause", err, tt.wantErr)
			}
			if !slices.Equal(ft.steps, tt.wantSteps) {
				t.Fatalf("steps %v, want %v", ft.steps, tt.wantSteps)
			}
		})
	}
}

// TestRunFakeTargetRefusals: what the target cannot run is refused with one line before any
// topic is made.
func TestRunFakeTargetRefusals(t *testing.T) {
	tests := []struct {
		name      string
		ep        Endpoints
		job       func(relay.Spec) relay.Spec
		want      error
		wantText  string
		wantSteps []string
	}{
		{name: "exactly-once on Event Hubs", ep: Endpoints{Kafka: kafkaconn.Conn{Brokers: []string{"ns:9093"}, EventHubs: true}},
			job:  func(s relay.Spec) relay.Spec { s.Guarantee = relay.ExactlyOnce; return s },
			want: ErrExactlyOnceEventHubs, wantSteps: []string{"prepare"}},
		{name: "exactly-once on a broker emulating Event Hubs", ep: Endpoints{Kafka: kafkaconn.Conn{Brokers: []string{"k:9092"}},
			Capacity: Capacity{NoTransactions: func() error { l, _ := hublimits.ForTier(1); return l.RefuseTransactions() }()}},
			job:  func(s relay.Spec) relay.Spec { s.Guarantee = relay.ExactlyOnce; return s },
			want: hublimits.ErrTransactions, wantText: "tier 1", wantSteps: []string{"prepare"}},
		{name: "fixed slots too few", ep: Endpoints{Kafka: kafkaconn.Conn{Brokers: []string{"k:9092"}}, Capacity: Capacity{Slots: 1, FixedSlots: true}},
			wantText: "has 1 slots but the job needs 2", wantSteps: []string{"prepare"}},
		{name: "secured without a properties file", ep: Endpoints{Kafka: kafkaconn.Conn{Brokers: []string{"k:9093"}, TLS: true}},
			want: relay.ErrSecuredKafka, wantSteps: []string{"prepare"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &fakeTarget{t: t, ep: tt.ep}
			cfg := fakeConfig(t)
			if tt.job != nil {
				base := cfg.Job
				cfg.Job = func(c kafkaconn.Conn, p int32) relay.Spec { return tt.job(base(c, p)) }
			}
			_, err := Run(context.Background(), ft, cfg)
			var r *Refusal
			if !errors.As(err, &r) || (tt.want != nil && !errors.Is(err, tt.want)) || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("err = %v, want a refusal (%v %q)", err, tt.want, tt.wantText)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("refusal %q is more than one line", err)
			}
			if !slices.Equal(ft.steps, tt.wantSteps) {
				t.Fatalf("steps %v, want %v", ft.steps, tt.wantSteps)
			}
		})
	}
}

func TestSize(t *testing.T) {
	base := local.DefaultConfig() // 1 TaskManager, 2 slots
	tests := []struct {
		name                      string
		parallelism               int
		slotsSet, taskManagersSet bool
		wantTMs, wantSlots        int
	}{
		{"tier 1 fits", 2, false, false, 1, 2},
		{"tier 10: more slots", 8, false, false, 1, 8},
		{"--slots chosen: more TaskManagers", 8, true, false, 4, 2},
		{"both chosen: more slots each", 8, true, true, 1, 8},
		{"unknown parallelism", 0, false, false, 1, 2},
	}
	for _, tt := range tests {
		got := Size(base, tt.parallelism, tt.slotsSet, tt.taskManagersSet)
		if got.TaskManagers != tt.wantTMs || got.Slots != tt.wantSlots {
			t.Errorf("%s: %d TaskManagers × %d slots, want %d × %d", tt.name, got.TaskManagers, got.Slots, tt.wantTMs, tt.wantSlots)
		}
	}
}

func TestVerifyDespite(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"shortfall", fmt.Errorf("generate: %w", &generate.ShortfallError{Target: 1000, Achieved: 900}), true},
		{"failed deliveries", &generate.DeliveryError{}, true},
		{"interrupted", context.Canceled, false},
		{"other", errors.New("flush: records still unacknowledged"), false},
	}
	for _, tt := range tests {
		if got := verifyDespite(tt.err); got != tt.want {
			t.Errorf("%s: verifyDespite = %v, want %v", tt.name, got, tt.want)
		}
	}
}
