package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/htmlreport"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/relay"
	"github.com/streamscale/streamscale/internal/runlog"
	"github.com/streamscale/streamscale/internal/verify"
)

// Topics are the pipeline's three topics and their partitions.
type Topics struct {
	In, Out, DeadLetter string
	Partitions          int32
}

// Specs are the topics to ensure: in and out take the broker's append time as the record
// timestamp, as Event Hubs does; the dead-letter topic has one partition.
func (t Topics) Specs() []kafkaconn.TopicSpec {
	return []kafkaconn.TopicSpec{
		{Name: t.In, Partitions: t.Partitions, Configs: kafkaconn.LogAppendTime()},
		{Name: t.Out, Partitions: t.Partitions, Configs: kafkaconn.LogAppendTime()},
		{Name: t.DeadLetter, Partitions: 1},
	}
}

// Config is one run.
type Config struct {
	Topics Topics
	// Job builds the job's spec for the target's Kafka; the target completes it (JobSpec).
	// Required.
	Job func(kafka kafkaconn.Conn, partitions int32) relay.Spec
	// Load is the generator's configuration; its Topic is set to Topics.In.
	Load generate.Config
	// Producer makes the in-process generator's producer settings for the target's Kafka
	// (Event Hubs takes other defaults); its error is a *Refusal. Nil: the client's defaults.
	Producer func(kafka kafkaconn.Conn) ([]kgo.Opt, error)
	// DrainIdle is how long to wait for the next of the run's events in the output before
	// verifying what arrived.
	DrainIdle time.Duration
	// TrafficInterval is the hub table's row width; ThroughputUnits its MAX VALUE line (0:
	// none).
	TrafficInterval time.Duration
	ThroughputUnits int
	// Checks are the verification's thresholds.
	Checks verify.Checks
	// RunsDir is where the run is recorded: <RunsDir>/<id>/run.json and report.html.
	RunsDir string
	// Down stops the target (Target.Down) when the run ends.
	Down bool
	// Progress receives the run's progress lines (nil: none).
	Progress io.Writer
	// OnJob, when set, is called once the job runs and before the load starts (the live
	// dashboard); the func it returns is called when the run ends.
	OnJob func(ctx context.Context, ep Endpoints, spec relay.Spec, jobID string) (stop func(), err error)
}

// Result is a verified run.
type Result struct {
	// Run is what was recorded in Dir/run.json.
	Run       runlog.Run
	Generated generate.Summary
	Verified  verify.Result
	// Traffic is the hub table of the run, nil without one.
	Traffic *hubmetrics.Recording
	// Failures are the checks that failed.
	Failures []verify.Failure
	// Dir is the run's directory.
	Dir string
	// LoadErr is the load's error when its events were still verified: a rate shortfall,
	// failed deliveries, or an interruption. The run fails for it too.
	LoadErr error
}

// Refusal is a run refused before anything was made, for a setting the user can change; its
// message says what to do.
type Refusal struct{ Err error }

// Error implements error.
func (r *Refusal) Error() string { return r.Err.Error() }

// Unwrap returns the reason.
func (r *Refusal) Unwrap() error { return r.Err }

// LoadError is a load that failed without anything worth verifying; Summary is what it did.
type LoadError struct {
	Summary generate.Summary
	Err     error
}

// Error implements error.
func (e *LoadError) Error() string { return e.Err.Error() }

// Unwrap returns the load's error.
func (e *LoadError) Unwrap() error { return e.Err }

// ErrExactlyOnceEventHubs refuses exactly-once against Event Hubs (relay owns the rule).
var ErrExactlyOnceEventHubs = relay.ErrExactlyOnceEventHubs

