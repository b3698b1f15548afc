package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
)

func newBenchFailoverCmd(f *Factory) *cobra.Command {
	run, asJSON := &bench.FailoverRun{Options: *pipeline.DefaultJobOptions()}, false
	run.Stack = local.DefaultConfig()
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
			if err := run.Check(); err != nil {
				return flagErrorf(err)
			}
			res, err := run.Run(cmd.Context(), f.IO.ErrOut)
			if err != nil {
				return fmt.Errorf("bench failover: %w", err)
			}
			if err := writeResult(f.IO.Out, asJSON, res); err != nil {
				return err
			}
			return res.Err()
		},
	}
	fs := cmd.Flags()
	run.Stack.AddFlags(fs)
	run.Options.AddFlags(fs)
	fs.StringVar(&run.Preset, "settings", bench.SettingsTuned, "the local stack's failover settings when the benchmark starts it: tuned or baseline")
	fs.IntVar(&run.Kills, "kills", 5, "TaskManagers killed, one per run")
	fs.Float64Var(&run.Rate, "rate", 3000, "events/s during each run")
	fs.DurationVar(&run.Duration, "duration", 30*time.Second, "length of each run's load")
	fs.DurationVar(&run.KillAfter, "kill-after", 10*time.Second, "when the kill comes: once the output holds this long's worth of the load")
	fs.Int32Var(&run.Partitions, "partitions", 2, "partitions of each run's topics, and the job's parallelism")
	fs.DurationVar(&run.DrainIdle, "drain-timeout", 30*time.Second, "after sending, how long to wait for the next event in the output before verifying")
	fs.StringVar(&run.JSONFile, "json-file", "", "also write the result as JSON to this file")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}
