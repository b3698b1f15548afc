package hdinsight

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	authfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/hdinsight/armhdinsight"
	hdifake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/hdinsight/armhdinsight/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/msi/armmsi"
	msifake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/msi/armmsi/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage"

	stfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage/fake"
	"github.com/streamscale/streamscale/internal/azure/provision"
)

// fakeAzure is an in-memory resource group behind the SDK's own fake servers (armhdinsight
// and armmsi): it keeps what exists, logs every create in order, and can fail the create of
// a chosen resource once.
type fakeAzure struct {
	mu      sync.Mutex
	exists  map[string]bool
	creates []string
	failOn  string
	// blobs is the storage account's data plane (newRunner starts it).
	blobs *fakeBlobs
	// cluster is the last create request of the cluster.
	cluster armhdinsight.ClusterCreateParametersExtended
}

func (f *fakeAzure) create(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failOn == key {
		f.failOn = ""
		return false
	}
	f.exists[key] = true
	f.creates = append(f.creates, key)
	return true
}

func (f *fakeAzure) has(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.exists[key]
}

func (f *fakeAzure) clients(t *testing.T) Clients {
	t.Helper()
	hdi := hdifake.ClustersServer{
		Get: func(_ context.Context, _, name string, _ *armhdinsight.ClustersClientGetOptions) (resp azfake.Responder[armhdinsight.ClustersClientGetResponse], errResp azfake.ErrorResponder) {
			if !f.has("cluster/" + name) {
				errResp.SetResponseError(http.StatusNotFound, "ResourceNotFound")
				return
			}
			resp.SetResponse(http.StatusOK, armhdinsight.ClustersClientGetResponse{Cluster: armhdinsight.Cluster{Name: to.Ptr(name)}}, nil)
			return
		},
		BeginCreate: func(_ context.Context, _, name string, p armhdinsight.ClusterCreateParametersExtended, _ *armhdinsight.ClustersClientBeginCreateOptions) (resp azfake.PollerResponder[armhdinsight.ClustersClientCreateResponse], errResp azfake.ErrorResponder) {
			if !f.create("cluster/" + name) {
				errResp.SetResponseError(http.StatusBadRequest, "InvalidRequest")
				return
			}
			f.mu.Lock()
			f.cluster = p
			f.mu.Unlock()
			resp.AddNonTerminalResponse(http.StatusOK, nil)
			resp.SetTerminalResponse(http.StatusOK, armhdinsight.ClustersClientCreateResponse{Cluster: armhdinsight.Cluster{Name: to.Ptr(name)}}, nil)
			return
		},
	}
	ids := msifake.UserAssignedIdentitiesServer{
		Get: func(_ context.Context, rg, name string, _ *armmsi.UserAssignedIdentitiesClientGetOptions) (resp azfake.Responder[armmsi.UserAssignedIdentitiesClientGetResponse], errResp azfake.ErrorResponder) {
			if !f.has("identity/" + name) {
				errResp.SetResponseError(http.StatusNotFound, "ResourceNotFound")
				return
			}
			id := "/subscriptions/sub/resourceGroups/" + rg + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/" + name
			resp.SetResponse(http.StatusOK, armmsi.UserAssignedIdentitiesClientGetResponse{Identity: armmsi.Identity{ID: to.Ptr(id),
				Properties: &armmsi.UserAssignedIdentityProperties{PrincipalID: to.Ptr("principal-" + name)}}}, nil)
			return
		},
		CreateOrUpdate: func(_ context.Context, _, name string, _ armmsi.Identity, _ *armmsi.UserAssignedIdentitiesClientCreateOrUpdateOptions) (resp azfake.Responder[armmsi.UserAssignedIdentitiesClientCreateOrUpdateResponse], errResp azfake.ErrorResponder) {
			if !f.create("identity/" + name) {
				errResp.SetResponseError(http.StatusBadRequest, "InvalidRequest")
				return
			}
			resp.SetResponse(http.StatusCreated, armmsi.UserAssignedIdentitiesClientCreateOrUpdateResponse{}, nil)
			return
		},
	}
	roles := authfake.RoleAssignmentsServer{
		Get: func(_ context.Context, scope, name string, _ *armauthorization.RoleAssignmentsClientGetOptions) (resp azfake.Responder[armauthorization.RoleAssignmentsClientGetResponse], errResp azfake.ErrorResponder) {
			if !f.has("role/" + scope + "/" + name) {
				errResp.SetResponseError(http.StatusNotFound, "RoleAssignmentNotFound")
				return
			}
			resp.SetResponse(http.StatusOK, armauthorization.RoleAssignmentsClientGetResponse{}, nil)
			return
		},
		Create: func(_ context.Context, scope, name string, p armauthorization.RoleAssignmentCreateParameters, _ *armauthorization.RoleAssignmentsClientCreateOptions) (resp azfake.Responder[armauthorization.RoleAssignmentsClientCreateResponse], errResp azfake.ErrorResponder) {
			if !strings.HasSuffix(*p.Properties.RoleDefinitionID, "/"+RoleStorageBlobDataOwner) || !f.create("role/"+scope+"/"+name) {
				errResp.SetResponseError(http.StatusBadRequest, "InvalidRequest")
				return
			}
			resp.SetResponse(http.StatusCreated, armauthorization.RoleAssignmentsClientCreateResponse{}, nil)
			return
		},
	}
	containers := stfake.BlobContainersServer{
		Get: func(_ context.Context, _, account, name string, _ *armstorage.BlobContainersClientGetOptions) (resp azfake.Responder[armstorage.BlobContainersClientGetResponse], errResp azfake.ErrorResponder) {
			if !f.has("container/" + account + "/" + name) {
				errResp.SetResponseError(http.StatusNotFound, "ContainerNotFound")
				return
			}
			resp.SetResponse(http.StatusOK, armstorage.BlobContainersClientGetResponse{}, nil)
			return
		},
		Create: func(_ context.Context, _, account, name string, _ armstorage.BlobContainer, _ *armstorage.BlobContainersClientCreateOptions) (resp azfake.Responder[armstorage.BlobContainersClientCreateResponse], errResp azfake.ErrorResponder) {
			if !f.create("container/" + account + "/" + name) {
				errResp.SetResponseError(http.StatusBadRequest, "InvalidRequest")
				return
			}
			resp.SetResponse(http.StatusCreated, armstorage.BlobContainersClientCreateResponse{}, nil)
			return
		},
	}
	opts := func(tr policy.Transporter) *arm.ClientOptions {
		o := &arm.ClientOptions{}
		o.Transport = tr
		return o
	}
	clusters, err := armhdinsight.NewClustersClient("sub", &azfake.TokenCredential{}, opts(hdifake.NewClustersServerTransport(&hdi)))
	if err != nil {
		t.Fatal(err)
	}
	identities, err := armmsi.NewUserAssignedIdentitiesClient("sub", &azfake.TokenCredential{}, opts(msifake.NewUserAssignedIdentitiesServerTransport(&ids)))
	if err != nil {
		t.Fatal(err)
	}
	assignments, err := armauthorization.NewRoleAssignmentsClient("sub", &azfake.TokenCredential{}, opts(authfake.NewRoleAssignmentsServerTransport(&roles)))
	if err != nil {
		t.Fatal(err)
	}
	cont, err := armstorage.NewBlobContainersClient("sub", &azfake.TokenCredential{}, opts(stfake.NewBlobContainersServerTransport(&containers)))
	if err != nil {
		t.Fatal(err)
	}
	return Clients{Clusters: clusters, Identities: identities, RoleAssignments: assignments, Containers: cont}
}

