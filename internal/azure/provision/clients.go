package provision

import (
	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"

	"github.com/streamscale/streamscale/internal/azure/armclients"
)

// Clients are the Azure Resource Manager clients `up` and `down` use: the one set every
// Azure command shares (package armclients).
type Clients = armclients.Set

// NewClients makes the clients for a subscription. opts may be nil; tests set its Transport
// to the SDK's fake servers.
func NewClients(subscription string, cred azcore.TokenCredential, opts *arm.ClientOptions) (*Clients, error) {
	return armclients.New(subscription, cred, opts)
}
