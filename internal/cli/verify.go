package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/verify"
)

type verifyOptions struct {
	conn          *pipeline.Connection
	topic         string
	run           string
	fromBeginning bool
	from, to      string
	inputTopic    string
	grace         time.Duration
	idle          time.Duration
	asJSON        bool
	interval      time.Duration
	checks        verify.Checks
	// job is --job: which Flink job wrote the output ("": the recorded run's, else the relay).
	job string
	// inputConn, when set, is the input topic's cluster, another than the output's (`azure
	// verify`: Event Hubs namespace #1); nil: the same cluster.
	inputConn *kafkaconn.Conn
}

func newVerifyCmd(f *Factory, runF func(context.Context, *verifyOptions) error) *cobra.Command {
	opts := &verifyOptions{conn: f.newConn(), topic: "out", inputTopic: "in", grace: time.Minute, idle: 10 * time.Second, checks: verify.DefaultChecks()}
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the output topic: every event once, both fields present, latency percentiles",
		Long: `Read the output topic and check it: each record has enqueuedAt and processedAt, each device's
sequence has no gaps (missing events) and no repeats (duplicates); and report the pipeline
latency (output record's Kafka timestamp − enqueuedAt, the sample's definition), end-to-end
latency (− createdAt) and in-job latency (processedAt − enqueuedAt) as HdrHistogram
percentiles.

By default it checks the window of the last ` + "`streamscale run`" + ` (recorded in --home) and
reconciles it exactly with that run's input window: missing (in but never out), unexpected
(out but never in), duplicates made by the pipeline, and the generator's deliberate source
duplicates apart. --from/--to reconcile a time window instead: the input records the broker
appended in [from, to) against the output records made from them (by their enqueuedAt),
read up to --grace past --to. --from-beginning reads the whole output topic until it is idle
and counts gaps per device instead. Exits 1 when a check fails, with one line per failed check.

The complex job (--job complex, or a run recorded with it) writes tags, not events: verify
recomputes from the input window every tag the job must write (rebuilding the devices' state
from the input topic's start up to the window) and reconciles the output exactly: missing,
unexpected and duplicated tags by (deviceId, tag, triggerEventId), NoNews tags the watermark
did not certainly reach still "pending", the tag counts per kind, and the tag latency (output
append time − the trigger event's enqueuedAt). --from-beginning then checks the whole input
topic's tags; --from/--to are refused.`,
		Example: `  streamscale verify
  streamscale verify --json | jq .latencyMs.pipeline
  streamscale verify --from 2026-11-25T04:00:00Z --to 2026-11-25T04:10:00Z
  streamscale verify --from 15m --to 5m --max-p99-ms 500
  streamscale verify --from-beginning --topic out --brokers kafka:9092
  streamscale verify --job complex --json | jq .tags.byKind`,
		Args: cobra.NoArgs,
	}
	opts.conn.AddKafkaFlags(cmd.Flags())
	cmd.Flags().StringVar(&opts.topic, "topic", opts.topic, "output topic to read (with --from-beginning)")
	cmd.Flags().StringVar(&opts.run, "run", "", "id of a recorded run to verify (default: the last)")
	cmd.Flags().BoolVar(&opts.fromBeginning, "from-beginning", false, "read the whole topic until idle instead of a recorded run's window")
	cmd.Flags().StringVar(&opts.from, "from", "", "reconcile the input appended from this time: RFC 3339 or a duration ago (30m)")
	cmd.Flags().StringVar(&opts.to, "to", "", "… until this time (default: now)")
	cmd.Flags().StringVar(&opts.inputTopic, "input-topic", opts.inputTopic, "input topic to reconcile against (with --from/--to)")
	cmd.Flags().DurationVar(&opts.grace, "grace", opts.grace, "with --from/--to: how long after --to output of the window's input may still arrive")
	cmd.Flags().DurationVar(&opts.idle, "idle-timeout", opts.idle, "with --from-beginning: stop after this long without new records; with a recorded run: stop waiting for its events after this long without one more")
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print the result as JSON")
	cmd.Flags().DurationVar(&opts.interval, "interval", 10*time.Second, "width of the per-interval rate and latency series")
	cmd.Flags().StringVar(&opts.job, "job", "", "which Flink job wrote the output: relay or complex, whose tags are recomputed from the input window and reconciled (default: the one the recorded run used, else relay)")
	opts.checks.AddFlags(cmd.Flags())
	return newCommand(f, cmd, opts, runF, verifyRun)
}

// reportChecks prints one line per failed check and returns ErrSilent when any failed.
func reportChecks(f *Factory, res verify.Result, c verify.Checks) error {
	if res.WriteFailures(f.IO.ErrOut, c) {
		return ErrSilent
	}
	return nil
}

func verifyRun(ctx context.Context, f *Factory, opts *verifyOptions) error {
	cfg := verify.DefaultConfig()
	cfg.Topic, cfg.IdleTimeout, cfg.Interval = opts.topic, opts.idle, opts.interval
	res, err := pipeline.Verify(ctx, pipeline.VerifyRequest{Conn: opts.conn, InputConn: opts.inputConn, Run: opts.run, FromBeginning: opts.fromBeginning,
		Job: opts.job, From: opts.from, To: opts.to, InputTopic: opts.inputTopic, Grace: opts.grace, Progress: f.IO.ErrOut}, cfg)
	if err != nil {
		return usageOf(err)
	}
	if opts.asJSON {
		writeJSON(f.IO.Out, res)
	} else if err := res.WriteText(f.IO.Out); err != nil {
		return err
	}
	return reportChecks(f, res, opts.checks)
}
