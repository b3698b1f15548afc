package provision

import (
	"context"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/eventhub/armeventhub"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/msi/armmsi"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage"

	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// Built-in role definitions (learn.microsoft.com, "Azure built-in roles").
const (
	roleAcrPull                    = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
	roleStorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
)

// tags mark everything `up` creates.
func tags() map[string]*string { return map[string]*string{"created-by": to.Ptr("streamscale")} }

func (r *Runner) resourceGroup(ctx context.Context) (StepResult, error) {
	p, c := r.Plan, r.Clients
	return r.converge(ctx, plan.KindResourceGroup, p.Names.ResourceGroup,
		func(ctx context.Context) error {
			_, err := c.Groups.Get(ctx, p.Names.ResourceGroup, nil)
			return err
		},
		func(ctx context.Context) error {
			_, err := c.Groups.CreateOrUpdate(ctx, p.Names.ResourceGroup,
				armresources.ResourceGroup{Location: to.Ptr(p.Config.Location), Tags: tags()}, nil)
			return err
		})
}

func (r *Runner) namespace(ctx context.Context, name string) (StepResult, error) {
	p, c, rg := r.Plan, r.Clients, r.Plan.Names.ResourceGroup
	sku := armeventhub.SKUNameStandard
	tier := armeventhub.SKUTierStandard
	if p.Config.SKU == plan.Premium {
		sku, tier = armeventhub.SKUNamePremium, armeventhub.SKUTierPremium
	}
	return r.converge(ctx, plan.KindNamespace, name,
		func(ctx context.Context) error {
			_, err := c.Namespaces.Get(ctx, rg, name, nil)
			return err
		},
		func(ctx context.Context) error {
			poller, err := c.Namespaces.BeginCreateOrUpdate(ctx, rg, name, armeventhub.EHNamespace{
				Location: to.Ptr(p.Config.Location),
				Tags:     tags(),
				SKU:      &armeventhub.SKU{Name: to.Ptr(sku), Tier: to.Ptr(tier), Capacity: to.Ptr(int32(p.Capacity))},
				Properties: &armeventhub.EHNamespaceProperties{
					KafkaEnabled:         to.Ptr(true),
					IsAutoInflateEnabled: to.Ptr(false),
					MinimumTLSVersion:    to.Ptr(armeventhub.TLSVersionOne2),
					PublicNetworkAccess:  to.Ptr(armeventhub.PublicNetworkAccessEnabled),
				},
			}, nil)
			if err != nil {
				return err
			}
			_, err = wait(ctx, r, "namespace "+name, poller)
			return err
		})
}

func (r *Runner) hub(ctx context.Context, namespace, name string, partitions int) (StepResult, error) {
	p, c, rg := r.Plan, r.Clients, r.Plan.Names.ResourceGroup
	return r.converge(ctx, plan.KindHub, namespace+"/"+name,
		func(ctx context.Context) error {
			got, err := c.Hubs.Get(ctx, rg, namespace, name, nil)
			if err == nil && got.Properties != nil && got.Properties.PartitionCount != nil && int(*got.Properties.PartitionCount) != partitions {
				return fmt.Errorf("hub %s has %d partitions, the plan %d: a Standard hub's partitions cannot change; delete it or pass --partitions %d",
					name, *got.Properties.PartitionCount, partitions, *got.Properties.PartitionCount)
			}
			return err
		},
		func(ctx context.Context) error {
			_, err := c.Hubs.CreateOrUpdate(ctx, rg, namespace, name, armeventhub.Eventhub{Properties: &armeventhub.Properties{
				PartitionCount:         to.Ptr(int64(partitions)),
				MessageRetentionInDays: to.Ptr(int64(p.Config.RetentionDays)),
			}}, nil)
			return err
		})
}

// rules converges a namespace's rules and returns their primary connection strings by name.
func (r *Runner) rules(ctx context.Context, namespace string, rules []plan.Rule) ([]StepResult, map[string]Secret, error) {
	c, rg := r.Clients, r.Plan.Names.ResourceGroup
	var results []StepResult
	keys := map[string]Secret{}
	for _, rule := range rules {
		rights := make([]*armeventhub.AccessRights, len(rule.Rights))
		for i, right := range rule.Rights {
			rights[i] = to.Ptr(armeventhub.AccessRights(right))
		}
		res, err := r.converge(ctx, plan.KindRules, namespace+"/"+rule.Name,
			func(ctx context.Context) error {
				_, err := c.Namespaces.GetAuthorizationRule(ctx, rg, namespace, rule.Name, nil)
				return err
			},
			func(ctx context.Context) error {
				_, err := c.Namespaces.CreateOrUpdateAuthorizationRule(ctx, rg, namespace, rule.Name,
					armeventhub.AuthorizationRule{Properties: &armeventhub.AuthorizationRuleProperties{Rights: rights}}, nil)
				return err
			})
		results = append(results, res)
		if err != nil {
			return results, nil, err
		}
		k, err := c.Namespaces.ListKeys(ctx, rg, namespace, rule.Name, nil)
		if err != nil {
			return results, nil, fmt.Errorf("read the keys of rule %s on %s: %w", rule.Name, namespace, err)
		}
		if k.PrimaryConnectionString == nil || *k.PrimaryConnectionString == "" {
			return results, nil, fmt.Errorf("rule %s on %s has no connection string yet: run `azure up` again", rule.Name, namespace)
		}
		if _, err := kafkaconn.ParseEventHubsConnectionString(*k.PrimaryConnectionString); err != nil {
			return results, nil, fmt.Errorf("rule %s on %s: %w", rule.Name, namespace, err)
		}
		keys[rule.Name] = NewSecret(*k.PrimaryConnectionString)
	}
	return results, keys, nil
}

func (r *Runner) storage(ctx context.Context) ([]StepResult, error) {
	p, c, rg := r.Plan, r.Clients, r.Plan.Names.ResourceGroup
	account := p.Names.StorageAccount
	acc, err := r.converge(ctx, plan.KindStorage, account,
		func(ctx context.Context) error {
			_, err := c.Accounts.GetProperties(ctx, rg, account, nil)
			return err
		},
		func(ctx context.Context) error {
			poller, err := c.Accounts.BeginCreate(ctx, rg, account, armstorage.AccountCreateParameters{
				Location: to.Ptr(p.Config.Location),
				Tags:     tags(),
				Kind:     to.Ptr(armstorage.KindStorageV2),
				SKU:      &armstorage.SKU{Name: to.Ptr(armstorage.SKUNameStandardLRS)},
				Properties: &armstorage.AccountPropertiesCreateParameters{
					IsHnsEnabled:           to.Ptr(true),
					AllowSharedKeyAccess:   to.Ptr(false),
					AllowBlobPublicAccess:  to.Ptr(false),
					MinimumTLSVersion:      to.Ptr(armstorage.MinimumTLSVersionTLS12),
					EnableHTTPSTrafficOnly: to.Ptr(true),
				},
			}, nil)
			if err != nil {
				return err
			}
			_, err = wait(ctx, r, "storage account "+account, poller)
			return err
		})
	if err != nil {
		return []StepResult{acc}, err
	}
	cont, err := r.converge(ctx, plan.KindStorage, account+"/"+plan.CheckpointContainer,
		func(ctx context.Context) error {
			_, err := c.Containers.Get(ctx, rg, account, plan.CheckpointContainer, nil)
			return err
		},
		func(ctx context.Context) error {
			_, err := c.Containers.Create(ctx, rg, account, plan.CheckpointContainer, armstorage.BlobContainer{}, nil)
			return err
		})
	return []StepResult{acc, cont}, err
}

func (r *Runner) registry(ctx context.Context) (StepResult, error) {
	p, c, rg := r.Plan, r.Clients, r.Plan.Names.ResourceGroup
	return r.converge(ctx, plan.KindRegistry, p.Names.Registry,
		func(ctx context.Context) error {
			_, err := c.Registries.Get(ctx, rg, p.Names.Registry, nil)
			return err
		},
		func(ctx context.Context) error {
			poller, err := c.Registries.BeginCreate(ctx, rg, p.Names.Registry, armcontainerregistry.Registry{
				Location:   to.Ptr(p.Config.Location),
				Tags:       tags(),
				SKU:        &armcontainerregistry.SKU{Name: to.Ptr(armcontainerregistry.SKUNameBasic)},
				Properties: &armcontainerregistry.RegistryProperties{AdminUserEnabled: to.Ptr(false)},
			}, nil)
			if err != nil {
				return err
			}
			_, err = wait(ctx, r, "registry "+p.Names.Registry, poller)
			return err
		})
}

// generatorIdentity converges the container groups' pull identity into d.
func (r *Runner) generatorIdentity(ctx context.Context, d *Deployment) (StepResult, error) {
	res, id, err := r.identity(ctx, r.Plan.Names.GeneratorIdentity)
	if err != nil {
		return res, err
	}
	d.GeneratorIdentityID, d.GeneratorIdentityPrincipal = *id.ID, *id.Properties.PrincipalID
	return res, nil
}

// flinkIdentity converges the identity Flink reaches the storage account as (through AKS
// workload identity) into d.
func (r *Runner) flinkIdentity(ctx context.Context, d *Deployment) (StepResult, error) {
	res, id, err := r.identity(ctx, r.Plan.Names.FlinkIdentity)
	if err != nil {
		return res, err
	}
	if id.Properties.ClientID == nil {
		return res, fmt.Errorf("identity %s has no client ID yet: run `azure up` again", r.Plan.Names.FlinkIdentity)
	}
	d.FlinkIdentityClientID, d.FlinkIdentityPrincipal = *id.Properties.ClientID, *id.Properties.PrincipalID
	return res, nil
}

// identity converges the user-assigned identity name and reads it back: its ID and
// principal are set when it returns no error.
func (r *Runner) identity(ctx context.Context, name string) (StepResult, armmsi.Identity, error) {
	p, c, rg := r.Plan, r.Clients, r.Plan.Names.ResourceGroup
	res, err := r.converge(ctx, plan.KindIdentity, name,
		func(ctx context.Context) error {
			_, err := c.Identities.Get(ctx, rg, name, nil)
			return err
		},
		func(ctx context.Context) error {
			_, err := c.Identities.CreateOrUpdate(ctx, rg, name, armmsi.Identity{Location: to.Ptr(p.Config.Location), Tags: tags()}, nil)
			return err
		})
	if err != nil {
		return res, armmsi.Identity{}, err
	}
	got, err := c.Identities.Get(ctx, rg, name, nil)
	if err != nil {
		return res, armmsi.Identity{}, fmt.Errorf("read identity %s: %w", name, err)
	}
	if got.ID == nil || got.Properties == nil || got.Properties.PrincipalID == nil {
		return res, armmsi.Identity{}, fmt.Errorf("identity %s has no principal yet: run `azure up` again", name)
	}
	return res, got.Identity, nil
}

// federatedCredential converges the credential that lets the flink service account's
// tokens, issued by the cluster's OIDC issuer (d.OIDCIssuer), stand for the Flink identity.
// One whose issuer, subject or audience differ (a cluster made again has a new issuer) is
// written over.
func (r *Runner) federatedCredential(ctx context.Context, d *Deployment) (StepResult, error) {
	c, rg, n := r.Clients, r.Plan.Names.ResourceGroup, r.Plan.Names
	want := armmsi.FederatedIdentityCredentialProperties{
		Issuer:    to.Ptr(d.OIDCIssuer),
		Subject:   to.Ptr(plan.WorkloadIdentitySubject()),
		Audiences: []*string{to.Ptr(plan.WorkloadIdentityAudience)},
	}
	return r.converge(ctx, plan.KindFederatedCredential, n.FlinkIdentity+"/"+plan.FlinkFederatedCredential,
		func(ctx context.Context) error {
			got, err := c.FederatedCredentials.Get(ctx, rg, n.FlinkIdentity, plan.FlinkFederatedCredential, nil)
			if err != nil {
				return err
			}
			if !sameFederation(got.Properties, want) {
				fmt.Fprintf(r.out(), "  outdated %-20s %s: issuer, subject or audience changed\n", plan.KindFederatedCredential, plan.FlinkFederatedCredential)
				return errNotFound
			}
			return nil
		},
		func(ctx context.Context) error {
			_, err := c.FederatedCredentials.CreateOrUpdate(ctx, rg, n.FlinkIdentity, plan.FlinkFederatedCredential,
				armmsi.FederatedIdentityCredential{Properties: &want}, nil)
			return err
		})
}

func sameFederation(got *armmsi.FederatedIdentityCredentialProperties, want armmsi.FederatedIdentityCredentialProperties) bool {
	if got == nil || got.Issuer == nil || got.Subject == nil || len(got.Audiences) != 1 || got.Audiences[0] == nil {
		return false
	}
	return *got.Issuer == *want.Issuer && *got.Subject == *want.Subject && *got.Audiences[0] == *want.Audiences[0]
}

// cluster converges the AKS cluster, with its OIDC issuer and workload identity on, and
// records its kubelet identity and issuer URL in d. A cluster without them (made by an
// older streamscale) is refused with the command that turns them on.
func (r *Runner) cluster(ctx context.Context, d *Deployment) (StepResult, error) {
	p, c, rg := r.Plan, r.Clients, r.Plan.Names.ResourceGroup
	name := p.Names.Cluster
	res, err := r.converge(ctx, plan.KindCluster, name,
		func(ctx context.Context) error {
			_, err := c.Clusters.Get(ctx, rg, name, nil)
			return err
		},
		func(ctx context.Context) error {
			poller, err := c.Clusters.BeginCreateOrUpdate(ctx, rg, name, armcontainerservice.ManagedCluster{
				Location: to.Ptr(p.Config.Location),
				Tags:     tags(),
				Identity: &armcontainerservice.ManagedClusterIdentity{Type: to.Ptr(armcontainerservice.ResourceIdentityTypeSystemAssigned)},
				Properties: &armcontainerservice.ManagedClusterProperties{
					DNSPrefix: to.Ptr(p.Names.ClusterDNS),
					AgentPoolProfiles: []*armcontainerservice.ManagedClusterAgentPoolProfile{{
						Name:   to.Ptr("system"),
						Count:  to.Ptr(int32(p.Tier.NodeCount)),
						VMSize: to.Ptr(p.Tier.NodeVMSize),
						Mode:   to.Ptr(armcontainerservice.AgentPoolModeSystem),
						OSType: to.Ptr(armcontainerservice.OSTypeLinux),
						Type:   to.Ptr(armcontainerservice.AgentPoolTypeVirtualMachineScaleSets),
					}},
					AzureMonitorProfile: &armcontainerservice.ManagedClusterAzureMonitorProfile{
						Metrics: &armcontainerservice.ManagedClusterAzureMonitorProfileMetrics{Enabled: to.Ptr(true)},
					},
					// Workload identity: the cluster issues service account tokens Entra ID
					// trusts, and its webhook projects them into pods labelled for it.
					OidcIssuerProfile: &armcontainerservice.ManagedClusterOIDCIssuerProfile{Enabled: to.Ptr(true)},
					SecurityProfile: &armcontainerservice.ManagedClusterSecurityProfile{
						WorkloadIdentity: &armcontainerservice.ManagedClusterSecurityProfileWorkloadIdentity{Enabled: to.Ptr(true)},
					},
				},
			}, nil)
			if err != nil {
				return err
			}
			_, err = wait(ctx, r, "AKS cluster "+name, poller)
			return err
		})
	if err != nil {
		return res, err
	}
	got, err := c.Clusters.Get(ctx, rg, name, nil)
	if err != nil {
		return res, fmt.Errorf("read AKS cluster %s: %w", name, err)
	}
	props := got.Properties
	var kubelet *armcontainerservice.UserAssignedIdentity
	if props != nil {
		kubelet = props.IdentityProfile["kubeletidentity"]
	}
	if kubelet == nil || kubelet.ClientID == nil || kubelet.ObjectID == nil {
		return res, fmt.Errorf("AKS cluster %s has no kubelet identity yet: run `azure up` again", name)
	}
	d.KubeletClientID, d.KubeletObjectID = *kubelet.ClientID, *kubelet.ObjectID
	issuer, err := workloadIdentityIssuer(got.ManagedCluster, rg, name)
	if err != nil {
		return res, err
	}
	d.OIDCIssuer = issuer
	return res, nil
}

// workloadIdentityIssuer is the cluster's OIDC issuer URL, or an error naming the command
// that turns on what workload identity needs.
func workloadIdentityIssuer(mc armcontainerservice.ManagedCluster, rg, name string) (string, error) {
	p := mc.Properties
	oidc := p != nil && p.OidcIssuerProfile != nil && p.OidcIssuerProfile.Enabled != nil && *p.OidcIssuerProfile.Enabled
	wi := p != nil && p.SecurityProfile != nil && p.SecurityProfile.WorkloadIdentity != nil &&
		p.SecurityProfile.WorkloadIdentity.Enabled != nil && *p.SecurityProfile.WorkloadIdentity.Enabled
	if !oidc || !wi {
		return "", fmt.Errorf("AKS cluster %s has no OIDC issuer or workload identity: turn them on with `az aks update -g %s -n %s --enable-oidc-issuer --enable-workload-identity` and run `azure up` again", name, rg, name)
	}
	if p.OidcIssuerProfile.IssuerURL == nil || *p.OidcIssuerProfile.IssuerURL == "" {
		return "", fmt.Errorf("AKS cluster %s has no OIDC issuer URL yet: run `azure up` again", name)
	}
	return *p.OidcIssuerProfile.IssuerURL, nil
}
