package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/htmlreport"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// benchSoakOptions are `bench soak`'s flags.
type benchSoakOptions struct {
	conn      *pipeline.Connection
	job       *relay.Options
	tools     *perfToolFlags
	cfg       bench.SoakConfig
	tier      int
	rateSet   bool
	partSet   bool
	reportDir string
	png       string
	asJSON    bool
}

func newBenchSoakCmd(f *Factory) *cobra.Command {
	opts := &benchSoakOptions{conn: f.newConn(), job: newJobOptions(), tools: &perfToolFlags{}, tier: 5}
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
			opts.rateSet, opts.partSet = cmd.Flags().Changed("rate"), cmd.Flags().Changed("partitions")
			return runBenchSoak(cmd.Context(), f, opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.conn.Home, "home", opts.conn.Home, "state directory of the local stack (env STREAMSCALE_HOME)")
	opts.tools.add(fs)
	opts.job.AddFlags(cmd.Flags())
	fs.IntVar(&opts.tier, "tier", opts.tier, "the sample's tier 1, 5 or 10: its rate (1k/5k/10k events/s) and partitions (2/4/8) unless --rate/--partitions")
	fs.Float64Var(&opts.cfg.Rate, "rate", 0, "events per second the generator offers (default: the tier's)")
	fs.Int32Var(&opts.cfg.Partitions, "partitions", 0, "partitions of the soak's topics (default: the tier's)")
	fs.DurationVar(&opts.cfg.Duration, "duration", time.Hour, "how long the load runs")
	fs.DurationVar(&opts.cfg.DrainIdle, "drain-timeout", 30*time.Second, "how long a minute's verification waits for the next of its events in the output before it counts the rest missing")
	fs.DurationVar(&opts.cfg.Retention, "retention", 10*time.Minute, "retention.ms of the soak's topics (bounds the broker's log over a long soak)")
	fs.IntVar(&opts.cfg.WarmupMinutes, "warmup-minutes", 1, "first minutes left out of the slopes (still verified and reported): the JVMs' warm-up; 0: none")
	fs.BoolVar(&opts.cfg.Keep, "keep", false, "keep the topics and the job afterwards")
	fs.StringVar(&opts.reportDir, "report-dir", "", "where soak.json and soak.html go (default <home>/soaks/<UTC time>)")
	fs.StringVar(&opts.png, "png", "", "also render the page to this PNG file with headless Chromium (STREAMSCALE_BROWSER picks the browser)")
	fs.BoolVar(&opts.asJSON, "json", false, "print the result as JSON instead of the table")
	return cmd
}

// validate checks the flags and fills in the tier's rate and partitions.
func (o *benchSoakOptions) validate(f *Factory) error {
	if err := o.job.Validate(); err != nil {
		return flagErrorf(err)
	}
	if err := o.cfg.ApplyTier(o.tier, o.rateSet, o.partSet); err != nil {
		return flagErrorf(err)
	}
	if o.png != "" {
		if _, err := htmlreport.FindBrowser(f.Getenv); err != nil {
			return flagErrorf(fmt.Errorf("--png: %w", err))
		}
	}
	return nil
}

func runBenchSoak(ctx context.Context, f *Factory, opts *benchSoakOptions) error {
	if err := opts.validate(f); err != nil {
		return err
	}
	if err := startBenchStack(ctx, f, opts.conn, opts.tools, max(opts.job.Parallelism, int(opts.cfg.Partitions))); err != nil {
		return fmt.Errorf("bench soak: %w", err)
	}
	c, fc, err := benchClients(opts.conn)
	if err != nil {
		return err
	}
	cfg := opts.cfg
	if cfg.WarmupMinutes == 0 {
		cfg.WarmupMinutes = -1 // --warmup-minutes 0: none (the config's 0 is its default)
	}
	cfg.Conn, cfg.Flink, cfg.Home = c, fc, opts.conn.Home
	cfg.Job = opts.conn.JobSpec(*opts.job, c, pipeline.DefaultTopicOptions().Relay(), cfg.Partitions)
	if !opts.job.Given("checkpoint-dir") {
		cfg.Job.CheckpointDir = "" // fresh topics each soak: the cluster's checkpoint directory
	}
	if err := cfg.Job.CheckConnection(); err != nil {
		return err
	}
	dir := opts.reportDir
	if dir == "" {
		dir = bench.SoakReportDir(opts.conn.Home, time.Now())
	}
	fmt.Fprintf(f.IO.ErrOut, "soak: %.0f events/s for %s on %d partitions; a line per minute (Ctrl-C stops and still reports)\n", cfg.Rate, cfg.Duration, cfg.Partitions)
	res, soakErr := bench.Soak(ctx, cfg, f.IO.ErrOut)
	if len(res.Minutes) > 0 || soakErr == nil {
		if err := writeSoakFiles(ctx, f, opts, dir, res); err != nil {
			return err
		}
		if opts.asJSON {
			writeJSON(f.IO.Out, res)
		} else {
			bench.WriteSoakSummary(f.IO.Out, res, dir)
		}
	}
	if soakErr != nil {
		return fmt.Errorf("bench soak: %w", soakErr)
	}
	return res.Err()
}

// writeSoakFiles writes soak.json and soak.html to dir (and the --png).
func writeSoakFiles(ctx context.Context, f *Factory, opts *benchSoakOptions, dir string, res bench.SoakResult) error {
	if err := bench.WriteSoakJSON(dir, res); err != nil {
		return fmt.Errorf("bench soak: %w", err)
	}
	out := htmlreport.Output{Getenv: f.Getenv, Log: f.IO.ErrOut}
	files := htmlreport.Files{HTML: filepath.Join(dir, "soak.html"), PNG: opts.png}
	return out.Write(ctx, files, bench.SoakHTMLHeight(res), func(w io.Writer) error { return bench.WriteSoakHTML(w, res) })
}
