package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/provision"
)

type azureDownOptions struct {
	resourceGroup string
	subscription  string
	yes           bool
}

func newAzureDownCmd(f *Factory, runF func(context.Context, *azureDownOptions) error) *cobra.Command {
	opts := &azureDownOptions{}
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Delete the resource group and everything in it, after a confirmation",
		Long: `Delete the resource group ` + "`azure up`" + ` created, with every resource in it (Event Hubs,
storage and its checkpoints, registry, AKS, container groups), and wait until Azure is done.
It asks you to type the group's name first; --yes skips that.`,
		Example: `  streamscale azure down --resource-group streamscale-rg
  streamscale azure down --resource-group streamscale-rg --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return azureDownRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.resourceGroup, "resource-group", "", "resource group to delete (required)")
	cmd.Flags().StringVar(&opts.subscription, "subscription", "", "Azure subscription ID (env "+EnvAzureSubscription+")")
	cmd.Flags().BoolVar(&opts.yes, "yes", false, "delete without asking")
	return cmd
}

func azureDownRun(ctx context.Context, f *Factory, opts *azureDownOptions) error {
	if opts.resourceGroup == "" {
		return flagErrorf(errors.New("--resource-group is required: name the group `azure up` created"))
	}
	sub := f.azureSubscription(opts.subscription)
	if err := azclient.Require(sub); err != nil {
		return flagErrorf(err)
	}
	if !opts.yes {
		fmt.Fprintf(f.IO.ErrOut, "This deletes resource group %s and everything in it, checkpoints included.\nType its name to go on: ", opts.resourceGroup)
		line, _ := bufio.NewReader(f.IO.In).ReadString('\n')
		if strings.TrimSpace(line) != opts.resourceGroup {
			return errors.New("azure down: not confirmed, nothing deleted (pass --yes to skip the question)")
		}
	}
	clients, err := f.azureClients().ARM(sub)
	if err != nil {
		return err
	}
	r := &provision.Runner{Clients: clients, Out: f.IO.Out}
	if _, err := r.Down(ctx, opts.resourceGroup); err != nil {
		return fmt.Errorf("azure down: %w", err)
	}
	return nil
}
