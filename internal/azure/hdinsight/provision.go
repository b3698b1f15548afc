package hdinsight

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/hdinsight/armhdinsight"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/msi/armmsi"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"

	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/provision"
)

// Clients are the Azure clients the HDInsight steps use.
type Clients struct {
	Clusters        *armhdinsight.ClustersClient
	Identities      *armmsi.UserAssignedIdentitiesClient
	RoleAssignments *armauthorization.RoleAssignmentsClient
	Containers      *armstorage.BlobContainersClient
	// Blobs is the storage account's data-plane client (NewBlobClient), for the uploads.
	Blobs *azblob.Client
}

// RoleStorageBlobDataOwner is the built-in role HDInsight needs its identity to hold on
// its ADLS Gen2 account.
const RoleStorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"

// Runner converges the HDInsight steps of a plan (after the shared ones, which
// provision.Runner.UpShared converges).
type Runner struct {
	Plan    *Plan
	Clients Clients
	// Out receives one line per step (nil: discarded).
	Out io.Writer
	// PollEvery is how often the cluster's creation is polled (default 30s).
	PollEvery time.Duration
	// NewPassword makes the cluster's login password (default GeneratePassword). It is
	// called only when the cluster is created, handed to Azure, and never kept or printed.
	NewPassword func() (string, error)
	// RelayJar is the relay job jar uploaded next to the script action.
	RelayJar string
	// JobListen and JobSend are the job's connection strings (rules job-listen on #1 and
	// job-send on #2, from the shared steps), uploaded as SecretsBlob for the script action.
	JobListen, JobSend provision.Secret
	// now is the clock the script's SAS is valid from (time.Now by default).
	now func() time.Time
}

// Outcome is what a step did.
type Outcome string

// The outcomes.
const (
	Created Outcome = "created"
	Exists  Outcome = "exists"
)

// Result is one converged resource.
type Result struct {
	Kind    plan.StepKind
	Name    string
	Outcome Outcome
}

func (r *Runner) out() io.Writer {
	if r.Out == nil {
		return io.Discard
	}
	return r.Out
}

// converge reads first and creates only what is missing, so a second run creates nothing and
// a failed run resumes at the step that failed.
func (r *Runner) converge(ctx context.Context, kind plan.StepKind, name string, get, create func(context.Context) error) (Result, error) {
	res, err := provision.Stepper{Out: r.out(), Resume: "azure up --platform hdinsight"}.Converge(ctx, kind, name, get, create)
	return Result{Kind: res.Kind, Name: res.Name, Outcome: Outcome(res.Outcome)}, err
}

// Up converges the storage identity, its role on the storage account, the default file
// system, the uploads of the script action and the relay jar into it, then the cluster
// (whose script action starts the YARN session), in the plan's order.
func (r *Runner) Up(ctx context.Context) ([]Result, error) {
	if r.Plan.Base.Config.Subscription == "" {
		return nil, plan.ErrNoSubscription
	}
	var done []Result
	res, identityID, principal, err := r.identity(ctx)
	done = append(done, res)
	if err != nil {
		return done, err
	}
	res, err = r.storageRole(ctx, principal)
	done = append(done, res)
	if err != nil {
		return done, err
	}
	res, err = r.fileSystem(ctx)
	done = append(done, res)
	if err != nil {
		return done, err
	}
	ups, err := r.uploads(ctx)
	done = append(done, ups...)
	if err != nil {
		return done, err
	}
	res, err = r.cluster(ctx, identityID)
	done = append(done, res)
	return done, err
}

// StorageAccountID is the storage account's resource ID.
func (p *Plan) StorageAccountID() string {
	b := p.Base
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Storage/storageAccounts/%s",
		b.Config.Subscription, b.Names.ResourceGroup, b.Names.StorageAccount)
}

