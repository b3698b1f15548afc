package cli

import (
	"context"
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/local"
)

type localStatusOptions struct {
	IO    IOStreams
	Stack local.Config
	JSON  bool
}

func newLocalStatusCmd(f *Factory, runF func(context.Context, *localStatusOptions) error) *cobra.Command {
	opts := &localStatusOptions{IO: f.IO, Stack: local.DefaultConfig()}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show each process of the local stack: pid, health, ports and log",
		Long: `Show each process of the local stack with its pid, health, address and log file.
Exits 1 when the stack is not fully healthy, so scripts can wait on it.`,
		Example: `  streamscale local status
  streamscale local status --json | jq .flink.taskmanagerPids`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return localStatusRun(cmd.Context(), opts)
		},
	}
	opts.Stack.AddHomeFlags(cmd.Flags())
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the status as JSON")
	return cmd
}

func localStatusRun(ctx context.Context, opts *localStatusOptions) error {
	st, err := local.New(opts.Stack, nil)
	if err != nil {
		return err
	}
	status, err := st.Status(ctx)
	if err != nil {
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(status); err != nil {
			return err
		}
	} else {
		local.WriteStatusTable(opts.IO.Out, status)
	}
	if !status.Healthy() {
		return ErrSilent
	}
	return nil
}