// Run runs the pipeline on t: prepare the target, check the job against it, topics, job, load,
// drain, verify, record. It returns the result once the run is verified and recorded (also
// when a check failed: see Result.Failures), else the first error, wrapped with its step.
func Run(ctx context.Context, t Target, cfg Config) (*Result, error) {
	progress := cfg.Progress
	if progress == nil {
		progress = io.Discard
	}
	started := time.Now()
	cfg.Load.Topic = cfg.Topics.In
	if cfg.Job == nil {
		return nil, errors.New("pipeline: the config has no job")
	}
	draft := cfg.Job(kafkaconn.Conn{}, cfg.Topics.Partitions)
	need := Need{Parallelism: draft.Parallelism, Rate: cfg.Load.Rate * float64(max(cfg.Load.Instances, 1))}
	if need.Parallelism <= 0 {
		need.Parallelism = int(cfg.Topics.Partitions)
	}
	ep, err := t.Prepare(ctx, need, progress)
	if err != nil {
		return nil, fmt.Errorf("prepare target: %w", err)
	}
	// Before any topic is made: the job must be able to run on the target as asked.
	spec := t.JobSpec(cfg.Job(ep.Kafka, cfg.Topics.Partitions))
	if err := check(ep, spec); err != nil {
		return nil, err
	}
	var popts []kgo.Opt
	if cfg.Producer != nil {
		if popts, err = cfg.Producer(ep.Kafka); err != nil {
			return nil, &Refusal{err} // a producer setting this Kafka refuses
		}
	}
	if cfg.Down {
		defer func() { _ = t.Down(context.WithoutCancel(ctx), progress) }()
	}

	if err := t.EnsureTopics(ctx, cfg.Topics.Specs()); err != nil {
		return nil, fmt.Errorf("topics: %w", err)
	}
	job, err := t.EnsureJob(ctx, spec, progress)
	if err != nil {
		return nil, fmt.Errorf("job: %w", err)
	}
	if cfg.OnJob != nil {
		stop, err := cfg.OnJob(ctx, ep, spec, job.JobID)
		if err != nil {
			return nil, err
		}
		defer stop()
	}

	k, err := openKafka(ep)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	defer k.close()
	rec := runlog.Run{ID: runlog.NewID(started), Started: started, Brokers: ep.Kafka.Brokers, FlinkURL: ep.FlinkURL, JobID: job.JobID}
	rec.Job, rec.Guarantee, rec.DedupWindow = string(spec.Job.OrDefault()), string(spec.Guarantee), spec.DedupWindow
	if spec.Guarantee != relay.None {
		rec.CheckpointIntervalMs = spec.CheckpointInterval.Milliseconds()
	}
	if rec.In, err = windowStart(ctx, k.inAdm, cfg.Topics.In); err != nil {
		return nil, fmt.Errorf("input window: %w", err)
	}
	if rec.Out, err = windowStart(ctx, k.outAdm, cfg.Topics.Out); err != nil {
		return nil, fmt.Errorf("output window: %w", err)
	}
	// The relay writes its dead letters beside its output (on Azure: namespace #2).
	if dl, err := windowStart(ctx, k.outAdm, cfg.Topics.DeadLetter); err == nil {
		rec.DeadLetter = &dl // counted, so that nothing the relay sets aside goes unseen
	}

	// Sampling goes on past a first Ctrl-C (the run still drains and verifies); Stop ends it.
	traffic, err := t.StartTraffic(context.WithoutCancel(ctx), []string{cfg.Topics.In, cfg.Topics.Out}, cfg.TrafficInterval)
	if err != nil {
		fmt.Fprintf(progress, "no broker metrics, the run's hub table is skipped: %v\n", err)
		traffic = nil
	}
	fmt.Fprintf(progress, "generating %.0f events/s into %q\n", cfg.Load.Rate, cfg.Topics.In)
	load, err := t.StartLoad(ctx, LoadSpec{Config: cfg.Load, ProducerOpts: popts}, progress)
	if err != nil {
		stopTraffic(ctx, traffic, progress)
		return nil, fmt.Errorf("load: %w", err)
	}
	gen, genErr := load.Wait(ctx)
	if gen == nil || (genErr != nil && gen.Acked == 0) {
		stopTraffic(ctx, traffic, progress)
		if genErr == nil {
			genErr = errors.New("the load reported nothing")
		}
		return nil, fmt.Errorf("load: %w", genErr)
	}
	stopped := interrupted(ctx, genErr)
	if stopped {
		// The first Ctrl-C stops the load; what was sent is still verified and recorded, on a
		// context that no longer ends with the command's. A second Ctrl-C quits (main).
		fmt.Fprintln(progress, "interrupted: verifying what was sent (Ctrl-C again to quit now)")
		ctx = context.WithoutCancel(ctx)
	}
	if rec.In.End, err = kafkaconn.StableEnds(ctx, k.inAdm, cfg.Topics.In); err != nil {
		stopTraffic(ctx, traffic, progress)
		return nil, fmt.Errorf("input window: %w", err)
	}
	if genErr != nil && !verifyDespite(genErr) && !stopped {
		stopTraffic(ctx, traffic, progress)
		return nil, &LoadError{Summary: *gen, Err: genErr}
	}

	res, err := drain(ctx, k, &rec, cfg.DrainIdle, progress)
	if err != nil {
		stopTraffic(ctx, traffic, progress)
		return nil, fmt.Errorf("verify: %w", err)
	}
	if rec.DeadLetter != nil {
		if rec.DeadLetter.End, err = kafkaconn.EndOffsets(context.WithoutCancel(ctx), k.outAdm, rec.DeadLetter.Topic); err != nil {
			rec.DeadLetter = nil
		}
	}
	out := &Result{Generated: *gen, LoadErr: genErr, Dir: runlog.Dir(cfg.RunsDir, rec.ID)}
	if rows := stopTraffic(ctx, traffic, progress); rows != nil {
		out.Traffic = &hubmetrics.Recording{Interval: hubmetrics.Duration(cfg.TrafficInterval), ThroughputUnits: cfg.ThroughputUnits, Rows: rows}
	}
	// The generator's own count backs up the reconciliation: an event it sent that is in
	// neither window is missing too. Set before anything records or prints the result.
	res.Missing = missingOf(*gen, res)
	out.Verified, out.Failures = res, res.Check(cfg.Checks)
	rec.Finished = time.Now()
	rec.Generated, _ = json.Marshal(gen)
	rec.Verified, _ = json.Marshal(res)
	if out.Traffic != nil {
		rec.Traffic, _ = json.Marshal(out.Traffic)
	}
	out.Run = rec
	if err := record(cfg.RunsDir, out); err != nil {
		return nil, fmt.Errorf("record run: %w", err)
	}
	return out, nil
}

