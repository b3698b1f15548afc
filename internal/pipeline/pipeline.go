package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

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
	ep, spec, popts, err := prepare(ctx, t, cfg, progress)
	if err != nil {
		return nil, err
	}
	if cfg.Down {
		defer func() { _ = t.Down(context.WithoutCancel(ctx), progress) }()
	}
	job, stopJobHook, err := startJob(ctx, t, cfg, ep, spec, progress)
	if err != nil {
		return nil, err
	}
	defer stopJobHook()

	k, err := openKafka(ep)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	defer k.close()
	rec, err := startRecord(ctx, k, cfg.Topics, ep, spec, job, started)
	if err != nil {
		return nil, err
	}

	// Sampling goes on past a first Ctrl-C (the run still drains and verifies); Stop ends it.
	traffic, err := t.StartTraffic(context.WithoutCancel(ctx), []string{cfg.Topics.In, cfg.Topics.Out}, cfg.TrafficInterval)
	if err != nil {
		fmt.Fprintf(progress, "no broker metrics, the run's hub table is skipped: %v\n", err)
		traffic = nil
	}
	gen, genErr, err := runLoad(ctx, t, cfg, popts, traffic, progress)
	if err != nil {
		return nil, err
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
	return verifyAndRecord(ctx, k, &rec, cfg, gen, genErr, traffic, progress)
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
