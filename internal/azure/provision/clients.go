package provision

import (
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerinstance/armcontainerinstance/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/eventhub/armeventhub"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/msi/armmsi"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage"
)

// Clients are the Azure Resource Manager clients `up` and `down` use.
type Clients struct {
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
}

// NewClients makes the clients for a subscription. opts may be nil; tests set its Transport
// to the SDK's fake servers.
func NewClients(subscription string, cred azcore.TokenCredential, opts *arm.ClientOptions) (*Clients, error) {
	c := &Clients{Subscription: subscription}
	var err error
	wrap := func(what string, e error) {
		if err == nil && e != nil {
			err = fmt.Errorf("azure %s client: %w", what, e)
		}
	}
	var e error
	c.Groups, e = armresources.NewResourceGroupsClient(subscription, cred, opts)
	wrap("resource groups", e)
	c.Namespaces, e = armeventhub.NewNamespacesClient(subscription, cred, opts)
	wrap("event hubs namespaces", e)
	c.Hubs, e = armeventhub.NewEventHubsClient(subscription, cred, opts)
	wrap("event hubs", e)
	c.Accounts, e = armstorage.NewAccountsClient(subscription, cred, opts)
	wrap("storage accounts", e)
	c.Containers, e = armstorage.NewBlobContainersClient(subscription, cred, opts)
	wrap("blob containers", e)
	c.Registries, e = armcontainerregistry.NewRegistriesClient(subscription, cred, opts)
	wrap("container registries", e)
	c.Identities, e = armmsi.NewUserAssignedIdentitiesClient(subscription, cred, opts)
	wrap("managed identities", e)
	c.FederatedCredentials, e = armmsi.NewFederatedIdentityCredentialsClient(subscription, cred, opts)
	wrap("federated identity credentials", e)
	c.Clusters, e = armcontainerservice.NewManagedClustersClient(subscription, cred, opts)
	wrap("AKS clusters", e)
	c.RoleAssignments, e = armauthorization.NewRoleAssignmentsClient(subscription, cred, opts)
	wrap("role assignments", e)
	c.ContainerGroups, e = armcontainerinstance.NewContainerGroupsClient(subscription, cred, opts)
	wrap("container groups", e)
	c.GeneratorLogs, e = armcontainerinstance.NewContainersClient(subscription, cred, opts)
	wrap("containers", e)
	c.Resources, e = armresources.NewClient(subscription, cred, opts)
	wrap("resources", e)
	c.CollectionEndpoints, e = armmonitor.NewDataCollectionEndpointsClient(subscription, cred, opts)
	wrap("data collection endpoints", e)
	c.CollectionRules, e = armmonitor.NewDataCollectionRulesClient(subscription, cred, opts)
	wrap("data collection rules", e)
	c.CollectionAssociations, e = armmonitor.NewDataCollectionRuleAssociationsClient(subscription, cred, opts)
	wrap("data collection rule associations", e)
	if err != nil {
		return nil, err
	}
	return c, nil
}
