package cli

import (
	"fmt"
	"strings"

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
		newYarnCmd(f),
		newTopicsCmd(f),
		newJobCmd(f),
		newGenerateCmd(f, nil),
		newVerifyCmd(f, nil),
		newRunCmd(f, nil),
		newBenchCmd(f),
		newPeekCmd(f, nil),
		newHubReportCmd(f),
		newDashboardCmd(f, nil),
		newAzureCmd(f),
	)
	argErrorsAreUsage(root)
	return root
}

// argErrorsAreUsage makes every command's argument check (too many arguments, a missing one)
// a usage error, as flag errors are: exit 2 and a pointer to --help, not a failure of the
// command (exit 1).
func argErrorsAreUsage(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return flagErrorf(err)
			}
			return nil
		}
	}
	if cmd.HasSubCommands() && !cmd.Runnable() {
		// A group (local, topics, job, bench): without arguments its help, with one it does
		// not know a usage error (cobra would print the help and exit 0).
		cmd.RunE = func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return flagErrorf(fmt.Errorf("unknown command %q for %q", args[0], c.CommandPath()))
			}
			return c.Help()
		}
	}
	for _, sub := range cmd.Commands() {
		argErrorsAreUsage(sub)
	}
}

// IsUnknownCommand reports whether err is cobra's error for a command name it does not know
// (`streamscale nosuch`), which is a usage error too. Cobra has no type for it.
func IsUnknownCommand(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "unknown command ")
}