// fileSystem makes the cluster's default file system (a blob container, with the
// hierarchical namespace on) in the storage account.
func (r *Runner) fileSystem(ctx context.Context) (Result, error) {
	rg, account, c := r.Plan.Base.Names.ResourceGroup, r.Plan.Base.Names.StorageAccount, r.Clients.Containers
	return r.converge(ctx, plan.KindStorage, account+"/"+FileSystem,
		func(ctx context.Context) error { _, err := c.Get(ctx, rg, account, FileSystem, nil); return err },
		func(ctx context.Context) error {
			_, err := c.Create(ctx, rg, account, FileSystem, armstorage.BlobContainer{}, nil)
			return err
		})
}

// storageRole gives the identity Storage Blob Data Owner on the storage account.
func (r *Runner) storageRole(ctx context.Context, principal string) (Result, error) {
	get, create := provision.RoleAssignment(r.Clients.RoleAssignments, r.Plan.Base.Config.Subscription, r.Plan.StorageAccountID(), RoleStorageBlobDataOwner, principal)
	return r.converge(ctx, KindRoleAssignment, r.Plan.Names.Identity+" Storage Blob Data Owner", get, create)
}

func (r *Runner) identity(ctx context.Context) (Result, string, string, error) {
	b, rg, name := r.Plan.Base, r.Plan.Base.Names.ResourceGroup, r.Plan.Names.Identity
	c := r.Clients.Identities
	res, err := r.converge(ctx, KindIdentity, name,
		func(ctx context.Context) error { _, err := c.Get(ctx, rg, name, nil); return err },
		func(ctx context.Context) error {
			_, err := c.CreateOrUpdate(ctx, rg, name, armmsi.Identity{Location: to.Ptr(b.Config.Location), Tags: tags()}, nil)
			return err
		})
	if err != nil {
		return res, "", "", err
	}
	got, err := c.Get(ctx, rg, name, nil)
	if err != nil {
		return res, "", "", fmt.Errorf("read identity %s: %w", name, err)
	}
	if got.ID == nil || got.Properties == nil || got.Properties.PrincipalID == nil {
		return res, "", "", fmt.Errorf("identity %s has no principal yet: run `azure up --platform hdinsight` again", name)
	}
	return res, *got.ID, *got.Properties.PrincipalID, nil
}

func (r *Runner) cluster(ctx context.Context, identityID string) (Result, error) {
	rg, name, c := r.Plan.Base.Names.ResourceGroup, r.Plan.Names.Cluster, r.Clients.Clusters
	return r.converge(ctx, KindCluster, name,
		func(ctx context.Context) error { _, err := c.Get(ctx, rg, name, nil); return err },
		func(ctx context.Context) error {
			gen := r.NewPassword
			if gen == nil {
				gen = GeneratePassword
			}
			pw, err := gen()
			if err != nil {
				return fmt.Errorf("generate the login password: %w", err)
			}
			scriptURL, err := r.scriptURL(ctx)
			if err != nil {
				return err
			}
			poller, err := c.BeginCreate(ctx, rg, name, r.Plan.CreateParameters(identityID, pw, scriptURL), nil)
			if err == nil {
				_, err = wait(ctx, r, poller)
			}
			return redactSAS(err, scriptURL)
		})
}

// redactSAS keeps the script URL's SAS out of err: Azure may quote the script action's URI
// in a failure. An error without it is returned as it is.
func redactSAS(err error, scriptURL string) error {
	i := strings.IndexByte(scriptURL, '?')
	if err == nil || i < 0 || !strings.Contains(err.Error(), scriptURL[i+1:]) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), scriptURL[i+1:], "<SAS redacted>"))
}

func wait[T any](ctx context.Context, r *Runner, p *runtime.Poller[T]) (T, error) {
	every := r.PollEvery
	if every <= 0 {
		every = 30 * time.Second
	}
	return p.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: every})
}

func tags() map[string]*string { return map[string]*string{"created-by": to.Ptr("streamscale")} }

