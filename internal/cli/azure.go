package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/up"
)

// azureClients are the Factory's Azure clients (made on first use when the Factory has none).
func (f *Factory) azureClients() *azclient.Clients {
	if f.Azure == nil {
		f.Azure = azclient.New()
	}
	return f.Azure
}

// newAzureCmd is the `azure` group: the sample's own target, Event Hubs + Flink on AKS +
// generators on Container Instances (docs/azure.md).
func newAzureCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "azure",
		Short: "Deploy the pipeline to Azure: two Event Hubs namespaces, Flink on AKS, generators on Container Instances",
		Long: `Deploy and measure the pipeline on Azure, as the "Streaming at Scale" sample does, with the
Azure SDK for Go: ` + "`azure up --dry-run`" + ` prints the plan and the manifests without touching
anything. See docs/azure.md for the walkthrough and what each tier costs.`,
	}
	cmd.AddCommand(newAzureCheckCmd(f, nil), newAzureUpCmd(f, nil), newAzureRunCmd(f), newAzureReportCmd(f), newAzureVerifyCmd(f), newAzureUICmd(f), newAzureDownCmd(f, nil))
	return cmd
}

// asFlagError makes the azure packages' *up.InputError a flag error.
func asFlagError(err error) error {
	var ie *up.InputError
	if errors.As(err, &ie) {
		return flagErrorf(ie.Err)
	}
	return err
}
