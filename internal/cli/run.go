package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/htmlreport"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
	"github.com/streamscale/streamscale/internal/runlog"
	"github.com/streamscale/streamscale/internal/verify"
)

type runOptions struct {
	stack     *stackFlags
	conn      *connFlags
	topics    *topicFlags
	job       *jobFlags
	gen       *genFlags
	drainIdle time.Duration
	// reportInterval and units shape the broker's hub table sampled during the run.
	reportInterval time.Duration
	units          int
	unitsSet       bool
	metricsURLs    []string
	down           bool
	asJSON         bool
	checks         verify.Checks
	// dashboard serves the live page beside the run (dashboard.go).
	dashboard bool
	dash      dashFlags
}

func newRunCmd(f *Factory, runF func(context.Context, *runOptions) error) *cobra.Command {
	opts := &runOptions{
		stack: newStackFlags(), conn: newConnFlags(f), topics: newTopicFlags(), job: newJobFlags(),
		gen: newGenFlags(), drainIdle: 30 * time.Second, reportInterval: 10 * time.Second, checks: verify.DefaultChecks(),
	}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the whole pipeline: stack, topics, relay job, load, verification, summary",
		Long: `Start the local stack if it is not up (unless --brokers/--flink-url point elsewhere), create the
topics, submit the relay job (or reuse the one running), send events at --rate for --duration,
wait for the output to catch up, verify exactly this run's window of records and print a
summary. The run's window and results are recorded under <home>/runs/<id>/, so a later
` + "`streamscale verify`" + ` checks the same run. The stack and the job keep running afterwards
unless --down.

--guarantee (at-least-once, exactly-once or none), --dedup and the checkpoint and restart flags
set up the relay as for job submit; a running relay with another guarantee or dedup is
replaced. The summary names them, and under exactly-once says that output latency includes up
to one checkpoint interval and that the verifier reads read_committed.`,
		Example: `  streamscale run
  streamscale run --tier 5 --duration 2m
  streamscale run --guarantee exactly-once
  streamscale run --rate 20000 --count 1000000 --down`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.gen.markSet(cmd.Flags())
			opts.unitsSet = cmd.Flags().Changed("throughput-units")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRun(cmd.Context(), f, opts, cmd.Flags().Changed("rate"))
		},
	}
	fs := cmd.Flags()
	opts.stack.addStart(fs)
	fs.StringVar(&opts.conn.brokers, "brokers", "", "use this Kafka instead of the local stack (env STREAMSCALE_BROKERS)")
	opts.conn.addSecurity(fs)
	opts.conn.addFlink(fs)
	opts.topics.addNames(fs)
	opts.topics.addSizing(fs)
	opts.job.add(cmd)
	opts.job.addJob(cmd)
	opts.gen.add(fs, false)
	fs.DurationVar(&opts.drainIdle, "drain-timeout", opts.drainIdle, "after sending, how long to wait for the next of the run's events in the output (read until every event is out) before verifying what arrived")
	fs.DurationVar(&opts.reportInterval, "report-interval", opts.reportInterval, "row width of the broker's hub table sampled during the run (report --run can regroup it, e.g. per minute)")
	fs.IntVar(&opts.units, "throughput-units", 0, "Event Hubs throughput units for the hub table's MAX VALUE line (default: the sample's for the tier, 2/6/12; 0: no line)")
	fs.StringSliceVar(&opts.metricsURLs, "metrics-url", nil, "with --brokers: the brokers' metrics endpoints (Prometheus format, one per broker) for the hub table")
	fs.BoolVar(&opts.down, "down", false, "stop the local stack when the run ends")
	fs.BoolVar(&opts.asJSON, "json", false, "print the run record (generator and verifier results) as JSON")
	addCheckFlags(fs, &opts.checks)
	fs.BoolVar(&opts.dashboard, "dashboard", false, "serve the live dashboard (as the dashboard command does) while the run goes on")
	opts.dash.add(fs, "dashboard-")
	return cmd
}

