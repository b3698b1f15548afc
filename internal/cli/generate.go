package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// genFlags bind generate.Config to flags shared by `generate` and `run`.
type genFlags struct {
	cfg         generate.Config
	linger      time.Duration
	compression string
}

func newGenFlags() *genFlags {
	return &genFlags{cfg: generate.DefaultConfig(), linger: 5 * time.Millisecond}
}

func (g *genFlags) add(fs *pflag.FlagSet, withTopic bool) {
	if withTopic {
		fs.StringVar(&g.cfg.Topic, "topic", g.cfg.Topic, "topic to produce to")
	}
	fs.Float64Var(&g.cfg.Rate, "rate", g.cfg.Rate, "target events per second (open loop: the schedule never waits for the broker)")
	fs.BoolVar(&g.cfg.Unlimited, "unlimited", false, "ignore --rate and send as fast as the broker takes records (for benchmarks)")
	fs.DurationVar(&g.cfg.Ramp, "ramp", 0, "climb linearly from 0 to --rate over this long first")
	fs.IntVar(&g.cfg.Instance, "instance", 0, "this generator's index when --instances share the device space")
	fs.IntVar(&g.cfg.Instances, "instances", 1, "number of generators sharing the device space: together they send one gap-free sequence per device")
	fs.DurationVar(&g.cfg.Duration, "duration", g.cfg.Duration, "how long to send")
	fs.Int64Var(&g.cfg.Count, "count", 0, "send exactly this many distinct events instead of --duration")
	fs.IntVar(&g.cfg.Devices, "devices", g.cfg.Devices, "number of simulated devices")
	fs.Int64Var(&g.cfg.Seed, "seed", 0, "seed for reproducible event content (0: random)")
	fs.Float64Var(&g.cfg.DuplicateFraction, "duplicate-fraction", g.cfg.DuplicateFraction, "share of events sent a second time, byte-identical (the sample's every 1,000th)")
	fs.StringVar(&g.cfg.DeviceIDPrefix, "device-prefix", g.cfg.DeviceIDPrefix, "deviceId prefix; the device number follows it")
	fs.DurationVar(&g.linger, "linger", g.linger, "producer linger: how long a batch may wait to fill")
	fs.StringVar(&g.compression, "compression", "none", "producer batch compression: none, gzip, snappy, lz4 or zstd (Event Hubs takes none or gzip)")
}

// producerOpts are the franz-go producer settings of the generator: acks=all with
// idempotence (franz-go's defaults), linger 5 ms, batches up to 1 MiB, no compression (so
// byte counts are the events' own size), 30 s delivery timeout.
func (g *genFlags) producerOpts() ([]kgo.Opt, error) {
	codec, err := kafkaconn.Compression(g.compression)
	if err != nil {
		return nil, flagErrorf(fmt.Errorf("--compression: %w", err))
	}
	return []kgo.Opt{
		kgo.ProducerBatchCompression(codec),
		kgo.ProducerLinger(g.linger),
		kgo.ProducerBatchMaxBytes(1 << 20),
		kgo.MaxBufferedRecords(1 << 16),
		// A broker that does not answer fails records after this long instead of never.
		kgo.RecordDeliveryTimeout(30 * time.Second),
	}, nil
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
shows up as send lag, not as a lower rate. Ctrl-C flushes what is in flight and prints the
summary.`,
		Example: `  streamscale generate --rate 5000 --duration 2m
  streamscale generate --count 10000 --seed 42 --json
  streamscale generate --tier 10 --instance 0 --instances 5   # one of the sample's 5 simulators`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("tier") {
				rate, err := kafkaconn.RateForTier(tier)
				if err != nil {
					return flagErrorf(fmt.Errorf("--tier: %w", err))
				}
				if !cmd.Flags().Changed("rate") {
					gen.cfg.Rate = rate
				}
			}
			if runF != nil {
				return runF(cmd.Context(), gen)
			}
			c, err := conn.conn()
			if err != nil {
				return err
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
	cmd.Flags().IntVar(&tier, "tier", 1, "the sample's tier 1, 5 or 10: sets --rate to 1k, 5k or 10k events/s")
	return cmd
}

// runGenerate validates the settings, builds the producer and sends. It returns the summary
// also when sending was interrupted, with the error.
func runGenerate(ctx context.Context, c kafkaconn.Conn, gen *genFlags, progress io.Writer) (*generate.Summary, error) {
	if err := gen.cfg.Validate(); err != nil {
		return nil, flagErrorf(err)
	}
	popts, err := gen.producerOpts()
	if err != nil {
		return nil, err
	}
	cl, err := c.NewClient(popts...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	sum, err := generate.Run(ctx, cl, gen.cfg, progress)
	return &sum, err
}

func writeGenerateSummary(w io.Writer, s generate.Summary) {
	fmt.Fprintf(w, "generated %d events (+%d duplicates) in %.1fs: %.0f events/s (target %.0f), %.0f bytes/event, %d errors\n",
		s.Events, s.DuplicatesSent, s.Elapsed, s.AchievedRate, s.TargetRate, s.MeanRecordBytes, s.Errors)
	fmt.Fprintf(w, "send lag ms         p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", s.SendLagMs.P50, s.SendLagMs.P99, s.SendLagMs.P999, s.SendLagMs.Max)
	fmt.Fprintf(w, "produce latency ms  p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", s.ProduceLatencyMs.P50, s.ProduceLatencyMs.P99, s.ProduceLatencyMs.P999, s.ProduceLatencyMs.Max)
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
