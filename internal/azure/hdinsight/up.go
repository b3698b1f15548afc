package hdinsight

import (
	"context"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/hdinsight/armhdinsight"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/msi/armmsi"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"

	"github.com/streamscale/streamscale/internal/azure/provision"
)

// SharedSteps converges what every platform shares: the resource group, the Event Hubs
// namespaces, hubs and rules, and the storage account (provision.Runner.UpShared).
type SharedSteps interface {
	UpShared(ctx context.Context) (*provision.Deployment, error)
}

// UpAll is the whole `azure up --platform hdinsight`: the shared steps, then r's (the
// storage identity and its role, the file system, the uploads, the cluster). It stops at the
// first failure; running it again resumes there.
func UpAll(ctx context.Context, shared SharedSteps, r *Runner) (*provision.Deployment, []Result, error) {
	d, err := shared.UpShared(ctx)
	if err != nil {
		return d, nil, err
	}
	r.JobListen, r.JobSend = d.JobListen, d.JobSend
	res, err := r.Up(ctx)
	if err != nil {
		return d, res, err
	}
	created := len(d.Created())
	for _, x := range res {
		if x.Outcome == Created {
			created++
		}
	}
	r.printf("up: %d created; submit the job through an SSH tunnel (docs/hdinsight.md)\n", created)
	return d, res, nil
}

// NewClients makes the HDInsight steps' clients for the plan's subscription: the ARM ones
// with armOpts, the storage account's data-plane one with blobOpts (nil: the SDK's defaults).
func NewClients(p *Plan, cred azcore.TokenCredential, armOpts *arm.ClientOptions, blobOpts *azblob.ClientOptions) (Clients, error) {
	sub := p.Base.Config.Subscription
	var c Clients
	var err error
	if c.Clusters, err = armhdinsight.NewClustersClient(sub, cred, armOpts); err != nil {
		return c, fmt.Errorf("hdinsight client: %w", err)
	}
	if c.Identities, err = armmsi.NewUserAssignedIdentitiesClient(sub, cred, armOpts); err != nil {
		return c, fmt.Errorf("managed identity client: %w", err)
	}
	if c.RoleAssignments, err = armauthorization.NewRoleAssignmentsClient(sub, cred, armOpts); err != nil {
		return c, fmt.Errorf("role assignment client: %w", err)
	}
	if c.Containers, err = armstorage.NewBlobContainersClient(sub, cred, armOpts); err != nil {
		return c, fmt.Errorf("blob container client: %w", err)
	}
	if c.Blobs, err = NewBlobClient(p, cred, blobOpts); err != nil {
		return c, err
	}
	return c, nil
}