// check refuses a job the target cannot run as asked.
func check(ep Endpoints, spec relay.Spec) error {
	switch {
	case ep.Kafka.EventHubs && spec.Guarantee == relay.ExactlyOnce:
		return &Refusal{ErrExactlyOnceEventHubs}
	case ep.Capacity.NoTransactions != nil && spec.Guarantee == relay.ExactlyOnce:
		return &Refusal{fmt.Errorf("--guarantee exactly-once: %w", ep.Capacity.NoTransactions)}
	case ep.Capacity.FixedSlots && ep.Capacity.Slots > 0 && ep.Capacity.Slots < spec.Parallelism:
		return &Refusal{fmt.Errorf("the running Flink cluster has %d slots but the job needs %d: restart it with `streamscale local down` and a larger --slots/--taskmanagers, or lower --parallelism", ep.Capacity.Slots, spec.Parallelism)}
	}
	if err := spec.CheckConnection(); err != nil {
		return &Refusal{err}
	}
	return nil
}

// kafkaClients are the run's clients: admin and verifier for the input and the output side
// (one client each where both topics live on one cluster).
type kafkaClients struct {
	inAdm, outAdm *kadm.Client
	ep            Endpoints
	closers       []*kgo.Client
}

func openKafka(ep Endpoints) (*kafkaClients, error) {
	k := &kafkaClients{ep: ep}
	in, err := ep.Kafka.NewClient()
	if err != nil {
		return nil, err
	}
	k.closers = append(k.closers, in)
	k.inAdm, k.outAdm = kadm.NewClient(in), kadm.NewClient(in)
	if len(ep.KafkaOut.Brokers) > 0 {
		out, err := ep.KafkaOut.NewClient()
		if err != nil {
			k.close()
			return nil, err
		}
		k.closers = append(k.closers, out)
		k.outAdm = kadm.NewClient(out)
	}
	return k, nil
}

func (k *kafkaClients) close() {
	for _, c := range k.closers {
		c.Close()
	}
}

func windowStart(ctx context.Context, adm *kadm.Client, topic string) (runlog.Window, error) {
	start, err := kafkaconn.EndOffsets(ctx, adm, topic)
	if err != nil {
		return runlog.Window{}, err
	}
	return runlog.Window{Topic: topic, Start: start}, nil
}

// stopTraffic ends the hub table's recording (nil without one).
func stopTraffic(ctx context.Context, t Traffic, progress io.Writer) []hubmetrics.Row {
	if t == nil {
		return nil
	}
	rows, err := t.Stop(context.WithoutCancel(ctx))
	if err != nil {
		fmt.Fprintf(progress, "broker metrics: a sample failed, its interval is merged into the next: %v\n", err)
	}
	return rows
}

