package cli

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/azure/hdinsight"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/preflight"
	"github.com/streamscale/streamscale/internal/azure/up"
)

type azureCheckOptions struct {
	cfg plan.Config
	// platform is --platform: aks (default) or hdinsight.
	platform string
	// hdi sizes the HDInsight cluster (--platform hdinsight).
	hdi         hdinsight.Spec
	callTimeout time.Duration
}

func newAzureCheckCmd(f *Factory, runF func(context.Context, *azureCheckOptions) error) *cobra.Command {
	opts := &azureCheckOptions{platform: platformAKS}
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return azureCheckRun(cmd.Context(), f, opts)
		},
	}
	fs := cmd.Flags()
	addAzurePlanFlags(fs, &opts.cfg, &opts.platform, &opts.hdi)
	for name, usage := range checkUsage {
		fs.Lookup(name).Usage = usage
	}
	fs.DurationVar(&opts.callTimeout, "call-timeout", preflight.DefaultCallTimeout, "how long each call to Azure may take")
	return cmd
}

// checkUsage are the help lines of the flags `azure check` shares with `azure up` where
// check's differ: it names what up was given.
var checkUsage = map[string]string{
	"resource-group": "resource group azure up creates or reuses (required)",
	"prefix":         "start of every resource name, as given to azure up",
	"platform":       "where Flink runs: aks or hdinsight",
	"node-count":     "AKS nodes, as given to azure up (default: the tier's 3/5/4)",
	"node-vm-size":   "AKS node size, as given to azure up (default: the tier's)",
}

func azureCheckRun(ctx context.Context, f *Factory, opts *azureCheckOptions) error {
	c := opts.cfg
	c.Subscription = f.azureSubscription(c.Subscription)
	err := up.RunCheck(ctx, up.CheckOptions{Config: c, Platform: opts.platform, HDI: opts.hdi, CallTimeout: opts.callTimeout}, f.azureClients(), f.IO.Out)
	if errors.Is(err, preflight.ErrChecksFailed) {
		return ErrSilent
	}
	return asFlagError(err)
}
