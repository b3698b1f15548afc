package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/dashboard"
	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
	"github.com/streamscale/streamscale/internal/verify"
)

type runOptions struct {
	// site is where the run happens: --target, the local stack's settings, the metrics URLs
	// (its connection comes from conn).
	site      pipeline.TargetOptions
	conn      *pipeline.Connection
	topics    *pipeline.TopicOptions
	job       *relay.Options
	gen       *genFlags
	drainIdle time.Duration
	// reportInterval and units shape the broker's hub table sampled during the run.
	reportInterval time.Duration
	units          int
	// unitsSet and rateSet say the user gave --throughput-units and --rate (applyTier).
	unitsSet, rateSet bool
	down              bool
	asJSON            bool
	checks            verify.Checks
	// dashboard serves the live page beside the run (dashboard.go).
	dashboard bool
	dash      dashboard.Serving
	// loadSet says which load flags were given (run --job complex fills in the others).
	loadSet generate.Given
}

func newRunCmd(f *Factory, runF func(context.Context, *runOptions) error) *cobra.Command {
	opts := &runOptions{
		site: pipeline.TargetOptions{Local: local.DefaultConfig()}, conn: f.newConn(), topics: pipeline.DefaultTopicOptions(), job: pipeline.DefaultJobOptions(),
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
		PreRunE: func(cmd *cobra.Command, _ []string) error {
			fs := cmd.Flags()
			opts.gen.prod.MarkGiven(fs)
			opts.loadSet = generate.GivenFlags(fs)
			opts.unitsSet, opts.rateSet = fs.Changed("throughput-units"), fs.Changed("rate")
			opts.site.SlotsSet, opts.site.TaskManagersSet = fs.Changed("slots"), fs.Changed("taskmanagers")
			return nil
		},
	}
	// `run --target azure --resource-group RG …` fails on the Azure flags before RunE: say
	// which command takes them rather than that the flag is unknown.
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		if opts.site.Name == pipeline.TargetAzure {
			_, err = pipeline.SelectTarget(pipeline.TargetAzure, false)
		}
		return flagErrorf(err)
	})
	fs := cmd.Flags()
	opts.site.Local.AddFlags(fs)
	fs.StringVar(&opts.conn.Source.Brokers, "brokers", "", "use this Kafka instead of the local stack (env STREAMSCALE_BROKERS)")
	opts.conn.AddSecurityFlags(fs)
	opts.conn.AddFlinkFlag(fs)
	opts.topics.AddNameFlags(fs)
	opts.topics.AddSizingFlags(fs)
	opts.job.AddFlags(fs)
	opts.job.AddJobFlag(fs)
	opts.gen.cfg.AddFlags(fs, false)
	opts.gen.prod.AddFlags(fs)
	fs.DurationVar(&opts.drainIdle, "drain-timeout", opts.drainIdle, "after sending, how long to wait for the next of the run's events in the output (read until every event is out) before verifying what arrived")
	fs.DurationVar(&opts.reportInterval, "report-interval", opts.reportInterval, "row width of the broker's hub table sampled during the run (report --run can regroup it, e.g. per minute)")
	fs.IntVar(&opts.units, "throughput-units", 0, "Event Hubs throughput units for the hub table's MAX VALUE line (default: the sample's for the tier, 2/6/12; 0: no line)")
	fs.StringSliceVar(&opts.site.MetricsURLs, "metrics-url", nil, "with --brokers: the brokers' metrics endpoints (Prometheus format, one per broker) for the hub table")
	fs.StringVar(&opts.site.Name, "target", "", "where the run happens: local or cluster (default: local, or cluster with --brokers/--flink-url); azure: use the azure run command")
	fs.BoolVar(&opts.down, "down", false, "stop the local stack when the run ends")
	fs.BoolVar(&opts.asJSON, "json", false, "print the run record (generator and verifier results) as JSON")
	opts.checks.AddFlags(fs)
	fs.BoolVar(&opts.dashboard, "dashboard", false, "serve the live dashboard (as the dashboard command does) while the run goes on")
	opts.dash.AddFlags(fs, "dashboard-")
	return newCommand(f, cmd, opts, runF, runRun)
}

