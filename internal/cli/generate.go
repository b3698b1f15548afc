package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// genFlags bind generate.Config to flags shared by `generate` and `run`.
type genFlags struct {
	cfg  generate.Config
	prod generate.ProducerConfig
}

func newGenFlags() *genFlags {
	return &genFlags{cfg: generate.DefaultConfig(), prod: generate.DefaultProducerConfig()}
}

func (g *genFlags) add(fs *pflag.FlagSet, withTopic bool) {
	if withTopic {
		fs.StringVar(&g.cfg.Topic, "topic", g.cfg.Topic, "topic to produce to")
	}
	fs.Float64Var(&g.cfg.Rate, "rate", g.cfg.Rate, "target events per second of this generator instance (open loop: the schedule never waits for the broker)")
	fs.BoolVar(&g.cfg.Unlimited, "unlimited", false, "ignore --rate and send as fast as the broker takes records (for benchmarks)")
	fs.DurationVar(&g.cfg.Ramp, "ramp", 0, "climb linearly from 0 to --rate over this long first")
	fs.IntVar(&g.cfg.Instance, "instance", 0, "this generator's index when --instances share the device space")
	fs.IntVar(&g.cfg.Instances, "instances", 1, "number of generators sharing the device space: together they send one gap-free sequence per device")
	fs.DurationVar(&g.cfg.Duration, "duration", g.cfg.Duration, "how long to send")
	fs.Int64Var(&g.cfg.Count, "count", 0, "send exactly this many distinct events instead of --duration")
	fs.IntVar(&g.cfg.Devices, "devices", g.cfg.Devices, "number of simulated devices")
	fs.Int64Var(&g.cfg.Seed, "seed", 0, "seed for reproducible event content (0: random)")
	fs.Float64Var(&g.cfg.DuplicateFraction, "duplicate-fraction", g.cfg.DuplicateFraction, "share of events sent a second time, byte-identical (the sample's every 1,000th)")
	fs.BoolVar(&g.cfg.MixedTypes, "mixed-types", false, "each device alternates TEMP and CO2 readings (the sample's devices keep one type; lets the complex job's HighCO2 tag fire)")
	fs.Float64Var(&g.cfg.QuietDevices, "quiet-devices", 0, "share of the devices, in [0, 1), that stop sending after the first quarter of the run's events while the others go on (lets the complex job's NoNews tag fire)")
	fs.StringVar(&g.cfg.DeviceIDPrefix, "device-prefix", g.cfg.DeviceIDPrefix, "deviceId prefix; the device number follows it")
	fs.DurationVar(&g.prod.Linger, "linger", g.prod.Linger, "producer linger: how long a batch may wait to fill")
	fs.StringVar(&g.prod.Compression, "compression", g.prod.Compression, "producer batch compression: none, gzip, snappy, lz4 or zstd (Event Hubs takes none or gzip)")
	fs.StringVar(&g.prod.Acks, "acks", g.prod.Acks, "producer acks: all (every in-sync replica), 1 (the leader) or 0 (none; no produce latency is measured)")
	fs.Int32Var(&g.prod.BatchBytes, "batch-bytes", g.prod.BatchBytes, "largest producer batch per partition in bytes (Event Hubs: at most 1000000, its default there)")
	fs.BoolVar(&g.prod.Idempotent, "idempotent", g.prod.Idempotent, "idempotent produce: no duplicates from retries (needs --acks all; off for Event Hubs)")
}

// markSet records which producer flags the user gave, so that defaults can adapt to the
// connection (Event Hubs) while explicit values are checked.
func (g *genFlags) markSet(fs *pflag.FlagSet) {
	g.prod.BatchSet, g.prod.IdempotentSet = fs.Changed("batch-bytes"), fs.Changed("idempotent")
}

// checkProducer checks the producer flags for c (generate.ProducerConfig owns the tuning and
// its checks); a refused setting is a flag error.
func (g *genFlags) checkProducer(c kafkaconn.Conn) error {
	if _, err := g.prod.Opts(c); err != nil {
		return flagErrorf(err)
	}
	return nil
}

