package preflight

import (
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v9"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/eventhub/armeventhub"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage"
)

// clients are the read-only ARM clients the checks use.
type clients struct {
	subscriptions   *armsubscriptions.Client
	providers       *armresources.ProvidersClient
	resources       *armresources.Client
	permissions     *armauthorization.PermissionsClient
	roleAssignments *armauthorization.RoleAssignmentsClient
	roleDefinitions *armauthorization.RoleDefinitionsClient
	usage           *armcompute.UsageClient
	skus            *armcompute.ResourceSKUsClient
	accounts        *armstorage.AccountsClient
	registries      *armcontainerregistry.RegistriesClient
	namespaces      *armeventhub.NamespacesClient
}

func newClients(subscription string, cred azcore.TokenCredential, opts *arm.ClientOptions) (*clients, error) {
	c := &clients{}
	var err error
	keep := func(what string, e error) {
		if err == nil && e != nil {
			err = fmt.Errorf("azure %s client: %w", what, e)
		}
	}
	var e error
	c.subscriptions, e = armsubscriptions.NewClient(cred, opts)
	keep("subscriptions", e)
	c.providers, e = armresources.NewProvidersClient(subscription, cred, opts)
	keep("resource providers", e)
	c.resources, e = armresources.NewClient(subscription, cred, opts)
	keep("resources", e)
	c.permissions, e = armauthorization.NewPermissionsClient(subscription, cred, opts)
	keep("permissions", e)
	c.roleAssignments, e = armauthorization.NewRoleAssignmentsClient(subscription, cred, opts)
	keep("role assignments", e)
	c.roleDefinitions, e = armauthorization.NewRoleDefinitionsClient(cred, opts)
	keep("role definitions", e)
	c.usage, e = armcompute.NewUsageClient(subscription, cred, opts)
	keep("compute usage", e)
	c.skus, e = armcompute.NewResourceSKUsClient(subscription, cred, opts)
	keep("compute SKUs", e)
	c.accounts, e = armstorage.NewAccountsClient(subscription, cred, opts)
	keep("storage accounts", e)
	c.registries, e = armcontainerregistry.NewRegistriesClient(subscription, cred, opts)
	keep("container registries", e)
	c.namespaces, e = armeventhub.NewNamespacesClient(subscription, cred, opts)
	keep("event hubs namespaces", e)
	if err != nil {
		return nil, err
	}
	return c, nil
}
