package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

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

// checkProducer checks the producer flags for c (generate.ProducerConfig owns the tuning and
// its checks); a refused setting is a flag error.
func (g *genFlags) checkProducer(c kafkaconn.Conn) error {
	if _, err := g.prod.Opts(c); err != nil {
		return flagErrorf(err)
	}
	return nil
}

func newGenerateCmd(f *Factory, runF func(context.Context, *genFlags) error) *cobra.Command {
	conn, gen := f.newConn(), newGenFlags()
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
			gen.prod.MarkGiven(cmd.Flags())
			if cmd.Flags().Changed("tier") {
				total, err := kafkaconn.RateForTier(tier)
				if err != nil {
					return flagErrorf(fmt.Errorf("--tier: %w", err))
				}
				if !cmd.Flags().Changed("rate") {
					gen.cfg.Rate = generate.InstanceRate(total, gen.cfg.Instances)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), gen)
			}
			c, err := conn.KafkaConn()
			if err != nil {
				return usageOf(err)
			}
			if cmd.Flags().Changed("tier") {
				if note := generate.TierPartitionsNote(cmd.Context(), c, gen.cfg.Topic, tier); note != "" {
					fmt.Fprintln(f.IO.ErrOut, note)
				}
			}
			if err := gen.cfg.Validate(); err != nil {
				return flagErrorf(err)
			}
			if err := gen.checkProducer(c); err != nil {
				return err
			}
			sum, err := generate.RunOn(cmd.Context(), c, gen.cfg, gen.prod, f.IO.ErrOut)
			if err != nil && (sum == nil || sum.Records == 0) {
				return err
			}
			if asJSON {
				writeJSON(f.IO.Out, sum)
			} else {
				_ = sum.WriteText(f.IO.Out)
			}
			return err
		},
	}
	conn.AddKafkaFlags(cmd.Flags())
	gen.cfg.AddFlags(cmd.Flags(), true)
	gen.prod.AddFlags(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON")
	cmd.Flags().IntVar(&tier, "tier", 1, "the sample's tier 1, 5 or 10: 1k, 5k or 10k events/s in total, shared by the --instances (each sends its share; --rate overrides)")
	return cmd
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
