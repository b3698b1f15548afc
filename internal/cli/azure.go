package cli

import (
	"github.com/spf13/cobra"
)

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
	cmd.AddCommand(newAzureUpCmd(f, nil))
	return cmd
}
