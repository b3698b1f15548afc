// Package azclient is the Azure commands' client factory: the credential, the ARM clients of a
// subscription, the storage data-plane options, the preflight checks and the AKS cluster's
// Kubernetes clients, each built when first asked for. The CLI holds one Clients; tests
// replace its fields with the Azure SDK's fakes (a fake credential, ARM options whose
// Transport is a fake server) and client-go's.
package azclient

import (
	"context"
	"fmt"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"k8s.io/client-go/dynamic"

	"github.com/streamscale/streamscale/internal/azure/armclients"
	"github.com/streamscale/streamscale/internal/azure/hdinsight"
	"github.com/streamscale/streamscale/internal/azure/kube"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/preflight"
)

// Clients builds the Azure commands' clients lazily. The zero value (or New) is the real
// thing; every field is a seam for tests.
type Clients struct {
	// NewCredential makes the credential, once (nil: azidentity's DefaultAzureCredential:
	// environment, workload identity, managed identity, then the Azure CLI's login).
	NewCredential func() (azcore.TokenCredential, error)
	// ARMOptions are the ARM clients' options (nil: the SDK's defaults).
	ARMOptions *arm.ClientOptions
	// BlobOptions are the storage data-plane client's options (nil: the SDK's defaults).
	BlobOptions *azblob.ClientOptions
	// Checks runs `azure check` (nil: preflight.Run).
	Checks func(context.Context, preflight.Config) (preflight.Report, error)
	// NewKube makes the AKS cluster's dynamic client from its kubeconfig (nil: kube.Dynamic).
	NewKube func(kubeconfig []byte) (dynamic.Interface, error)

	credOnce sync.Once
	cred     azcore.TokenCredential
	credErr  error

	mu  sync.Mutex
	arm map[string]*armclients.Set
}

// New returns the real clients: nothing is built until asked for.
func New() *Clients { return &Clients{} }

// Subscription is the --subscription flag's value, else the environment's EnvSubscription
// (getenv may be nil). It may be "": Require says whether a command may go on.
func Subscription(flag string, getenv func(string) string) string {
	if flag == "" && getenv != nil {
		return getenv(plan.EnvSubscription)
	}
	return flag
}

// Require is plan.ErrNoSubscription when sub is empty: the one "no subscription" refusal of
// every command that calls Azure.
func Require(sub string) error {
	if sub == "" {
		return plan.ErrNoSubscription
	}
	return nil
}

// Credential is the Azure credential, made on first use.
func (c *Clients) Credential() (azcore.TokenCredential, error) {
	c.credOnce.Do(func() {
		if c.NewCredential != nil {
			c.cred, c.credErr = c.NewCredential()
			return
		}
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			c.credErr = fmt.Errorf("azure credentials: %w (sign in with `az login`, or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET)", err)
			return
		}
		c.cred = cred
	})
	return c.cred, c.credErr
}

// ARM is the ARM client set of a subscription, made on first use.
func (c *Clients) ARM(subscription string) (*armclients.Set, error) {
	if err := Require(subscription); err != nil {
		return nil, err
	}
	cred, err := c.Credential()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.arm[subscription]; ok {
		return s, nil
	}
	s, err := armclients.New(subscription, cred, c.ARMOptions)
	if err != nil {
		return nil, err
	}
	if c.arm == nil {
		c.arm = map[string]*armclients.Set{}
	}
	c.arm[subscription] = s
	return s, nil
}

// Preflight runs the checks of cfg (its Credential and Options filled in from c).
func (c *Clients) Preflight(ctx context.Context, cfg preflight.Config) (preflight.Report, error) {
	cred, err := c.Credential()
	if err != nil {
		return preflight.Report{}, err
	}
	cfg.Credential, cfg.Options = cred, c.ARMOptions
	if c.Checks != nil {
		return c.Checks(ctx, cfg)
	}
	return preflight.Run(ctx, cfg)
}

// HDInsight is the HDInsight steps' clients for the plan's subscription.
func (c *Clients) HDInsight(p *hdinsight.Plan) (hdinsight.Clients, error) {
	cred, err := c.Credential()
	if err != nil {
		return hdinsight.Clients{}, err
	}
	return hdinsight.NewClients(p, cred, c.ARMOptions, c.BlobOptions)
}

// Kube is the AKS cluster's dynamic client from its user kubeconfig.
func (c *Clients) Kube(kubeconfig []byte) (dynamic.Interface, error) {
	if c.NewKube != nil {
		return c.NewKube(kubeconfig)
	}
	return kube.Dynamic(kubeconfig)
}