// applyTier sets what the tier decides unless flags did: the rate, and the throughput units of
// the hub table's MAX VALUE line (the sample's table shows the TUs it deploys for the tier).
// With --partitions the tier is not in play. Call after partitionCount has checked the tier.
func (o *runOptions) applyTier(rateSet bool) {
	if o.topics.partitions != 0 {
		return
	}
	if !rateSet {
		total, _ := kafkaconn.RateForTier(o.topics.tier)
		o.gen.cfg.Rate = instanceRate(total, o.gen.cfg.Instances)
	}
	if !o.unitsSet {
		o.units, _ = kafkaconn.ThroughputUnitsForTier(o.topics.tier)
	}
}

func runRun(ctx context.Context, f *Factory, opts *runOptions, rateSet bool) error {
	if relay.Job(opts.job.job) == relay.JobComplex {
		// Until verify recomputes the tags (issue 9), a run of it could only report every
		// event as missing from the output.
		return flagErrorf(errors.New("--job complex: run cannot verify the complex job's tags yet; start it with `streamscale job submit --job complex` and send events with `streamscale generate`"))
	}
	if err := opts.job.validate(); err != nil {
		return err
	}
	partitions, err := opts.topics.partitionCount()
	if err != nil {
		return err
	}
	opts.applyTier(rateSet)
	opts.gen.cfg.Topic = opts.topics.in
	if err := opts.gen.cfg.Validate(); err != nil {
		return flagErrorf(err)
	}
	if opts.reportInterval < time.Second {
		return flagErrorf(fmt.Errorf("--report-interval: %s is shorter than 1s", opts.reportInterval))
	}
	if opts.dashboard {
		if err := opts.dash.validate("dashboard-"); err != nil {
			return err
		}
	}
	opts.conn.home = opts.stack.cfg.Home
	started := time.Now()

	conn, flinkURL, stack, err := ensureStack(ctx, f, opts, partitions)
	if err != nil {
		return err
	}
	// Before any topic is made: a secured connection needs a way to reach the relay job, and
	// Event Hubs has no transactions for exactly-once.
	if err := opts.job.checkTarget(conn); err != nil {
		return err
	}
	if err := opts.job.specFor(opts.conn, conn, opts.topics, partitions).CheckConnection(); err != nil {
		return err
	}
	if opts.down && stack != nil {
		defer func() {
			fmt.Fprintln(f.IO.ErrOut, "stopping the local stack (--down)")
			_ = stack.Down(context.WithoutCancel(ctx), false, f.IO.ErrOut)
		}()
	}

	cl, err := conn.NewClient()
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	specs, err := opts.topics.specs()
	if err != nil {
		return err
	}
	if _, err := kafkaconn.EnsureTopics(ctx, cl, specs); err != nil {
		return err
	}
	fc, err := flink.New(flinkURL)
	if err != nil {
		return flagErrorf(fmt.Errorf("--flink-url: %w", err))
	}
	spec := opts.job.specFor(opts.conn, conn, opts.topics, partitions)
	job, err := relay.Ensure(ctx, fc, spec, f.IO.ErrOut)
	if err != nil {
		return err
	}

	if opts.dashboard {
		stopDashboard, err := startRunDashboard(ctx, f, opts, conn, flinkURL, job.JobID, string(spec.Guarantee))
		if err != nil {
			return err
		}
		defer stopDashboard()
	}

	rec := runlog.Run{ID: runlog.NewID(started), Started: started, Brokers: conn.Brokers, FlinkURL: flinkURL, JobID: job.JobID}
	rec.Job, rec.Guarantee, rec.DedupWindow = string(spec.Job.OrDefault()), string(spec.Guarantee), spec.DedupWindow
	if spec.Guarantee != relay.None {
		rec.CheckpointIntervalMs = spec.CheckpointInterval.Milliseconds()
	}
	if rec.In, err = windowStart(ctx, adm, opts.topics.in); err != nil {
		return err
	}
	if rec.Out, err = windowStart(ctx, adm, opts.topics.out); err != nil {
		return err
	}
	if dl, err := windowStart(ctx, adm, opts.topics.deadLetterTopic()); err == nil {
		rec.DeadLetter = &dl // counted, so that nothing the relay sets aside goes unseen
	}

	traffic := startTraffic(ctx, opts, f, adm)
	fmt.Fprintf(f.IO.ErrOut, "generating %.0f events/s into %q\n", opts.gen.cfg.Rate, opts.topics.in)
	gen, genErr := runGenerate(ctx, conn, opts.gen, f.IO.ErrOut)
	if gen == nil || (genErr != nil && gen.Acked == 0) {
		return genErr
	}
	stopped := interrupted(ctx, genErr)
	if stopped {
		// The first Ctrl-C stops the load; what was sent is still verified and recorded, on a
		// context that no longer ends with the command's. A second Ctrl-C quits (main).
		fmt.Fprintln(f.IO.ErrOut, "interrupted: verifying what was sent (Ctrl-C again to quit now)")
		ctx = context.WithoutCancel(ctx)
	}
	if rec.In.End, err = stableEnds(ctx, adm, opts.topics.in); err != nil {
		return err
	}
	if genErr != nil && !verifyDespite(genErr) && !stopped {
		writeGenerateSummary(f.IO.Out, *gen)
		return genErr
	}

	res, err := drain(ctx, conn, &rec, opts.drainIdle, f)
	if err != nil {
		return err
	}
	if rec.DeadLetter != nil {
		if rec.DeadLetter.End, err = kafkaconn.EndOffsets(context.WithoutCancel(ctx), adm, rec.DeadLetter.Topic); err != nil {
			rec.DeadLetter = nil
		}
	}
	recording := traffic.stop(ctx, f)
	// The generator's own count backs up the reconciliation: an event it sent that is in
	// neither window is missing too. Set before anything records or prints the result.
	res.Missing = missingOf(*gen, res)
	rec.Finished = time.Now()
	rec.Generated, _ = json.Marshal(gen)
	rec.Verified, _ = json.Marshal(res)
	if recording != nil {
		rec.Traffic, _ = json.Marshal(recording)
	}
	runsDir := local.RunsDir(opts.stack.cfg.Home)
	if err := runlog.Save(runsDir, rec); err != nil {
		return err
	}

	fails := res.Check(opts.checks)
	page := htmlreport.Report{Title: "streamscale run " + rec.ID, Generated: gen, Verified: &res, Failures: fails, Checked: true}
	if recording != nil {
		page.Traffic, page.Capacity = recording.Rows, hubmetrics.Capacity{ThroughputUnits: recording.ThroughputUnits}
		if !opts.asJSON {
			fmt.Fprintln(f.IO.Out, "\nbroker counters during the run (hub #1 = input, hub #2 = output):")
			_ = hubmetrics.WriteTable(f.IO.Out, recording.Rows, page.Capacity)
			fmt.Fprintln(f.IO.Out)
		}
	}
	htmlPath := filepath.Join(runlog.Dir(runsDir, rec.ID), "report.html")
	if err := writeHTMLReport(htmlPath, page); err != nil {
		return err
	}
	if opts.asJSON {
		writeJSON(f.IO.Out, rec)
	} else {
		writeRunSummary(f.IO.Out, rec, *gen, res, len(fails) == 0)
		fmt.Fprintf(f.IO.Out, "results: %s (report.html, run.json)\n", runlog.Dir(runsDir, rec.ID))
	}
	checkErr := reportChecks(f, res, opts.checks)
	if genErr != nil {
		return genErr // the run fails for the generator too (or was interrupted), after verifying what it did send
	}
	return checkErr
}