func newGenerateCmd(f *Factory, runF func(context.Context, *genFlags) error) *cobra.Command {
	conn, gen := newConnFlags(f), newGenFlags()
	var asJSON bool
	var tier int
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Send the sample's IoT events to Kafka at a fixed rate",
		Long: `Send JSON events of the Azure sample's schema (eventId, complexData with 23 doubles, value,
deviceId, deviceSequenceNumber, type, createdAt; about 950 bytes), keyed by deviceId, at an
exact rate. The schedule is open loop: each event has an intended send time and a slow broker
shows up as send lag, not as a lower rate. Ctrl-C stops sending at once, waits up to 30 s for
the records in flight and prints the summary (records still unacknowledged then are reported
as abandoned); a second Ctrl-C quits without waiting.`,
		Example: `  streamscale generate --rate 5000 --duration 2m
  streamscale generate --count 10000 --seed 42 --json
  streamscale generate --tier 10 --instance 0 --instances 5   # one of the sample's 5 simulators: 2,000 of the tier's 10,000 events/s`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			gen.markSet(cmd.Flags())
			if cmd.Flags().Changed("tier") {
				total, err := kafkaconn.RateForTier(tier)
				if err != nil {
					return flagErrorf(fmt.Errorf("--tier: %w", err))
				}
				if !cmd.Flags().Changed("rate") {
					gen.cfg.Rate = instanceRate(total, gen.cfg.Instances)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), gen)
			}
			c, err := conn.conn()
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("tier") {
				if note := generate.TierPartitionsNote(cmd.Context(), c, gen.cfg.Topic, tier); note != "" {
					fmt.Fprintln(f.IO.ErrOut, note)
				}
			}
			sum, err := runGenerate(cmd.Context(), c, gen, f.IO.ErrOut)
			if err != nil && (sum == nil || sum.Records == 0) {
				return err
			}
			if asJSON {
				writeJSON(f.IO.Out, sum)
			} else {
				writeGenerateSummary(f.IO.Out, *sum)
			}
			return err
		},
	}
	conn.addKafka(cmd.Flags())
	gen.add(cmd.Flags(), true)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON")
	cmd.Flags().IntVar(&tier, "tier", 1, "the sample's tier 1, 5 or 10: 1k, 5k or 10k events/s in total, shared by the --instances (each sends its share; --rate overrides)")
	return cmd
}

// instanceRate is one instance's share of a total rate that n generator instances send
// together (as the sample's 5 simulators share a tier's 10,000 events/s).
func instanceRate(total float64, instances int) float64 {
	return total / float64(max(instances, 1))
}

// runGenerate validates the settings (flag errors), then sends (generate.RunOn). It returns the
// summary also when sending was interrupted, with the error.
func runGenerate(ctx context.Context, c kafkaconn.Conn, gen *genFlags, progress io.Writer) (*generate.Summary, error) {
	if err := gen.cfg.Validate(); err != nil {
		return nil, flagErrorf(err)
	}
	if err := gen.checkProducer(c); err != nil {
		return nil, err
	}
	return generate.RunOn(ctx, c, gen.cfg, gen.prod, progress)
}

func writeGenerateSummary(w io.Writer, s generate.Summary) {
	fmt.Fprintf(w, "generated %d events (+%d duplicates) in %.1fs: %.0f events/s (target %.0f), %.0f bytes/event\n",
		s.Events, s.DuplicatesSent, s.Elapsed, s.AchievedRate, s.TargetRate, s.MeanRecordBytes)
	fmt.Fprintf(w, "records             %d sent, %d acknowledged, %d failed", s.Records, s.Acked, s.Errors)
	if s.Abandoned > 0 {
		fmt.Fprintf(w, ", %d abandoned", s.Abandoned)
	}
	fmt.Fprintln(w)
	if s.RunID != "" {
		fmt.Fprintf(w, "run id              %s (begins each eventId: the verifier tells runs apart by it)\n", s.RunID)
	}
	if s.Errors > 0 {
		fmt.Fprintf(w, "first failure       %s\n", s.FirstError)
	}
	if t := s.Throttled(); t != "" {
		fmt.Fprintf(w, "throttled           %s\n", t)
	}
	fmt.Fprintf(w, "send lag ms         p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", s.SendLagMs.P50, s.SendLagMs.P99, s.SendLagMs.P999, s.SendLagMs.Max)
	fmt.Fprintf(w, "produce latency ms  p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", s.ProduceLatencyMs.P50, s.ProduceLatencyMs.P99, s.ProduceLatencyMs.P999, s.ProduceLatencyMs.Max)
	if s.Abandoned > 0 {
		fmt.Fprintf(w, "abandoned %d records the broker had not acknowledged when sending stopped (they may or may not be in the topic)\n", s.Abandoned)
	}
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