// applyTier sets what the tier decides unless flags did: the rate, and the throughput units of
// the hub table's MAX VALUE line (the sample's table shows the TUs it deploys for the tier).
// With --partitions the tier is not in play. Call after TopicOptions.Topics has checked the tier.
func (o *runOptions) applyTier() {
	if o.topics.Partitions != 0 {
		return
	}
	if !o.rateSet {
		total, _ := kafkaconn.RateForTier(o.topics.Tier)
		o.gen.cfg.Rate = generate.InstanceRate(total, o.gen.cfg.Instances)
	}
	if !o.unitsSet {
		o.units, _ = kafkaconn.ThroughputUnitsForTier(o.topics.Tier)
	}
}

func runRun(ctx context.Context, f *Factory, opts *runOptions) error {
	if _, err := pipeline.SelectTarget(opts.site.Name, opts.conn.External()); err != nil {
		return flagErrorf(err)
	}
	if err := opts.job.Validate(); err != nil {
		return flagErrorf(err)
	}
	topics, err := opts.topics.Topics()
	if err != nil {
		return err
	}
	opts.applyTier()
	if relay.Job(opts.job.Job).OrDefault() == relay.JobComplex {
		generate.ApplyComplexLoad(&opts.gen.cfg, opts.loadSet, f.IO.ErrOut)
	}
	opts.gen.cfg.Topic = opts.topics.In
	if err := opts.gen.cfg.Validate(); err != nil {
		return flagErrorf(err)
	}
	if opts.reportInterval < time.Second {
		return flagErrorf(fmt.Errorf("--report-interval: %s is shorter than 1s", opts.reportInterval))
	}
	if opts.dashboard {
		if err := opts.dash.Validate("dashboard-"); err != nil {
			return flagErrorf(err)
		}
	}
	opts.conn.Home = opts.site.Local.Home
	target, err := opts.target()
	if err != nil {
		return err
	}
	cfg := pipeline.Config{
		Topics: topics,
		Job: func(conn kafkaconn.Conn, partitions int32) relay.Spec {
			return opts.job.Spec(conn, opts.topics.Relay(), partitions)
		},
		Load: opts.gen.cfg, Producer: opts.gen.prod.Opts, DrainIdle: opts.drainIdle, TrafficInterval: opts.reportInterval,
		ThroughputUnits: opts.units, Checks: opts.checks, RunsDir: local.RunsDir(opts.site.Local.Home), Down: opts.down, Progress: f.IO.ErrOut,
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
	var loadErr *pipeline.LoadError
	switch {
	case errors.As(err, &loadErr):
		_ = loadErr.Summary.WriteText(f.IO.Out)
		return loadErr.Err
	case err != nil:
		return usageOf(err) // a refusal: a flag error
	}
	if asJSON {
		writeJSON(f.IO.Out, res.Run)
	} else {
		_ = res.WriteText(f.IO.Out)
	}
	checkErr := reportChecks(f, res.Verified, checks)
	if res.LoadErr != nil {
		return res.LoadErr // the run fails for the load too (or was interrupted), after verifying what it did send
	}
	return checkErr
}

// target is where the run happens (pipeline.TargetOptions): the local stack, unless
// --brokers/--flink-url (or their environment variables, or an Event Hubs connection string)
// name a Kafka or Flink of the user's own.
func (o *runOptions) target() (pipeline.Target, error) {
	to := o.site
	to.External, to.Kafka, to.FlinkURL = o.conn.External(), o.conn.KafkaConn, o.conn.FlinkAddress
	if o.conn.LocalFlink() {
		to.LocalFlinkHome = o.conn.Home
	}
	t, err := to.Target()
	return t, usageOf(err)
}
