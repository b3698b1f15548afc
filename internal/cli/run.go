package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
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
	// slotsSet and taskManagersSet say the user chose --slots or --taskmanagers: sizing the
	// stack for the job then raises the other.
	slotsSet, taskManagersSet bool
	metricsURLs               []string
	down                      bool
	asJSON                    bool
	checks                    verify.Checks
	// dashboard serves the live page beside the run (dashboard.go).
	dashboard bool
	dash      dashFlags
	// targetName is --target: local, cluster, azure, or "" (chosen from the connection flags).
	targetName string
	// loadSet says which load flags were given (run --job complex fills in the others).
	loadSet loadSet
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
to one checkpoint interval and that the verifier reads read_committed.

--job complex runs the sample's complex event processing instead and reconciles its tags. Its
load then defaults to one where every tag kind fires: --mixed-types, --devices of 10 s of the
rate (about 18 events each), --quiet-devices 0.1 (a tenth of the devices stop after the first
quarter, so the job's NoNews timers fire for them) and --duration 3m; any of those flags given
keeps its value.`,
		Example: `  streamscale run
  streamscale run --tier 5 --duration 2m
  streamscale run --guarantee exactly-once
  streamscale run --job complex
  streamscale run --rate 20000 --count 1000000 --down`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.gen.markSet(cmd.Flags())
			opts.loadSet = loadFlagsSet(cmd.Flags())
			opts.unitsSet = cmd.Flags().Changed("throughput-units")
			opts.slotsSet, opts.taskManagersSet = cmd.Flags().Changed("slots"), cmd.Flags().Changed("taskmanagers")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRun(cmd.Context(), f, opts, cmd.Flags().Changed("rate"))
		},
	}
	// `run --target azure --resource-group RG …` fails on the Azure flags before RunE: say
	// which command takes them rather than that the flag is unknown.
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		if opts.targetName == targetAzure {
			_, err = selectTarget(targetAzure, false)
			return err
		}
		return flagErrorf(err)
	})
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
	fs.StringVar(&opts.targetName, "target", "", "where the run happens: local or cluster (default: local, or cluster with --brokers/--flink-url); azure: use the azure run command")
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
	if _, err := selectTarget(opts.targetName, opts.conn.external()); err != nil {
		return err
	}
	if err := opts.job.validate(); err != nil {
		return err
	}
	topics, err := opts.topics.pipelineTopics()
	if err != nil {
		return err
	}
	opts.applyTier(rateSet)
	if relay.Job(opts.job.job).OrDefault() == relay.JobComplex {
		applyComplexLoad(&opts.gen.cfg, opts.loadSet, f.IO.ErrOut)
	}
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
	target, err := opts.target()
	if err != nil {
		return err
	}
	cfg := pipeline.Config{
		Topics: topics,
		Job: func(conn kafkaconn.Conn, partitions int32) relay.Spec {
			return opts.job.spec(conn, opts.topics, partitions)
		},
		Load:            opts.gen.cfg,
		Producer:        opts.gen.prod.Opts,
		DrainIdle:       opts.drainIdle,
		TrafficInterval: opts.reportInterval,
		ThroughputUnits: opts.units,
		Checks:          opts.checks,
		RunsDir:         local.RunsDir(opts.stack.cfg.Home),
		Down:            opts.down,
		Progress:        f.IO.ErrOut,
	}
	if opts.dashboard {
		cfg.OnJob = func(ctx context.Context, ep pipeline.Endpoints, spec relay.Spec, jobID string) (func(), error) {
			return startRunDashboard(ctx, f, opts, ep.Kafka, ep.FlinkURL, jobID, string(spec.Guarantee))
		}
	}
	res, err := pipeline.Run(ctx, target, cfg)
	return writeRunResult(f, res, err, opts.asJSON, opts.checks)
}

// writeRunResult prints a pipeline run's outcome (the hub table, the summary or JSON, the
// checks) and returns the error the command ends with: a refusal as a flag error, the load's
// error, a failed check.
func writeRunResult(f *Factory, res *pipeline.Result, err error, asJSON bool, checks verify.Checks) error {
	var refusal *pipeline.Refusal
	var loadErr *pipeline.LoadError
	switch {
	case errors.As(err, &refusal):
		return flagErrorf(refusal.Err)
	case errors.As(err, &loadErr):
		writeGenerateSummary(f.IO.Out, loadErr.Summary)
		return loadErr.Err
	case err != nil:
		return err
	}
	if res.Traffic != nil && !asJSON {
		fmt.Fprintln(f.IO.Out, "\nbroker counters during the run (hub #1 = input, hub #2 = output):")
		_ = hubmetrics.WriteTable(f.IO.Out, res.Traffic.Rows, hubmetrics.Capacity{ThroughputUnits: res.Traffic.ThroughputUnits})
		fmt.Fprintln(f.IO.Out)
	}
	if asJSON {
		writeJSON(f.IO.Out, res.Run)
	} else {
		writeRunSummary(f.IO.Out, res.Run, res.Generated, res.Verified, len(res.Failures) == 0)
		fmt.Fprintf(f.IO.Out, "results: %s (report.html, run.json)\n", res.Dir)
	}
	checkErr := reportChecks(f, res.Verified, checks)
	if res.LoadErr != nil {
		return res.LoadErr // the run fails for the load too (or was interrupted), after verifying what it did send
	}
	return checkErr
}

// The targets --target names (pipeline.SelectTarget).
const (
	targetLocal   = pipeline.TargetLocal
	targetCluster = pipeline.TargetCluster
	targetAzure   = pipeline.TargetAzure
)

// selectTarget is --target checked against the connection flags (pipeline.SelectTarget); a
// refusal is a usage error.
func selectTarget(name string, external bool) (string, error) {
	t, err := pipeline.SelectTarget(name, external)
	if err != nil {
		return "", flagErrorf(err)
	}
	return t, nil
}

// target is where the run happens (pipeline.TargetOptions): the local stack, unless
// --brokers/--flink-url (or their environment variables, or an Event Hubs connection string)
// name a Kafka or Flink of the user's own.
func (o *runOptions) target() (pipeline.Target, error) {
	to := pipeline.TargetOptions{Name: o.targetName, External: o.conn.external(), Local: o.stack.cfg, SlotsSet: o.slotsSet,
		TaskManagersSet: o.taskManagersSet, MetricsURLs: o.metricsURLs, Kafka: o.conn.conn, FlinkURL: o.conn.flink}
	if o.conn.localFlink() {
		to.LocalFlinkHome = o.conn.home
	}
	t, err := to.Target()
	var refusal *pipeline.Refusal
	if errors.As(err, &refusal) {
		return nil, flagErrorf(refusal.Err)
	}
	return t, err
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
	res.WriteTagRows(w) // the complex job's tags; nothing for the relay
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