// interrupted reports whether the generator stopped because the user interrupted the command
// (its context was cancelled), as opposed to failing.
func interrupted(ctx context.Context, genErr error) bool {
	return errors.Is(genErr, context.Canceled) && ctx.Err() != nil
}

// verifyDespite reports whether a generator error still leaves a window worth verifying: the
// rate fell short, or some records failed delivery (the input window holds what the broker
// took). An interruption does not.
func verifyDespite(err error) bool {
	var short *generate.ShortfallError
	var delivery *generate.DeliveryError
	return errors.As(err, &short) || errors.As(err, &delivery)
}

// runTraffic samples the broker's counters during a run for the sample's hub table.
type runTraffic struct {
	rec   *hubmetrics.Recorder
	opts  *runOptions
	width time.Duration
}

// startTraffic starts sampling the brokers' metrics (--metrics-url, else the local stack's);
// against another Kafka without --metrics-url, or a broker without metrics, the run goes on
// without a hub table.
func startTraffic(ctx context.Context, opts *runOptions, f *Factory, adm *kadm.Client) *runTraffic {
	urls := opts.metricsURLs
	if len(urls) == 0 {
		if opts.conn.external() {
			return nil
		}
		ep, err := local.ReadEndpoints(opts.stack.cfg.Home)
		if err != nil {
			return nil
		}
		urls = []string{ep.MetricsURL}
	}
	src := &hubmetrics.WithGroupOffsets{Source: hubmetrics.PrometheusSource{URLs: urls}, Admin: adm}
	// Sampling goes on past a first Ctrl-C (the run still drains and verifies); stop ends it.
	rec, err := hubmetrics.StartRecorder(context.WithoutCancel(ctx), src, []string{opts.topics.in, opts.topics.out}, opts.reportInterval)
	if err != nil {
		fmt.Fprintf(f.IO.ErrOut, "no broker metrics, the run's hub table is skipped: %v\n", err)
		return nil
	}
	return &runTraffic{rec: rec, opts: opts, width: opts.reportInterval}
}