// drain reads the output from the run's start until every event of the input window has come
// out, or until idle passes without one more arriving, and verifies what it read against the
// input window. (Waiting for as many output records as input records stopped too early: after
// a failure, at-least-once replays reach that count before the last events arrive.) It sets
// rec.Out.End past every record read, so a later `verify --run` starts from the same window.
func drain(ctx context.Context, k *kafkaClients, rec *runlog.Run, idle time.Duration, progress io.Writer) (verify.Result, error) {
	vcfg := verify.DefaultConfig()
	RecordedWindow(&vcfg, *rec)
	vcfg.Job = rec.Job // the complex job's output is tags, reconciled against the recomputed ones
	vcfg.IdleTimeout = idle
	out, err := k.ep.Out().NewClient(verify.ClientOpts()...)
	if err != nil {
		return verify.Result{}, err
	}
	defer out.Close()
	if len(k.ep.KafkaOut.Brokers) > 0 {
		in, err := k.ep.Kafka.NewClient(verify.ClientOpts()...)
		if err != nil {
			return verify.Result{}, err
		}
		defer in.Close()
		vcfg.InputClient = in
	}
	res, err := verify.Run(ctx, out, vcfg, progress)
	if err != nil {
		return verify.Result{}, fmt.Errorf("verify %q: %w", vcfg.Topic, err)
	}
	rec.Out.End = make(map[int32]int64, len(res.OutputWindow))
	for p, w := range res.OutputWindow {
		rec.Out.End[p] = w.End
	}
	return res, nil
}

// RecordedWindow sets cfg to verify a recorded run: the events of its input window, read in
// the output from the run's start as far as they go (not only to the end the run recorded, so
// a run recorded before its last events came out verifies later).
func RecordedWindow(cfg *verify.Config, r runlog.Run) {
	starts := make(map[int32]verify.OffsetRange, len(r.Out.Start))
	for p, start := range r.Out.Start {
		starts[p] = verify.OffsetRange{Start: start}
	}
	bounds := make(map[int32]verify.OffsetRange, len(r.In.End))
	for p, end := range r.In.End {
		bounds[p] = verify.OffsetRange{Start: r.In.Start[p], End: end}
	}
	cfg.Topic, cfg.Bounds, cfg.SequencesStartAtZero = r.Out.Topic, starts, true
	cfg.InputTopic, cfg.InputBounds, cfg.Drain = r.In.Topic, bounds, true
}

// record saves the run and its report page under its directory.
func record(runsDir string, r *Result) error {
	if err := runlog.Save(runsDir, r.Run); err != nil {
		return err
	}
	page := htmlreport.Report{Title: "streamscale run " + r.Run.ID, Generated: &r.Generated, Verified: &r.Verified, Failures: r.Failures, Checked: true}
	if r.Traffic != nil {
		page.Traffic, page.Capacity = r.Traffic.Rows, hubmetrics.Capacity{ThroughputUnits: r.Traffic.ThroughputUnits}
	}
	return htmlreport.WriteFile(filepath.Join(r.Dir, "report.html"), page)
}

// interrupted reports whether the load stopped because the user interrupted the run (its
// context was cancelled), as opposed to failing.
func interrupted(ctx context.Context, genErr error) bool {
	return errors.Is(genErr, context.Canceled) && ctx.Err() != nil
}

// verifyDespite reports whether a load error still leaves a window worth verifying: the rate
// fell short, or some records failed delivery (the input window holds what the broker took).
// An interruption does not.
func verifyDespite(err error) bool {
	var short *generate.ShortfallError
	var delivery *generate.DeliveryError
	return errors.As(err, &short) || errors.As(err, &delivery)
}

// missingOf is how many generated events never reached the output: the verifier finds gaps
// inside each device's sequence, and the generator's count also reveals lost tails.
func missingOf(gen generate.Summary, res verify.Result) int64 {
	if res.Tags != nil { // the complex job writes tags, not events: only the reconciliation counts
		return res.Missing
	}
	lost := gen.Events - res.Events
	if res.Missing > lost {
		return res.Missing
	}
	if lost < 0 {
		return 0
	}
	return lost
}
