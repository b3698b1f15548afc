package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/htmlreport"
	"github.com/streamscale/streamscale/internal/pipeline"
)

func newBenchSoakCmd(f *Factory) *cobra.Command {
	conn, run, asJSON := f.newConn(), &bench.SoakRun{Tier: 5, Options: *pipeline.DefaultJobOptions()}, false
	cmd := &cobra.Command{
		Use:   "soak",
		Short: "Run the relay for an hour under a steady load and watch latency, memory, GC and the broker's log per minute",
		Long: `Run the relay job on fresh topics of the local stack (started where it is not up) under the
open-loop generator's --rate for --duration, while the verifier checks each minute's input
window event by event against the output. Per minute: the achieved rate, pipeline latency
p50/p99/max (the verifier's HdrHistogram), the TaskManagers' resident memory (/proc), their
heap after GC (the lowest Status.JVM.Memory.Heap.Used of the minute, read every 2 s from
Flink's REST metrics, which have no after-GC figure) and GC time
(Status.JVM.GarbageCollector.All.Time), and the disk the topics take in the broker's log
directories. At the end: the missing events (0 is the only pass) and the least-squares
slope of p99 and of heap after GC per hour over the full minutes after --warmup-minutes
(flat is the goal: a leak or a creeping tail shows as a slope). A progress line per minute goes to stderr; the
report (soak.json, soak.html with charts) to --report-dir. Ctrl-C stops the load, verifies
what was sent and still writes the report. The topics (retention --retention) are deleted
and the job cancelled at the end unless --keep.`,
		Example: `  streamscale bench soak
  streamscale bench soak --rate 1000 --duration 2m
  streamscale bench soak --tier 10 --guarantee exactly-once --report-dir /tmp/soak`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			run.RateGiven, run.PartitionsGiven = cmd.Flags().Changed("rate"), cmd.Flags().Changed("partitions")
			return runBenchSoak(cmd.Context(), f, conn, run, asJSON)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&conn.Home, "home", conn.Home, "state directory of the local stack (env STREAMSCALE_HOME)")
	run.Tools.AddFlags(fs)
	run.Options.AddFlags(fs)
	fs.IntVar(&run.Tier, "tier", run.Tier, "the sample's tier 1, 5 or 10: its rate (1k/5k/10k events/s) and partitions (2/4/8) unless --rate/--partitions")
	fs.Float64Var(&run.Rate, "rate", 0, "events per second the generator offers (default: the tier's)")
	fs.Int32Var(&run.Partitions, "partitions", 0, "partitions of the soak's topics (default: the tier's)")
	fs.DurationVar(&run.Duration, "duration", time.Hour, "how long the load runs")
	fs.DurationVar(&run.DrainIdle, "drain-timeout", 30*time.Second, "how long a minute's verification waits for the next of its events in the output before it counts the rest missing")
	fs.DurationVar(&run.Retention, "retention", 10*time.Minute, "retention.ms of the soak's topics (bounds the broker's log over a long soak)")
	fs.IntVar(&run.WarmupMinutes, "warmup-minutes", 1, "first minutes left out of the slopes (still verified and reported): the JVMs' warm-up; 0: none")
	fs.BoolVar(&run.Keep, "keep", false, "keep the topics and the job afterwards")
	fs.StringVar(&run.ReportDir, "report-dir", "", "where soak.json and soak.html go (default <home>/soaks/<UTC time>)")
	fs.StringVar(&run.PNG, "png", "", "also render the page to this PNG file with headless Chromium (STREAMSCALE_BROWSER picks the browser)")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON instead of the table")
	return cmd
}

func runBenchSoak(ctx context.Context, f *Factory, conn *pipeline.Connection, run *bench.SoakRun, asJSON bool) error {
	if err := run.Check(f.Getenv); err != nil {
		return flagErrorf(err)
	}
	if err := bench.StartLocal(ctx, conn.Home, run.Tools.RuntimeDir, max(run.Options.Parallelism, int(run.Partitions)), f.IO.ErrOut); err != nil {
		return fmt.Errorf("bench soak: %w", err)
	}
	t, err := bench.NewTarget(conn, run.Options, nil, run.Partitions, true)
	if err != nil {
		return usageOf(err)
	}
	cfg := run.SoakConfig
	cfg.Conn, cfg.Flink, cfg.Job, cfg.Home = t.Conn, t.Flink, t.Job, conn.Home
	if cfg.WarmupMinutes == 0 {
		cfg.WarmupMinutes = -1 // --warmup-minutes 0: none (the config's 0 is its default)
	}
	dir := run.ReportDir
	if dir == "" {
		dir = bench.SoakReportDir(conn.Home, time.Now())
	}
	fmt.Fprintf(f.IO.ErrOut, "soak: %.0f events/s for %s on %d partitions; a line per minute (Ctrl-C stops and still reports)\n", cfg.Rate, cfg.Duration, cfg.Partitions)
	res, soakErr := bench.Soak(ctx, cfg, f.IO.ErrOut)
	if len(res.Minutes) > 0 || soakErr == nil {
		if err := res.WriteReport(ctx, htmlreport.Output{Getenv: f.Getenv, Log: f.IO.ErrOut}, dir, run.PNG); err != nil {
			return err
		}
		if err := writeResult(f.IO.Out, asJSON, res); err != nil {
			return err
		}
	}
	if soakErr != nil {
		return fmt.Errorf("bench soak: %w", soakErr)
	}
	return res.Err()
}