// stop ends sampling and returns the recording, or nil without one.
func (t *runTraffic) stop(ctx context.Context, f *Factory) *hubmetrics.Recording {
	if t == nil {
		return nil
	}
	rows, err := t.rec.Stop(context.WithoutCancel(ctx))
	if err != nil {
		fmt.Fprintf(f.IO.ErrOut, "broker metrics: a sample failed, its interval is merged into the next: %v\n", err)
	}
	return &hubmetrics.Recording{Interval: hubmetrics.Duration(t.width), ThroughputUnits: t.opts.units, Rows: rows}
}

// writeHTMLReport renders a run's self-contained HTML page to path.
func writeHTMLReport(path string, r htmlreport.Report) error {
	file, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	if err := htmlreport.Write(file, r); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

// ensureStack starts the local stack unless the user pointed at their own Kafka or Flink, and
// returns where to connect. Slots are raised when the stack is not running yet and would be
// too small for the job's parallelism.
func ensureStack(ctx context.Context, f *Factory, opts *runOptions, partitions int32) (kafkaconn.Conn, string, *local.Stack, error) {
	if opts.conn.external() {
		conn, err := opts.conn.conn()
		if err != nil {
			return kafkaconn.Conn{}, "", nil, err
		}
		u, err := opts.conn.flink()
		return conn, u, nil, err
	}
	cfg := opts.stack.cfg
	parallelism := opts.job.parallelism
	if parallelism <= 0 {
		parallelism = int(partitions)
	}
	if cfg.TaskManagers*cfg.Slots < parallelism {
		cfg.Slots = (parallelism + cfg.TaskManagers - 1) / cfg.TaskManagers
	}
	stack, err := local.New(cfg, nil)
	if err != nil {
		return kafkaconn.Conn{}, "", nil, flagErrorf(err)
	}
	status, err := stack.Up(ctx, f.IO.ErrOut)
	if err != nil {
		return kafkaconn.Conn{}, "", nil, fmt.Errorf("local up: %w", err)
	}
	if status.Flink.SlotsTotal < parallelism {
		return kafkaconn.Conn{}, "", nil, fmt.Errorf("the running Flink cluster has %d slots but the job needs %d: restart it with `streamscale local down` and a larger --slots/--taskmanagers, or lower --parallelism", status.Flink.SlotsTotal, parallelism)
	}
	return kafkaconn.Conn{Brokers: []string{status.Kafka.Bootstrap}}, status.Flink.REST, stack, nil
}

func windowStart(ctx context.Context, adm *kadm.Client, topic string) (runlog.Window, error) {
	start, err := kafkaconn.EndOffsets(ctx, adm, topic)
	if err != nil {
		return runlog.Window{}, err
	}
	return runlog.Window{Topic: topic, Start: start}, nil
}

// drain reads the output from the run's start until every event of the input window has come
// out, or until idle passes without one more arriving, and verifies what it read against the
// input window. (Waiting for as many output records as input records stopped too early: after
// a failure, at-least-once replays reach that count before the last events arrive.) It sets
// rec.Out.End past every record read, so a later `verify --run` starts from the same window.
func drain(ctx context.Context, conn kafkaconn.Conn, rec *runlog.Run, idle time.Duration, f *Factory) (verify.Result, error) {
	vcfg := verify.DefaultConfig()
	vcfg.Topic, vcfg.Bounds, vcfg.SequencesStartAtZero = rec.Out.Topic, startsOf(rec.Out), true
	vcfg.InputTopic, vcfg.InputBounds = rec.In.Topic, boundsOf(rec.In)
	vcfg.Drain, vcfg.IdleTimeout = true, idle
	res, err := runVerify(ctx, conn, vcfg, f)
	if err != nil {
		return verify.Result{}, err
	}
	rec.Out.End = make(map[int32]int64, len(res.OutputWindow))
	for p, w := range res.OutputWindow {
		rec.Out.End[p] = w.End
	}
	return res, nil
}

// missingOf is how many generated events never reached the output: the verifier finds gaps
// inside each device's sequence, and the generator's count also reveals lost tails.
func missingOf(gen generate.Summary, res verify.Result) int64 {
	lost := gen.Events - res.Events
	if res.Missing > lost {
		return res.Missing
	}
	if lost < 0 {
		return 0
	}
	return lost
}

func writeRunSummary(w io.Writer, rec runlog.Run, gen generate.Summary, res verify.Result, pass bool) {
	fmt.Fprintf(w, "\nrun %s  (%s, job %s)\n", rec.ID, rec.Finished.Sub(rec.Started).Round(time.Second), rec.JobID)
	writeJobSettings(w, rec)
	fmt.Fprintf(w, "%-22s %12s\n", "", "value")
	row := func(name string, v any) { fmt.Fprintf(w, "%-22s %12v\n", name, v) }
	row("events sent", gen.Events)
	row("duplicates sent", gen.DuplicatesSent)
	row("send rate /s", fmt.Sprintf("%.0f", gen.AchievedRate))
	row("records in", res.InputRecords) // as read: transaction markers take offsets too
	row("records out", res.Records)
	row("events out", res.Events)
	row("missing", res.Missing)
	row("unexpected", res.Unexpected)
	row("pipeline duplicates", res.Duplicates)
	row("source duplicates", res.SourceDuplicates)
	row("out of order", res.OutOfOrder)
	row("without fields", res.MissingFields)
	if rec.DeadLetter != nil {
		row("dead letters", rec.DeadLetter.Records())
	}
	for _, l := range []struct {
		name string
		p    verify.Percentiles
	}{{"pipeline", res.LatencyMs.Pipeline}, {"end-to-end", res.LatencyMs.EndToEnd}, {"in-job", res.LatencyMs.InJob}} {
		fmt.Fprintf(w, "%-22s p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n", l.name+" latency ms", l.p.P50, l.p.P90, l.p.P99, l.p.P999, l.p.Max)
	}
	verdict := "PASS"
	if !pass {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "verification: %s (%d missing)\n", verdict, res.Missing)
	if rec.DeadLetter != nil && rec.DeadLetter.Records() > 0 {
		fmt.Fprintf(w, "the relay set %d input records aside as not JSON objects: streamscale peek %s --from-beginning\n", rec.DeadLetter.Records(), rec.DeadLetter.Topic)
	}
}

// writeJobSettings is the summary's line on how the relay ran: guarantee, de-duplication and
// checkpoint interval, and under exactly-once what that means for latency and for reading.
func writeJobSettings(w io.Writer, rec runlog.Run) {
	if relay.Job(rec.Job) == relay.JobComplex {
		fmt.Fprint(w, "job complex, ")
	}
	g := rec.Guarantee
	if g == "" {
		g = string(relay.AtLeastOnce)
	}
	dedup := "dedup off"
	if rec.DedupWindow > 0 {
		dedup = fmt.Sprintf("dedup window %d per device", rec.DedupWindow)
	}
	interval := "no checkpoints"
	if rec.CheckpointIntervalMs > 0 {
		interval = "checkpoint interval " + (time.Duration(rec.CheckpointIntervalMs) * time.Millisecond).String()
	}
	fmt.Fprintf(w, "guarantee %s, %s, %s\n", g, dedup, interval)
	if relay.Guarantee(g) == relay.ExactlyOnce {
		fmt.Fprintf(w, "exactly-once: output latency includes up to one checkpoint interval (%s; each checkpoint commits a Kafka transaction); the verifier reads read_committed\n",
			time.Duration(rec.CheckpointIntervalMs)*time.Millisecond)
	}
}
