// Package armclients is the one set of Azure Resource Manager clients every Azure command
// uses: `azure up`/`down` provision with it (package provision), `azure check` reads with it
// (package preflight), `azure run`/`report` read the deployment and Azure Monitor with it.
// Making a client is cheap (no request is sent), so the set is made whole.
package armclients

import (
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v9"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerinstance/armcontainerinstance/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/eventhub/armeventhub"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/msi/armmsi"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage"
)

// Set is the ARM clients of one subscription.
type Set struct {
	Subscription string
	Groups       *armresources.ResourceGroupsClient
	Namespaces   *armeventhub.NamespacesClient
	Hubs         *armeventhub.EventHubsClient
	Accounts     *armstorage.AccountsClient
	Containers   *armstorage.BlobContainersClient
	Registries   *armcontainerregistry.RegistriesClient
	Identities   *armmsi.UserAssignedIdentitiesClient
	// FederatedCredentials are the user-assigned identities' federated identity credentials.
	FederatedCredentials *armmsi.FederatedIdentityCredentialsClient
	Clusters             *armcontainerservice.ManagedClustersClient
	RoleAssignments      *armauthorization.RoleAssignmentsClient
	ContainerGroups      *armcontainerinstance.ContainerGroupsClient
	GeneratorLogs        *armcontainerinstance.ContainersClient
	// Resources is the generic client (the Azure Monitor workspace has no typed one).
	Resources *armresources.Client
	// CollectionEndpoints, CollectionRules and CollectionAssociations are managed
	// Prometheus' data collection resources.
	CollectionEndpoints    *armmonitor.DataCollectionEndpointsClient
	CollectionRules        *armmonitor.DataCollectionRulesClient
	CollectionAssociations *armmonitor.DataCollectionRuleAssociationsClient
	// Metrics reads Azure Monitor's platform metrics (the hub table).
	Metrics *armmonitor.MetricsClient

	// The read-only clients of `azure check`.

	// Subscriptions reads the subscription itself.
	Subscriptions *armsubscriptions.Client
	// Providers reads the resource providers' registration.
	Providers *armresources.ProvidersClient
	// Permissions lists the caller's permissions on a resource group.
	Permissions *armauthorization.PermissionsClient
	// RoleDefinitions reads the roles the caller's assignments name.
	RoleDefinitions *armauthorization.RoleDefinitionsClient
	// Usage is the regional vCPU quota.
	Usage *armcompute.UsageClient
	// SKUs are the VM sizes offered in a region.
	SKUs *armcompute.ResourceSKUsClient
}

// New makes the clients for a subscription. opts may be nil; tests set its Transport to the
// SDK's fake servers.
func New(subscription string, cred azcore.TokenCredential, opts *arm.ClientOptions) (*Set, error) {
	c := &Set{Subscription: subscription}
	var err error
	keep := func(what string, e error) {
		if err == nil && e != nil {
			err = fmt.Errorf("azure %s client: %w", what, e)
		}
	}
	var e error
	c.Groups, e = armresources.NewResourceGroupsClient(subscription, cred, opts)
	keep("resource groups", e)
	c.Namespaces, e = armeventhub.NewNamespacesClient(subscription, cred, opts)
	keep("event hubs namespaces", e)
	c.Hubs, e = armeventhub.NewEventHubsClient(subscription, cred, opts)
	keep("event hubs", e)
	c.Accounts, e = armstorage.NewAccountsClient(subscription, cred, opts)
	keep("storage accounts", e)
	c.Containers, e = armstorage.NewBlobContainersClient(subscription, cred, opts)
	keep("blob containers", e)
	c.Registries, e = armcontainerregistry.NewRegistriesClient(subscription, cred, opts)
	keep("container registries", e)
	c.Identities, e = armmsi.NewUserAssignedIdentitiesClient(subscription, cred, opts)
	keep("managed identities", e)
	c.FederatedCredentials, e = armmsi.NewFederatedIdentityCredentialsClient(subscription, cred, opts)
	keep("federated identity credentials", e)
	c.Clusters, e = armcontainerservice.NewManagedClustersClient(subscription, cred, opts)
	keep("AKS clusters", e)
	c.RoleAssignments, e = armauthorization.NewRoleAssignmentsClient(subscription, cred, opts)
	keep("role assignments", e)
	c.ContainerGroups, e = armcontainerinstance.NewContainerGroupsClient(subscription, cred, opts)
	keep("container groups", e)
	c.GeneratorLogs, e = armcontainerinstance.NewContainersClient(subscription, cred, opts)
	keep("containers", e)
	c.Resources, e = armresources.NewClient(subscription, cred, opts)
	keep("resources", e)
	c.CollectionEndpoints, e = armmonitor.NewDataCollectionEndpointsClient(subscription, cred, opts)
	keep("data collection endpoints", e)
	c.CollectionRules, e = armmonitor.NewDataCollectionRulesClient(subscription, cred, opts)
	keep("data collection rules", e)
	c.CollectionAssociations, e = armmonitor.NewDataCollectionRuleAssociationsClient(subscription, cred, opts)
	keep("data collection rule associations", e)
	c.Metrics, e = armmonitor.NewMetricsClient(subscription, cred, opts)
	keep("monitor", e)
	readOnly(c, subscription, cred, opts, keep)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// readOnly makes the clients only `azure check` uses.
func readOnly(c *Set, subscription string, cred azcore.TokenCredential, opts *arm.ClientOptions, keep func(string, error)) {
	var e error
	c.Subscriptions, e = armsubscriptions.NewClient(cred, opts)
	keep("subscriptions", e)
	c.Providers, e = armresources.NewProvidersClient(subscription, cred, opts)
	keep("resource providers", e)
	c.Permissions, e = armauthorization.NewPermissionsClient(subscription, cred, opts)
	keep("permissions", e)
	c.RoleDefinitions, e = armauthorization.NewRoleDefinitionsClient(cred, opts)
	keep("role definitions", e)
	c.Usage, e = armcompute.NewUsageClient(subscription, cred, opts)
	keep("compute usage", e)
	c.SKUs, e = armcompute.NewResourceSKUsClient(subscription, cred, opts)
	keep("compute SKUs", e)
}
