package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

func newBenchFailoverCmd(f *Factory) *cobra.Command {
	stack, job := newStackFlags(), newJobFlags()
	cfg := bench.FailoverConfig{}
	var settings, jsonFile string
	var asJSON bool
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
			if err := job.validate(); err != nil {
				return err
			}
			var err error
			if cfg.Settings, err = bench.FailoverPreset(settings); err != nil {
				return flagErrorf(fmt.Errorf("--settings: %w", err))
			}
			if err := stack.cfg.Validate(); err != nil {
				return flagErrorf(err)
			}
			switch {
			case cfg.Kills < 1:
				return flagErrorf(fmt.Errorf("--kills: %d must be at least 1", cfg.Kills))
			case cfg.Rate <= 0:
				return flagErrorf(fmt.Errorf("--rate: %g must be positive", cfg.Rate))
			case cfg.KillAfter >= cfg.Duration:
				return flagErrorf(fmt.Errorf("--kill-after %s must be shorter than --duration %s", cfg.KillAfter, cfg.Duration))
			}
			cfg.Stack = stack.cfg
			cfg.Job = func(conn kafkaconn.Conn, t pipeline.Topics) relay.Spec {
				return job.spec(conn, &topicFlags{in: t.In, out: t.Out, deadLetter: t.DeadLetter}, t.Partitions)
			}
			res, err := bench.Failover(cmd.Context(), cfg, f.IO.ErrOut)
			if jsonFile != "" && len(res.Kills) > 0 {
				b, _ := json.MarshalIndent(res, "", "  ")
				if werr := os.WriteFile(jsonFile, append(b, '\n'), 0o644); werr != nil && err == nil {
					err = werr
				}
			}
			if err != nil {
				return fmt.Errorf("bench failover: %w", err)
			}
			if asJSON {
				writeJSON(f.IO.Out, res)
			} else {
				writeFailover(f, res)
			}
			if res.Missing > 0 {
				return fmt.Errorf("bench failover: %d events missing after the kills", res.Missing)
			}
			return nil
		},
	}
	stack.addStart(cmd.Flags())
	job.add(cmd)
	fs := cmd.Flags()
	fs.StringVar(&settings, "settings", bench.SettingsTuned, "the local stack's failover settings when the benchmark starts it: tuned or baseline")
	fs.IntVar(&cfg.Kills, "kills", 5, "TaskManagers killed, one per run")
	fs.Float64Var(&cfg.Rate, "rate", 3000, "events/s during each run")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "length of each run's load")
	fs.DurationVar(&cfg.KillAfter, "kill-after", 10*time.Second, "when the kill comes: once the output holds this long's worth of the load")
	fs.Int32Var(&cfg.Partitions, "partitions", 2, "partitions of each run's topics, and the job's parallelism")
	fs.DurationVar(&cfg.DrainIdle, "drain-timeout", 30*time.Second, "after sending, how long to wait for the next event in the output before verifying")
	fs.StringVar(&jsonFile, "json-file", "", "also write the result as JSON to this file")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

func writeFailover(f *Factory, r bench.FailoverResult) {
	w := f.IO.Out
	fmt.Fprintf(w, "guarantee %s, %.0f events/s, checkpoint interval %s, restart %s\n", r.Guarantee, r.Rate, time.Duration(r.CheckpointIntervalMs)*time.Millisecond, r.Restart)
	fmt.Fprintf(w, "settings %s: %d standby TaskManagers, heartbeat.interval %s, heartbeat.timeout %s, heartbeat.rpc-failure-threshold %s, failover %s\n",
		r.Settings.Name, r.Settings.StandbyTaskManagers, orDefault(r.Flink["heartbeat.interval"]), orDefault(r.Flink["heartbeat.timeout"]),
		orDefault(r.Flink["heartbeat.rpc-failure-threshold"]), orDefault(r.Flink["jobmanager.execution.failover-strategy"]))
	fmt.Fprintf(w, "%-5s %-28s %10s %-18s %9s %16s %8s %8s\n", "kill", "taskmanager", "lost after", "detected by", "stall ms", "gap from/to ms", "back ms", "missing")
	for i, k := range r.Kills {
		by := k.DetectedBy
		if by == "" {
			by = "?"
		}
		stall, gap := fmt.Sprint(k.Stall.Ms), fmt.Sprintf("%+d/%+d", k.Stall.FromMs, k.Stall.ToMs)
		if !k.Stall.Recovered {
			stall, gap = "-", "not recovered"
		}
		fmt.Fprintf(w, "%-5d %-28s %10d %-18s %9s %16s %8d %8d\n", i+1, k.TaskManager, k.DetectedMs, by, stall, gap, k.BackAfterMs, k.Missing)
	}
	fmt.Fprintf(w, "stall p50 %d ms, max %d ms over %d kills (%d not recovered); %d missing; load average %.1f → %.1f\n",
		r.StallP50Ms, r.StallMaxMs, len(r.Kills)-r.Unrecovered, r.Unrecovered, r.Missing, r.LoadAvg[0], r.LoadAvg[1])
}

// orDefault is a cluster setting, or "default" when the cluster does not set it.
func orDefault(v string) string {
	if v == "" {
		return "default"
	}
	return v
}
