package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/preflight"
	"github.com/streamscale/streamscale/internal/azure/up"
)

func newAzureCheckCmd(f *Factory, runF func(context.Context, *up.CheckOptions) error) *cobra.Command {
	opts := &up.CheckOptions{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the subscription before azure up: sign-in, providers, role-assignment permission, quota, VM size, names",
		Long: `Check, reading only, what ` + "`azure up`" + ` with the same flags needs of the subscription, before it
spends twenty minutes creating things: the signed-in identity and the subscription, the
resource providers the plan uses, the permission to create role assignments (Owner or User
Access Administrator), the VM size of the cluster's nodes in the region, the regional vCPU
quota for them (the size's family and the region's total), and that the globally unique names
(storage account, registry, Event Hubs namespaces) are free or already ours. One line per
check; each FAIL names its fix; the exit status is non-zero when any fails. ` + "`azure up`" + ` runs the
same checks first unless given --skip-checks. See docs/azure.md, "azure check".`,
		Example: `  streamscale azure check --tier 10 --resource-group streamscale-rg --location westeurope
  streamscale azure check --tier 1 --resource-group streamscale-rg --location westeurope --platform hdinsight`,
		Args: cobra.NoArgs,
	}
	opts.AddFlags(cmd.Flags())
	cmd.Flags().DurationVar(&opts.CallTimeout, "call-timeout", preflight.DefaultCallTimeout, "how long each call to Azure may take")
	return newCommand(f, cmd, opts, runF, azureCheckRun)
}

func azureCheckRun(ctx context.Context, f *Factory, opts *up.CheckOptions) error {
	o := *opts
	o.Config.Subscription = azclient.Subscription(o.Config.Subscription, f.Getenv)
	err := up.RunCheck(ctx, o, f.azureClients(), f.IO.Out)
	if errors.Is(err, preflight.ErrChecksFailed) {
		return ErrSilent
	}
	return asFlagError(err)
}
