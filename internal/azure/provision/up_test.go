package provision

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// stubCluster is a ClusterSide that records what it was given.
type stubCluster struct {
	calls      int
	kubeconfig string
	flinkID    string
	jobListen  Secret
	fail       error
}

func (s *stubCluster) Converge(_ context.Context, d *Deployment, kubeconfig []byte, _ io.Writer) error {
	s.calls++
	s.kubeconfig, s.flinkID, s.jobListen = string(kubeconfig), d.FlinkIdentityClientID, d.JobListen
	return s.fail
}

func testRunner(t *testing.T, f *fakeAzure, cluster ClusterSide) (*Runner, *bytes.Buffer) {
	t.Helper()
	p, err := plan.New(plan.Config{Tier: 5, ResourceGroup: "rg", Location: "westeurope", Subscription: "sub"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClients("sub", &fake.TokenCredential{}, f.options())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	return &Runner{Plan: p, Clients: c, Out: &out, PollEvery: time.Millisecond, Cluster: cluster}, &out
}

// wantOrder is every create of a tier 5 `up`, in order.
func wantOrder(p *plan.Plan) []string {
	n := p.Names
	acr := "subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/" + n.Registry
	st := "subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/" + n.StorageAccount
	o := []string{
		"group:rg",
		"namespace:" + n.NamespaceIn, "hub:" + n.NamespaceIn + "/in",
		"rule:" + n.NamespaceIn + "/generators-send", "rule:" + n.NamespaceIn + "/job-listen", "rule:" + n.NamespaceIn + "/verifier-listen",
		"namespace:" + n.NamespaceOut, "hub:" + n.NamespaceOut + "/out", "hub:" + n.NamespaceOut + "/in-dead-letter",
		"rule:" + n.NamespaceOut + "/job-send", "rule:" + n.NamespaceOut + "/verifier-listen",
		"storage:" + n.StorageAccount, "container:" + n.StorageAccount + "/flink",
		"registry:" + n.Registry,
		"identity:" + n.GeneratorIdentity,
		"identity:" + n.FlinkIdentity,
		"aks:" + n.Cluster,
		"fic:" + n.FlinkIdentity + "/" + plan.FlinkFederatedCredential,
		"role:" + acr + "/" + roleAssignmentName("/"+acr, roleAcrPull, kubeletObject),
		"role:" + st + "/" + roleAssignmentName("/"+st, roleStorageBlobDataContributor, fakePrincipal(n.FlinkIdentity)),
		"role:" + acr + "/" + roleAssignmentName("/"+acr, roleAcrPull, fakePrincipal(n.GeneratorIdentity)),
		"workspace:" + n.MonitorWorkspace, "dce:" + n.PrometheusEndpoint, "dcr:" + n.PrometheusRule,
		"dcra:" + n.Cluster + "/" + ruleAssociation, "dcra:" + n.Cluster + "/" + endpointAssociation,
	}
	for _, g := range n.GeneratorGroups {
		o = append(o, "aci:"+g)
	}
	return o
}

func TestUpCreatesInOrder_FakeAzure(t *testing.T) {
	f := newFakeAzure()
	f.polls = 2
	cluster := &stubCluster{}
	r, out := testRunner(t, f, cluster)
	d, err := r.Up(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := wantOrder(r.Plan)
	if got := strings.Join(f.creates, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("creates:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if len(d.Created()) != len(want) {
		t.Errorf("%d steps created, want %d", len(d.Created()), len(want))
	}
	if cluster.calls != 1 || cluster.flinkID != fakeClient(r.Plan.Names.FlinkIdentity) || !strings.Contains(cluster.kubeconfig, "kind: Config") ||
		cluster.jobListen.Reveal() != connString(r.Plan.Names.NamespaceIn, plan.RuleJobListen) {
		t.Errorf("cluster side got calls %d flink identity %q kubeconfig %q", cluster.calls, cluster.flinkID, cluster.kubeconfig)
	}
	// Managed Prometheus: the rule forwards the add-on's stream into the workspace.
	dcr := f.dcr.Properties
	if dcr == nil || len(dcr.DataFlows) != 1 || *dcr.DataFlows[0].Streams[0] != "Microsoft-PrometheusMetrics" ||
		!strings.HasSuffix(*dcr.Destinations.MonitoringAccounts[0].AccountResourceID, "/Microsoft.Monitor/accounts/"+r.Plan.Names.MonitorWorkspace) ||
		!strings.HasSuffix(*dcr.DataCollectionEndpointID, "/dataCollectionEndpoints/"+r.Plan.Names.PrometheusEndpoint) {
		t.Errorf("data collection rule %+v", dcr)
	}
	if !strings.Contains(out.String(), "Azure is still working") {
		t.Errorf("no progress line while polling:\n%s", out.String())
	}
	if strings.Contains(out.String(), fakeSharedKey) || strings.Contains(fmt.Sprintf("%v %+v %#v", d, d, d), fakeSharedKey) {
		t.Errorf("a connection string reached the output")
	}
}

func TestSecondUpCreatesNothing_FakeAzure(t *testing.T) {
	f := newFakeAzure()
	r, _ := testRunner(t, f, &stubCluster{})
	if _, err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := len(f.creates)
	d, err := r.Up(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.creates) != before || len(d.Created()) != 0 {
		t.Errorf("second up created %v", f.creates[before:])
	}
	for _, s := range d.Steps {
		if s.Outcome != Exists {
			t.Errorf("step %s %s: %s", s.Kind, s.Name, s.Outcome)
		}
	}
}

func TestUpResumesAfterAFailureAtEachStep_FakeAzure(t *testing.T) {
	p, _ := plan.New(plan.Config{Tier: 5, ResourceGroup: "rg", Location: "westeurope"})
	for i, key := range wantOrder(p) {
		t.Run(key, func(t *testing.T) {
			f := newFakeAzure()
			f.failOn = key
			r, _ := testRunner(t, f, &stubCluster{})
			_, err := r.Up(context.Background())
			if err == nil || !strings.Contains(err.Error(), "InjectedFailure") || !strings.Contains(err.Error(), "run `azure up` again") {
				t.Fatalf("first up: %v", err)
			}
			if len(f.creates) != i {
				t.Fatalf("first up created %d resources before failing at #%d", len(f.creates), i+1)
			}
			if _, err := r.Up(context.Background()); err != nil {
				t.Fatalf("second up: %v", err)
			}
			want := wantOrder(r.Plan)
			if strings.Join(f.creates, "\n") != strings.Join(want, "\n") {
				t.Errorf("after resuming, creates:\n%s", strings.Join(f.creates, "\n"))
			}
		})
	}
}

func TestUpRetriesThrottling_FakeAzure(t *testing.T) {
	f := newFakeAzure()
	r, _ := testRunner(t, f, &stubCluster{})
	nsPath := "/namespaces/" + r.Plan.Names.NamespaceIn
	hubPath := "/namespaces/" + r.Plan.Names.NamespaceOut + "/eventhubs/out"
	f.throttle[nsPath] = 2
	f.throttle[hubPath] = 1
	if _, err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.throttle[nsPath] != 0 || f.throttle[hubPath] != 0 {
		t.Errorf("the 429s were not all served: %v", f.throttle)
	}
	if len(f.creates) != len(wantOrder(r.Plan)) {
		t.Errorf("creates %v", f.creates)
	}
}

func TestUpWithoutClusterSideStopsBeforeGenerators_FakeAzure(t *testing.T) {
	f := newFakeAzure()
	r, _ := testRunner(t, f, nil)
	_, err := r.Up(context.Background())
	if !errors.Is(err, ErrNoClusterSide) {
		t.Fatalf("err %v", err)
	}
	for _, c := range f.creates {
		if strings.HasPrefix(c, "aci:") {
			t.Errorf("generator started without its image: %s", c)
		}
	}
}

func TestClusterSideFailureResumes_FakeAzure(t *testing.T) {
	f := newFakeAzure()
	cluster := &stubCluster{fail: errors.New("operator not ready")}
	r, _ := testRunner(t, f, cluster)
	if _, err := r.Up(context.Background()); err == nil || !strings.Contains(err.Error(), "run `azure up` again") {
		t.Fatalf("err %v", err)
	}
	cluster.fail = nil
	if _, err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if cluster.calls != 2 {
		t.Errorf("cluster side ran %d times", cluster.calls)
	}
}

func TestReadAndDown_FakeAzure(t *testing.T) {
	f := newFakeAzure()
	r, out := testRunner(t, f, &stubCluster{})
	if _, err := r.Read(context.Background()); err == nil || !strings.Contains(err.Error(), "azure up") {
		t.Errorf("read before up: %v", err)
	}
	if _, err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	d, err := r.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.VerifierListen.Reveal() != connString(r.Plan.Names.NamespaceOut, plan.RuleVerifierListen) ||
		d.VerifierListenIn.Reveal() != connString(r.Plan.Names.NamespaceIn, plan.RuleVerifierListen) {
		t.Errorf("verifier connection strings not read")
	}
	if d.KubeletClientID != kubeletClient || d.GeneratorIdentityPrincipal != fakePrincipal(r.Plan.Names.GeneratorIdentity) ||
		d.FlinkIdentityClientID != fakeClient(r.Plan.Names.FlinkIdentity) || !strings.HasSuffix(d.GeneratorIdentityID, "/"+r.Plan.Names.GeneratorIdentity) {
		t.Errorf("identities not read: kubelet %q, generators %q %q, flink %q", d.KubeletClientID, d.GeneratorIdentityID, d.GeneratorIdentityPrincipal, d.FlinkIdentityClientID)
	}
	deleted, err := r.Down(context.Background(), "rg")
	if err != nil || !deleted {
		t.Fatalf("down: %v %v", deleted, err)
	}
	if len(f.deletes) != 1 || f.has("group:rg") {
		t.Errorf("deletes %v", f.deletes)
	}
	deleted, err = r.Down(context.Background(), "rg")
	if err != nil || deleted || !strings.Contains(out.String(), "nothing to delete") {
		t.Errorf("second down: %v %v", deleted, err)
	}
}

func TestRoleAssignmentNameIsAStableGUID(t *testing.T) {
	a := roleAssignmentName("/s", roleAcrPull, "p")
	if a != roleAssignmentName("/s", roleAcrPull, "p") || a == roleAssignmentName("/s", roleAcrPull, "q") {
		t.Errorf("not stable/distinct: %s", a)
	}
	if len(a) != 36 || strings.Count(a, "-") != 4 {
		t.Errorf("%s is not a GUID", a)
	}
}

func TestSecretNeverFormats(t *testing.T) {
	s := NewSecret("Endpoint=sb://x/;SharedAccessKey=k")
	for _, got := range []string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s), fmt.Sprintf("%v", struct{ S Secret }{s})} {
		if strings.Contains(got, "SharedAccessKey") {
			t.Errorf("secret printed: %s", got)
		}
	}
}

func TestWaitGenerators_FakeAzure(t *testing.T) {
	f := newFakeAzure()
	r, out := testRunner(t, f, &stubCluster{})
	if _, err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.aciExit = 0
	res, err := r.WaitGenerators(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 {
		t.Fatalf("results %+v", res)
	}
	for i, g := range res {
		if g.Group != r.Plan.Names.GeneratorGroups[i] || g.ExitCode != 0 || !strings.Contains(g.Log, "sent 600000 events") {
			t.Errorf("generator %d: %+v", i, g)
		}
	}
	if !strings.Contains(out.String(), "ended, exit code 0") {
		t.Errorf("out:\n%s", out.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f2 := newFakeAzure()
	r2, _ := testRunner(t, f2, &stubCluster{})
	if _, err := r2.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := r2.WaitGenerators(ctx); err == nil {
		t.Error("a cancelled wait returned no error")
	}
}

// TestDeleteGeneratorsThenStartAgain_FakeAzure: a second load deletes the ended generator
// groups and creates them again with its own command lines; a generator still running is
// left alone and named.
func TestDeleteGeneratorsThenStartAgain_FakeAzure(t *testing.T) {
	f := newFakeAzure()
	r, out := testRunner(t, f, &stubCluster{})
	if _, err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The fake's groups run for their first two reads: the first delete finds gen-0 running.
	if _, err := r.DeleteGenerators(context.Background()); !errors.Is(err, ErrGeneratorRunning) || !strings.Contains(err.Error(), r.Plan.Names.GeneratorGroups[0]) {
		t.Fatalf("delete while running: %v", err)
	}
	if len(f.deletes) != 0 {
		t.Fatalf("deleted a running generator: %v", f.deletes)
	}
	if _, err := r.WaitGenerators(context.Background()); err != nil {
		t.Fatal(err)
	}
	n, err := r.DeleteGenerators(context.Background())
	if err != nil || n != 3 || len(f.deletes) != 3 {
		t.Fatalf("delete ended generators: %d, %v, deletes %v", n, err, f.deletes)
	}
	if !strings.Contains(out.String(), "deleted  generators") {
		t.Errorf("no delete line:\n%s", out.String())
	}
	d, err := r.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	before := len(f.creates)
	res, err := r.StartGenerators(context.Background(), d, func(i int) []string { return []string{"/streamscale", "generate", "--instance", fmt.Sprint(i)} })
	if err != nil || len(res) != 3 || len(f.creates) != before+3 {
		t.Fatalf("start again: %+v, %v, creates %v", res, err, f.creates[before:])
	}
	// Nothing left to delete twice: a second delete of missing groups does nothing.
	f2 := newFakeAzure()
	r2, _ := testRunner(t, f2, &stubCluster{})
	if n, err := r2.DeleteGenerators(context.Background()); err != nil || n != 0 {
		t.Errorf("delete without groups: %d, %v", n, err)
	}
}

func TestUpSharedCreatesOnlyTheSharedSteps_FakeAzure(t *testing.T) {
	f := newFakeAzure()
	r, _ := testRunner(t, f, nil)
	d, err := r.UpShared(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := wantOrder(r.Plan)
	want = want[:slices.Index(want, "registry:"+r.Plan.Names.Registry)]
	if got := strings.Join(f.creates, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("creates:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if d.JobListen.Reveal() != connString(r.Plan.Names.NamespaceIn, plan.RuleJobListen) || d.JobSend.Reveal() == "" {
		t.Error("UpShared did not return the rules' connection strings")
	}
	before := len(f.creates)
	if _, err := r.UpShared(context.Background()); err != nil || len(f.creates) != before {
		t.Errorf("second UpShared: err %v, created %v", err, f.creates[before:])
	}
}

func TestUpWithNoLoadStartsNoGenerator_FakeAzure(t *testing.T) {
	f := newFakeAzure()
	r, out := testRunner(t, f, &stubCluster{})
	r.Plan.Config.NoLoad = true
	if _, err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := wantOrder(r.Plan)
	want = want[:len(want)-len(r.Plan.Names.GeneratorGroups)]
	if got := strings.Join(f.creates, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("creates:\n%s\nwant (no container group):\n%s", got, strings.Join(want, "\n"))
	}
	if !strings.Contains(out.String(), "no generators started (--load-duration 0)") {
		t.Errorf("up does not say it started no generator:\n%s", out.String())
	}
}

// TestUpSetsUpWorkloadIdentity_FakeAzure: the cluster is created with its OIDC issuer and
// workload identity on; the Flink identity is federated to the flink service account with
// the issuer read back from the cluster; Storage Blob Data Contributor goes to the Flink
// identity's principal on the account, and the kubelet identity keeps AcrPull only.
func TestUpSetsUpWorkloadIdentity_FakeAzure(t *testing.T) {
	f := newFakeAzure()
	r, _ := testRunner(t, f, &stubCluster{})
	d, err := r.Up(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := r.Plan.Names
	cp := f.cluster.Properties
	if cp == nil || cp.OidcIssuerProfile == nil || cp.OidcIssuerProfile.Enabled == nil || !*cp.OidcIssuerProfile.Enabled ||
		cp.SecurityProfile == nil || cp.SecurityProfile.WorkloadIdentity == nil || cp.SecurityProfile.WorkloadIdentity.Enabled == nil ||
		!*cp.SecurityProfile.WorkloadIdentity.Enabled {
		t.Errorf("AKS cluster created without OIDC issuer and workload identity: %+v", cp)
	}
	fic, ok := f.fics[n.FlinkIdentity+"/"+plan.FlinkFederatedCredential]
	if !ok || fic.Properties == nil {
		t.Fatalf("no federated credential on %s: %v", n.FlinkIdentity, f.fics)
	}
	if got := *fic.Properties.Issuer; got != fakeOIDCIssuer {
		t.Errorf("issuer %q, want the cluster's %q", got, fakeOIDCIssuer)
	}
	if got := *fic.Properties.Subject; got != "system:serviceaccount:streamscale:flink" {
		t.Errorf("subject %q", got)
	}
	if len(fic.Properties.Audiences) != 1 || *fic.Properties.Audiences[0] != "api://AzureADTokenExchange" {
		t.Errorf("audiences %v", fic.Properties.Audiences)
	}
	if d.OIDCIssuer != fakeOIDCIssuer || d.FlinkIdentityClientID != fakeClient(n.FlinkIdentity) {
		t.Errorf("deployment: issuer %q, flink client %q", d.OIDCIssuer, d.FlinkIdentityClientID)
	}
	const blobContributor = "/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe"
	const acrPull = "/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d"
	storage := "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/" + n.StorageAccount
	registry := "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/" + n.Registry
	type grant struct{ scope, role, principal string }
	var got []grant
	for key, ra := range f.roles {
		scope := "/" + key[:strings.LastIndex(key, "/")]
		role := *ra.Properties.RoleDefinitionID
		got = append(got, grant{scope, role[strings.Index(role, "/providers/"):], *ra.Properties.PrincipalID})
	}
	want := []grant{
		{storage, blobContributor, fakePrincipal(n.FlinkIdentity)},
		{registry, acrPull, kubeletObject},
		{registry, acrPull, fakePrincipal(n.GeneratorIdentity)},
	}
	cmp := func(a, b grant) int { return strings.Compare(a.scope+a.role+a.principal, b.scope+b.role+b.principal) }
	slices.SortFunc(got, cmp)
	slices.SortFunc(want, cmp)
	if !slices.Equal(got, want) {
		t.Errorf("role assignments:\n%v\nwant:\n%v", got, want)
	}
}

// TestUpRefusesAClusterWithoutWorkloadIdentity_FakeAzure: a cluster made before workload
// identity was turned on is named, with the command that turns it on.
func TestUpRefusesAClusterWithoutWorkloadIdentity_FakeAzure(t *testing.T) {
	f := newFakeAzure()
	f.oldCluster = true
	r, _ := testRunner(t, f, &stubCluster{})
	_, err := r.Up(context.Background())
	if err == nil || !strings.Contains(err.Error(), "--enable-oidc-issuer --enable-workload-identity") {
		t.Fatalf("err %v", err)
	}
}

// TestUpRewritesAnOutdatedFederatedCredential_FakeAzure: a credential trusting another
// issuer (the cluster was made again) is written over with the cluster's.
func TestUpRewritesAnOutdatedFederatedCredential_FakeAzure(t *testing.T) {
	f := newFakeAzure()
	r, out := testRunner(t, f, &stubCluster{})
	if _, err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	key := r.Plan.Names.FlinkIdentity + "/" + plan.FlinkFederatedCredential
	stale := f.fics[key]
	stale.Properties.Issuer = to.Ptr("https://old-issuer.example/")
	f.fics[key] = stale
	if _, err := r.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := *f.fics[key].Properties.Issuer; got != fakeOIDCIssuer {
		t.Errorf("issuer after second up %q", got)
	}
	if !strings.Contains(out.String(), "outdated") {
		t.Errorf("no line says the credential was outdated:\n%s", out.String())
	}
}
