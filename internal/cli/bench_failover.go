package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// benchFailoverOptions are `bench failover`'s flags.
type benchFailoverOptions struct {
	stack              local.Config
	job                *relay.Options
	cfg                bench.FailoverConfig
	settings, jsonFile string
	asJSON             bool
}

func newBenchFailoverCmd(f *Factory) *cobra.Command {
	opts := &benchFailoverOptions{stack: local.DefaultConfig(), job: newJobOptions()}
	cfg := &opts.cfg
	cmd := &cobra.Command{
		Use:   "failover",
		Short: "Kill a TaskManager under load, again and again, and measure how long the output stalls",
		Long: `Kill -9 the TaskManager that runs the relay job's tasks while the generator sends --rate
events/s, --kills times, each in a run of its own on fresh topics with a fresh job (so each kill
is the job's first failure), bring it back with local up, and measure the output stall: the
longest gap between consecutive output records' append times (the broker's LogAppendTime) in
any output partition, around the kill. The kill comes once the output holds --kill-after's
worth of the load. The verifier checks each run: nothing may be missing.
Prints each kill's stall, when and how Flink noticed the loss (its JobManager's log), and the
stalls' median and maximum; --json-file writes the whole result.

It runs on the local stack in --home, starting it with --settings when it is not running:
tuned (the local stack's defaults and one standby TaskManager) or baseline (the stack before
standbys and tuned detection: heartbeats every 2 s, 10 s timeout, RPC-failure threshold 2). A
running stack with other settings is refused (stop it with local down). The job's restart
strategy and checkpoints come from the job flags, as for run.`,
		Example: `  streamscale bench failover --guarantee at-least-once --kills 5 --rate 3000
  streamscale bench failover --guarantee exactly-once --settings baseline --json-file before.json
  streamscale bench failover --restart-strategy fixed-delay --restart-delay 200ms`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBenchFailover(cmd.Context(), f, opts)
		},
	}
	opts.stack.AddFlags(cmd.Flags())
	opts.job.AddFlags(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&opts.settings, "settings", bench.SettingsTuned, "the local stack's failover settings when the benchmark starts it: tuned or baseline")
	fs.IntVar(&cfg.Kills, "kills", 5, "TaskManagers killed, one per run")
	fs.Float64Var(&cfg.Rate, "rate", 3000, "events/s during each run")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "length of each run's load")
	fs.DurationVar(&cfg.KillAfter, "kill-after", 10*time.Second, "when the kill comes: once the output holds this long's worth of the load")
	fs.Int32Var(&cfg.Partitions, "partitions", 2, "partitions of each run's topics, and the job's parallelism")
	fs.DurationVar(&cfg.DrainIdle, "drain-timeout", 30*time.Second, "after sending, how long to wait for the next event in the output before verifying")
	fs.StringVar(&opts.jsonFile, "json-file", "", "also write the result as JSON to this file")
	fs.BoolVar(&opts.asJSON, "json", false, "print the result as JSON")
	return cmd
}

func runBenchFailover(ctx context.Context, f *Factory, opts *benchFailoverOptions) error {
	if err := opts.job.Validate(); err != nil {
		return flagErrorf(err)
	}
	cfg := opts.cfg
	var err error
	if cfg.Settings, err = bench.FailoverPreset(opts.settings); err != nil {
		return flagErrorf(fmt.Errorf("--settings: %w", err))
	}
	cfg.Stack = opts.stack
	if err := cfg.Validate(); err != nil {
		return flagErrorf(err)
	}
	cfg.Job = func(conn kafkaconn.Conn, t pipeline.Topics) relay.Spec {
		return opts.job.Spec(conn, relay.Topics{In: t.In, Out: t.Out, DeadLetter: t.DeadLetter}, t.Partitions)
	}
	res, err := bench.Failover(ctx, cfg, f.IO.ErrOut)
	if opts.jsonFile != "" && len(res.Kills) > 0 {
		b, _ := json.MarshalIndent(res, "", "  ")
		if werr := os.WriteFile(opts.jsonFile, append(b, '\n'), 0o644); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return fmt.Errorf("bench failover: %w", err)
	}
	if opts.asJSON {
		writeJSON(f.IO.Out, res)
	} else {
		bench.WriteFailoverTable(f.IO.Out, res)
	}
	return res.Err()
}
