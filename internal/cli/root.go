package cli

import (
	"github.com/spf13/cobra"
)

// NewRootCmd builds the streamscale command tree.
func NewRootCmd(f *Factory, version string) *cobra.Command {
	root := &cobra.Command{
		Use:   "streamscale",
		Short: "Stand up, load, measure and verify a Kafka → Flink → Kafka streaming pipeline",
		Long: `streamscale stands up a streaming pipeline (load generator → Kafka "in" → Flink relay job →
Kafka "out" → verifier), drives it with the Azure "Streaming at Scale" sample's IoT events and
measures what comes out: throughput, latency percentiles, duplicates, order and loss.

By default everything runs locally: a real Kafka broker and a real Flink session cluster on
127.0.0.1, from the jars the project's Maven build fetched. Point --brokers and --flink-url at
your own cluster to use it instead.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return flagErrorf(err) })
	root.AddCommand(
		newLocalCmd(f),
		newTopicsCmd(f),
		newJobCmd(f),
		newGenerateCmd(f, nil),
		newVerifyCmd(f, nil),
		newRunCmd(f, nil),
		newBenchCmd(f),
		newPeekCmd(f),
		newHubReportCmd(f),
	)
	return root
}