// CreateParameters is the cluster's create request: password goes into the gateway and SSH
// credentials only; scriptURL is the script action's URL with its SAS (Runner.scriptURL),
// run on the head and the worker nodes (Java 17 and the job's settings on every node that
// runs a YARN container).
func (p *Plan) CreateParameters(identityID, password, scriptURL string) armhdinsight.ClusterCreateParametersExtended {
	b, s := p.Base, p.Spec
	os := &armhdinsight.OsProfile{LinuxOperatingSystemProfile: &armhdinsight.LinuxOperatingSystemProfile{
		Username: to.Ptr(SSHUser), Password: to.Ptr(password),
	}}
	role := func(name, size string, count int32, scripts []*armhdinsight.ScriptAction) *armhdinsight.Role {
		return &armhdinsight.Role{
			Name:                to.Ptr(name),
			TargetInstanceCount: to.Ptr(count),
			HardwareProfile:     &armhdinsight.HardwareProfile{VMSize: to.Ptr(size)},
			OSProfile:           os,
			ScriptActions:       scripts,
		}
	}
	script := []*armhdinsight.ScriptAction{{Name: to.Ptr(ScriptName), URI: to.Ptr(scriptURL), Parameters: to.Ptr("")}}
	storageID := p.StorageAccountID()
	return armhdinsight.ClusterCreateParametersExtended{
		Location: to.Ptr(b.Config.Location),
		Tags:     tags(),
		Identity: &armhdinsight.ClusterIdentity{
			Type:                   to.Ptr(armhdinsight.ResourceIdentityTypeUserAssigned),
			UserAssignedIdentities: map[string]*armhdinsight.UserAssignedIdentity{identityID: {}},
		},
		Properties: &armhdinsight.ClusterCreateProperties{
			ClusterVersion:         to.Ptr(ClusterVersion),
			OSType:                 to.Ptr(armhdinsight.OSTypeLinux),
			Tier:                   to.Ptr(armhdinsight.TierStandard),
			MinSupportedTLSVersion: to.Ptr("1.2"),
			ClusterDefinition: &armhdinsight.ClusterDefinition{
				Kind: to.Ptr(ClusterKind),
				Configurations: map[string]any{"gateway": map[string]any{
					"restAuthCredential.isEnabled": true,
					"restAuthCredential.username":  LoginUser,
					"restAuthCredential.password":  password,
				}},
			},
			ComputeProfile: &armhdinsight.ComputeProfile{Roles: []*armhdinsight.Role{
				role("headnode", HeadNodeSize, HeadNodes, script),
				role("workernode", s.WorkerSize, int32(s.Workers), script),
				role("zookeepernode", ZookeeperNodeSize, ZookeeperNodes, nil),
			}},
			StorageProfile: &armhdinsight.StorageProfile{Storageaccounts: []*armhdinsight.StorageAccount{{
				Name:          to.Ptr(b.Names.StorageAccount + ".dfs.core.windows.net"),
				IsDefault:     to.Ptr(true),
				FileSystem:    to.Ptr(FileSystem),
				ResourceID:    to.Ptr(storageID),
				MsiResourceID: to.Ptr(identityID),
			}}},
		},
	}
}

// GeneratePassword makes a 24-character password meeting HDInsight's rules (at least 10
// characters with an upper- and a lowercase letter, a digit and one of !#%*+-_).
func GeneratePassword() (string, error) {
	classes := []string{"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!#%*+-_"}
	all := classes[0] + classes[1] + classes[2] + classes[3]
	pick := func(set string) (byte, error) {
		i, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		if err != nil {
			return 0, err
		}
		return set[i.Int64()], nil
	}
	b := make([]byte, 0, 24)
	for _, set := range classes {
		c, err := pick(set)
		if err != nil {
			return "", err
		}
		b = append(b, c)
	}
	for len(b) < 24 {
		c, err := pick(all)
		if err != nil {
			return "", err
		}
		b = append(b, c)
	}
	return string(b), nil
}
