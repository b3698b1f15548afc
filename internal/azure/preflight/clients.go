package preflight

import (
	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"

	"github.com/streamscale/streamscale/internal/azure/armclients"
)

// clients are the ARM clients the checks read with: the set `azure up` provisions with.
type clients = armclients.Set

func newClients(subscription string, cred azcore.TokenCredential, opts *arm.ClientOptions) (*clients, error) {
	return armclients.New(subscription, cred, opts)
}
