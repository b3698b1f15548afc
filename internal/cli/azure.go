package cli

import (
	"context"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/spf13/cobra"
	"k8s.io/client-go/dynamic"

	"github.com/streamscale/streamscale/internal/azure/kube"
	"github.com/streamscale/streamscale/internal/azure/preflight"
	"github.com/streamscale/streamscale/internal/azure/provision"
)

// azureDeps are the Azure commands' dependencies; tests replace them with the SDK's fakes.
type azureDeps struct {
	// credential is azidentity's DefaultAzureCredential: environment, workload identity,
	// managed identity, then the Azure CLI's login.
	credential func() (azcore.TokenCredential, error)
	// options are the ARM clients' options (nil: the SDK's defaults).
	options *arm.ClientOptions
	// blobOptions are the storage data-plane client's options (nil: the SDK's defaults).
	blobOptions *azblob.ClientOptions
	// preflight runs `azure check` (nil: preflight.Run).
	preflight func(context.Context, preflight.Config) (preflight.Report, error)
	// kube makes the AKS cluster's Kubernetes client from its kubeconfig (nil: client-go's).
	kube func(kubeconfig []byte) (dynamic.Interface, error)
}

// kubeClient is the AKS cluster's dynamic client (deps.kube, or client-go's).
func (d *azureDeps) kubeClient(kubeconfig []byte) (dynamic.Interface, error) {
	if d.kube != nil {
		return d.kube(kubeconfig)
	}
	return kube.Dynamic(kubeconfig)
}

func defaultAzureDeps() *azureDeps {
	return &azureDeps{credential: func() (azcore.TokenCredential, error) {
		c, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("azure credentials: %w (sign in with `az login`, or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET)", err)
		}
		return c, nil
	}}
}

// clients makes the ARM clients for a subscription.
func (d *azureDeps) clients(subscription string) (*provision.Clients, error) {
	cred, err := d.credential()
	if err != nil {
		return nil, err
	}
	return provision.NewClients(subscription, cred, d.options)
}

// newAzureCmd is the `azure` group: the sample's own target, Event Hubs + Flink on AKS +
// generators on Container Instances (docs/azure.md).
func newAzureCmd(f *Factory) *cobra.Command {
	deps := defaultAzureDeps()
	cmd := &cobra.Command{
		Use:   "azure",
		Short: "Deploy the pipeline to Azure: two Event Hubs namespaces, Flink on AKS, generators on Container Instances",
		Long: `Deploy and measure the pipeline on Azure, as the "Streaming at Scale" sample does, with the
Azure SDK for Go: ` + "`azure up --dry-run`" + ` prints the plan and the manifests without touching
anything. See docs/azure.md for the walkthrough and what each tier costs.`,
	}
	cmd.AddCommand(newAzureCheckCmd(f, deps, nil), newAzureUpCmd(f, deps, nil), newAzureRunCmd(f, deps), newAzureReportCmd(f, deps), newAzureVerifyCmd(f, deps), newAzureUICmd(f, deps), newAzureDownCmd(f, deps, nil))
	return cmd
}
