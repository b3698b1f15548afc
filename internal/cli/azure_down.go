package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/up"
)

func newAzureDownCmd(f *Factory, runF func(context.Context, *up.DownOptions) error) *cobra.Command {
	opts := &up.DownOptions{}
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Delete the resource group and everything in it, after a confirmation",
		Long: `Delete the resource group ` + "`azure up`" + ` created, with every resource in it (Event Hubs,
storage and its checkpoints, registry, AKS, container groups), and wait until Azure is done.
It asks you to type the group's name first; --yes skips that.`,
		Example: `  streamscale azure down --resource-group streamscale-rg
  streamscale azure down --resource-group streamscale-rg --yes`,
		Args: cobra.NoArgs,
	}
	cmd.Flags().StringVar(&opts.ResourceGroup, "resource-group", "", "resource group to delete (required)")
	azclient.AddSubscriptionFlag(cmd.Flags(), &opts.Subscription)
	cmd.Flags().BoolVar(&opts.Yes, "yes", false, "delete without asking")
	return newCommand(f, cmd, opts, runF, azureDownRun)
}

func azureDownRun(ctx context.Context, f *Factory, opts *up.DownOptions) error {
	o := *opts
	o.Subscription = azclient.Subscription(o.Subscription, f.Getenv)
	return asFlagError(up.Down(ctx, o, f.azureClients(), f.IO.In, f.IO.ErrOut, f.IO.Out))
}
