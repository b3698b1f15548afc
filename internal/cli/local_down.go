package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/local"
)

type localDownOptions struct {
	IO    IOStreams
	Stack local.Config
	Purge bool
}

func newLocalDownCmd(f *Factory, runF func(context.Context, *localDownOptions) error) *cobra.Command {
	opts := &localDownOptions{IO: f.IO, Stack: local.DefaultConfig()}
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Stop every process of the local stack by its recorded pid",
		Long: `Stop the local stack's TaskManagers, JobManager and broker by their recorded pids: SIGTERM,
then SIGKILL after --stop-timeout. With Flink on YARN, the Flink session's YARN application is
killed through YARN first, then the NodeManager and the ResourceManager are stopped. Data and
logs stay in the state directory unless --purge.`,
		Example: `  streamscale local down
  streamscale local down --purge   # also delete data, logs and config`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return localDownRun(cmd.Context(), opts)
		},
	}
	opts.Stack.AddHomeFlags(cmd.Flags())
	cmd.Flags().DurationVar(&opts.Stack.StopTimeout, "stop-timeout", opts.Stack.StopTimeout, "how long to wait after SIGTERM before SIGKILL")
	cmd.Flags().BoolVar(&opts.Purge, "purge", false, "also delete the state directory (data, logs, configuration)")
	return cmd
}

func localDownRun(ctx context.Context, opts *localDownOptions) error {
	st, err := local.New(opts.Stack, nil)
	if err != nil {
		return err
	}
	// Stopping must finish even after Ctrl-C, or processes would be left behind.
	if err := st.Down(context.WithoutCancel(ctx), opts.Purge, opts.IO.ErrOut); err != nil {
		return fmt.Errorf("local down: %w", err)
	}
	fmt.Fprintln(opts.IO.Out, "local stack stopped")
	return nil
}