const testPassword = "Fake-Passw0rd-Never-Printed"

// testNow is the tests' clock.
var testNow = time.Date(2026, 12, 7, 10, 5, 0, 0, time.UTC)

func newRunner(t *testing.T, f *fakeAzure, out *bytes.Buffer) *Runner {
	p := newPlan(t, 5, Spec{})
	p.Base.Config.Subscription = "sub"
	c := f.clients(t)
	f.blobs = &fakeBlobs{}
	c.Blobs = startFakeBlobs(t, f.blobs)
	return &Runner{Plan: p, Clients: c, Out: out, PollEvery: time.Millisecond, RelayJar: testJar(t, "relay jar"),
		NewPassword: func() (string, error) { return testPassword, nil },
		JobListen:   provision.NewSecret(testJobListen), JobSend: provision.NewSecret(testJobSend),
		now: func() time.Time { return testNow }}
}

func outcomes(rs []Result) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r.Kind) + " " + string(r.Outcome)
	}
	return strings.Join(s, ", ")
}

func TestUpCreatesInOrderThenNothing(t *testing.T) {
	f := &fakeAzure{exists: map[string]bool{}}
	var out bytes.Buffer
	r := newRunner(t, f, &out)
	res, err := r.Up(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.creates) != 4 || f.creates[0] != "identity/"+r.Plan.Names.Identity ||
		!strings.HasPrefix(f.creates[1], "role/"+strings.TrimPrefix(r.Plan.StorageAccountID(), "/")+"/") ||
		f.creates[2] != "container/"+r.Plan.Base.Names.StorageAccount+"/"+FileSystem || f.creates[3] != "cluster/"+r.Plan.Names.Cluster {
		t.Errorf("creates %v, want the identity, its role on the storage account, the file system, the cluster", f.creates)
	}
	if got := outcomes(res); got != "managed-identity created, role-assignments created, storage-account created, uploads created, uploads created, uploads created, hdinsight-cluster created" {
		t.Errorf("first up: %s", got)
	}
	res, err = r.Up(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(res); got != "managed-identity exists, role-assignments exists, storage-account exists, uploads exists, uploads exists, uploads exists, hdinsight-cluster exists" || len(f.creates) != 4 {
		t.Errorf("second up: %s, %d creates: it must create nothing", got, len(f.creates))
	}
	if len(f.blobs.puts) != 3 {
		t.Errorf("%d uploads over two ups, want 3 (the script, the jar and the connection strings, once)", len(f.blobs.puts))
	}
	if strings.Contains(out.String(), testPassword) {
		t.Error("the output holds the password")
	}
}

func TestUpResumesAfterFailure(t *testing.T) {
	f := &fakeAzure{exists: map[string]bool{}}
	var out bytes.Buffer
	r := newRunner(t, f, &out)
	f.failOn = "cluster/" + r.Plan.Names.Cluster
	res, err := r.Up(context.Background())
	if err == nil || !strings.Contains(err.Error(), "again to resume") {
		t.Fatalf("err %v, want the cluster's create failure with how to resume", err)
	}
	if strings.Contains(err.Error(), testPassword) || strings.Contains(out.String(), testPassword) {
		t.Error("the error or output holds the password")
	}
	if got := outcomes(res); got != "managed-identity created, role-assignments created, storage-account created, uploads created, uploads created, uploads created, hdinsight-cluster " {
		t.Errorf("failed up: %s", got)
	}
	res, err = r.Up(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(res); got != "managed-identity exists, role-assignments exists, storage-account exists, uploads exists, uploads exists, uploads exists, hdinsight-cluster created" {
		t.Errorf("resumed up: %s", got)
	}
}

// TestCreateRequest checks what the cluster's create request holds: the tier's sizes, the
// script action on the head nodes, the ADLS Gen2 default storage with the identity.
func TestCreateRequest(t *testing.T) {
	f := &fakeAzure{exists: map[string]bool{}}
	r := newRunner(t, f, &bytes.Buffer{})
	r.Plan = newPlan(t, 10, Spec{Workers: 4})
	r.Plan.Base.Config.Subscription = "sub"
	if _, err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	p := f.cluster.Properties
	if p == nil || *p.ClusterVersion != "5.1" || *p.ClusterDefinition.Kind != "hadoop" {
		t.Fatalf("cluster properties %+v", p)
	}
	roles := map[string]*armhdinsight.Role{}
	for _, role := range p.ComputeProfile.Roles {
		roles[*role.Name] = role
	}
	if w := roles["workernode"]; w == nil || *w.TargetInstanceCount != 4 || *w.HardwareProfile.VMSize != "Standard_D3_V2" {
		t.Errorf("worker role %+v", w)
	}
	// The script runs on the head and the worker nodes (Java 17 wherever a YARN container
	// runs), fetched with a read-only https user-delegation SAS valid ScriptSASLifetime.
	for _, name := range []string{"headnode", "workernode"} {
		role := roles[name]
		if role == nil || len(role.ScriptActions) != 1 {
			t.Fatalf("%s role %+v: want the script action", name, role)
		}
		u, err := url.Parse(*role.ScriptActions[0].URI)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if base := strings.SplitN(*role.ScriptActions[0].URI, "?", 2)[0]; base != r.Plan.ScriptURI() {
			t.Errorf("%s script URL %s, want %s with a SAS", name, base, r.Plan.ScriptURI())
		}
		st, _ := time.Parse(time.RFC3339, q.Get("st"))
		se, _ := time.Parse(time.RFC3339, q.Get("se"))
		if q.Get("sp") != "r" || q.Get("spr") != "https" || q.Get("sr") != "b" || q.Get("sig") == "" ||
			q.Get("skoid") != "00000000-0000-0000-0000-0000000000aa" || se.Sub(st) != ScriptSASLifetime+5*time.Minute || !st.Before(testNow) {
			t.Errorf("%s script SAS %v: want a read-only https blob SAS signed with the user delegation key, valid %s from now", name, q, ScriptSASLifetime)
		}
	}
	if len(f.blobs.keyRequests) != 1 || !strings.Contains(f.blobs.keyRequests[0], "<Expiry>2026-12-07T13:05:00Z</Expiry>") {
		t.Errorf("user delegation key requests %v", f.blobs.keyRequests)
	}
	st := p.StorageProfile.Storageaccounts[0]
	if !*st.IsDefault || *st.FileSystem != FileSystem || !strings.HasSuffix(*st.MsiResourceID, "/"+r.Plan.Names.Identity) {
		t.Errorf("storage %+v", st)
	}
}

func TestUpNeedsSubscription(t *testing.T) {
	f := &fakeAzure{exists: map[string]bool{}}
	r := newRunner(t, f, &bytes.Buffer{})
	r.Plan.Base.Config.Subscription = ""
	if _, err := r.Up(context.Background()); err == nil || !strings.Contains(err.Error(), "subscription") || len(f.creates) != 0 {
		t.Errorf("err %v, %d creates: want a refusal naming the subscription, nothing created", err, len(f.creates))
	}
}

func TestGeneratePassword(t *testing.T) {
	a, err := GeneratePassword()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GeneratePassword()
	if len(a) != 24 || a == b {
		t.Errorf("passwords of %d characters, equal twice: %v", len(a), a == b)
	}
	for _, set := range []string{"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!#%*+-_"} {
		if !strings.ContainsAny(a, set) {
			t.Errorf("password lacks one of %q", set)
		}
	}
}

// TestScriptSASNeverPrinted: neither up's output nor a failure that quotes the script's URL
// shows its SAS.
func TestScriptSASNeverPrinted(t *testing.T) {
	f := &fakeAzure{exists: map[string]bool{}}
	var out bytes.Buffer
	r := newRunner(t, f, &out)
	if _, err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	sasURL := *f.cluster.Properties.ComputeProfile.Roles[0].ScriptActions[0].URI
	query := sasURL[strings.IndexByte(sasURL, '?')+1:]
	if strings.Contains(out.String(), "sig=") || strings.Contains(out.String(), query) {
		t.Errorf("the output holds the script's SAS:\n%s", out.String())
	}
	err := redactSAS(errors.New("script action failed: cannot download "+sasURL), sasURL)
	if strings.Contains(err.Error(), query) || !strings.Contains(err.Error(), r.Plan.ScriptURI()+"?<SAS redacted>") {
		t.Errorf("redacted error %q", err)
	}
}

// TestScriptRunsYarnContainersOnJava17: Java 17 goes on every node the script runs on (the
// workers too: they run the YARN containers) and the session tells YARN to start the
// JobManager and the TaskManagers with it.
func TestScriptRunsYarnContainersOnJava17(t *testing.T) {
	script := newPlan(t, 5, Spec{}).Script()
	java := strings.Index(script, `if [ ! -x "$java_home/bin/java" ]`)
	headOnly := strings.Index(script, "hn*) ;;")
	if java < 0 || headOnly < 0 || java > headOnly {
		t.Errorf("Java 17 is not installed before the script stops on worker nodes")
	}
	for _, want := range []string{`-Dcontainerized.master.env.JAVA_HOME="$java_home"`, `-Dcontainerized.taskmanager.env.JAVA_HOME="$java_home"`, `java_home="$dir/java17"`} {
		if !strings.Contains(script, want) {
			t.Errorf("script lacks %s", want)
		}
	}
}
