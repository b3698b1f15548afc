package preflight

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v9"

	"github.com/streamscale/streamscale/internal/azure/hdinsight"
	"github.com/streamscale/streamscale/internal/azure/plan"
)

func testPlan(t *testing.T, tier int, o plan.Overrides) *plan.Plan {
	t.Helper()
	p, err := plan.New(plan.Config{Tier: tier, Overrides: o, ResourceGroup: "streamscale-rg", Location: "westeurope", Subscription: fakeSub})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func checkNamed(r Report, name string) (Check, bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}

func failedNames(r Report) []string {
	var s []string
	for _, c := range r.Failed() {
		s = append(s, c.Name)
	}
	return s
}

// TestRunFakeAKS runs every check against the Azure SDK's fake servers, once on a
// subscription where all pass and once for each way a check fails: the row's check fails
// with its fix, and every other check still runs and passes.
func TestRunFakeAKS(t *testing.T) {
	p := testPlan(t, 10, plan.Overrides{})
	n := p.Names
	for _, tc := range []struct {
		name  string
		world func(*world)
		// fails are the checks that fail; want are substrings of each failed check's line.
		fails []string
		want  []string
		// passes are substrings the named check's passing line holds.
		passes map[string]string
	}{
		{name: "all pass", world: func(*world) {}, passes: map[string]string{
			"identity":                 "signed in as alice@contoso.example, object id " + fakeOID + ", tenant " + fakeTenant,
			"subscription":             `"Streaming Tests" (` + fakeSub + `), Enabled`,
			"role assignments":         "Microsoft.Authorization/roleAssignments/write at resource group streamscale-rg",
			"vm size Standard_D4s_v3":  "offered in westeurope, 4 vCPUs, family standardDSv3Family",
			"quota standardDSv3Family": "need 16 vCPUs, 0 of 100 in use",
			"quota cores":              "Total Regional vCPUs in westeurope: need 16 vCPUs, 4 of 100 in use, 96 free",
			"name " + n.StorageAccount: "storage account name is free",
			"name " + n.Registry:       "container registry name is free",
			"name " + n.NamespaceIn:    "Event Hubs namespace name is free",
			"name " + n.NamespaceOut:   "Event Hubs namespace name is free",
		}},
		{name: "provider not registered", world: func(w *world) { delete(w.providers, "Microsoft.ContainerService") },
			fails: []string{"provider Microsoft.ContainerService"}, want: []string{"NotRegistered", "az provider register --namespace Microsoft.ContainerService"}},
		{name: "provider registering", world: func(w *world) { w.providers["Microsoft.Insights"] = "Registering" },
			fails: []string{"provider Microsoft.Insights"}, want: []string{"Registering, not yet Registered", "wait until"}},
		{name: "subscription disabled", world: func(w *world) { w.subState = "Disabled" },
			fails: []string{"subscription"}, want: []string{"is Disabled, not Enabled"}},
		{name: "subscription not visible", world: func(w *world) { w.subState = "" },
			fails: []string{"subscription"}, want: []string{"SubscriptionNotFound (HTTP 404)", "az account list -o table"}},
		{name: "contributor cannot assign roles", world: func(w *world) { w.groupPerms = contributorPerms },
			fails: []string{"role assignments"}, want: []string{"no Microsoft.Authorization/roleAssignments/write at resource group streamscale-rg", "Owner or User Access Administrator"}},
		{name: "contributor and user access administrator", world: func(w *world) { w.groupPerms = append(append(contributorPerms[:1:1], uaaPerms...), readerPerms...) },
			passes: map[string]string{"role assignments": "roleAssignments/write at resource group streamscale-rg"}},
		{name: "new group: owner at the subscription", world: func(w *world) {
			w.groupExists, w.groupPerms, w.assignments = false, nil, []assignment{{role: roleID(roleReader)}, {role: roleID(roleOwner)}}
		}, passes: map[string]string{"role assignments": "at subscription " + fakeSub + " (resource group streamscale-rg does not exist yet)"}},
		{name: "new group: contributor at the subscription", world: func(w *world) {
			w.groupExists, w.assignments = false, []assignment{{role: roleID(roleContributor)}}
		}, fails: []string{"role assignments"}, want: []string{"no Microsoft.Authorization/roleAssignments/write at subscription", "User Access Administrator"}},
		{name: "new group: conditional RBAC administrator", world: func(w *world) {
			w.groupExists, w.assignments = false, []assignment{{role: roleID(roleContributor)}, {role: roleID(roleRBACAdmin), condition: "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {7f951dda-4ed3-4680-a7ca-43fe172d538d}))"}}
		}, passes: map[string]string{"role assignments": "under a condition"}},
		{name: "family quota too small", world: func(w *world) { w.usage[1] = usage("standardDSv3Family", "Standard DSv3 Family vCPUs", 4, 10) },
			fails: []string{"quota standardDSv3Family"}, want: []string{"need 16 vCPUs, 4 of 10 in use, 6 free", `request a quota increase of "Standard DSv3 Family vCPUs" in westeurope to at least 20 vCPUs`}},
		{name: "regional quota too small", world: func(w *world) { w.usage[0] = usage("cores", "Total Regional vCPUs", 10, 20) },
			fails: []string{"quota cores"}, want: []string{"need 16 vCPUs, 10 of 20 in use, 10 free", "at least 26 vCPUs"}},
		{name: "size not available to the subscription", world: func(w *world) {
			code, typ := armcompute.ResourceSKURestrictionsReasonCodeNotAvailableForSubscription, armcompute.ResourceSKURestrictionsTypeLocation
			w.skus[1].Restrictions = []*armcompute.ResourceSKURestrictions{{Type: &typ, ReasonCode: &code, Values: []*string{ptr("westeurope")},
				RestrictionInfo: &armcompute.ResourceSKURestrictionInfo{Locations: []*string{ptr("westeurope")}}}}
		}, fails: []string{"vm size Standard_D4s_v3", "quota"}, want: []string{"not to this subscription (NotAvailableForSubscription)", "Compute-VM (cores-vCPUs)"}},
		{name: "a zone restriction leaves the size usable", world: func(w *world) {
			code, typ := armcompute.ResourceSKURestrictionsReasonCodeNotAvailableForSubscription, armcompute.ResourceSKURestrictionsTypeZone
			w.skus[1].Restrictions = []*armcompute.ResourceSKURestrictions{{Type: &typ, ReasonCode: &code, Values: []*string{ptr("westeurope")},
				RestrictionInfo: &armcompute.ResourceSKURestrictionInfo{Locations: []*string{ptr("westeurope")}, Zones: []*string{ptr("2")}}}}
		}, passes: map[string]string{"vm size Standard_D4s_v3": "offered in westeurope"}},
		{name: "size not offered in the region", world: func(w *world) { w.skus = w.skus[:1] },
			fails: []string{"vm size Standard_D4s_v3", "quota"}, want: []string{"not offered in westeurope", "pick another --location"}},
		{name: "storage account name taken elsewhere", world: func(w *world) { w.taken[n.StorageAccount] = true },
			fails: []string{"name " + n.StorageAccount}, want: []string{"taken elsewhere in Azure (AlreadyExists: The name " + n.StorageAccount + " is already taken.)", "pick another --prefix"}},
		{name: "namespace name taken elsewhere", world: func(w *world) { w.taken[n.NamespaceOut] = true },
			fails: []string{"name " + n.NamespaceOut}, want: []string{"taken elsewhere in Azure (NameInUse"}},
		{name: "registry name taken elsewhere", world: func(w *world) { w.taken[n.Registry] = true },
			fails: []string{"name " + n.Registry}, want: []string{"container registry name is taken"}},
		{name: "names taken by our own resources: a resumed up", world: func(w *world) {
			for _, x := range []string{n.StorageAccount, n.Registry, n.NamespaceIn, n.NamespaceOut} {
				w.taken[x] = true
			}
			w.inGroup = []string{"Microsoft.Storage/storageAccounts/" + n.StorageAccount, "Microsoft.ContainerRegistry/registries/" + n.Registry,
				"Microsoft.EventHub/namespaces/" + n.NamespaceIn, "Microsoft.EventHub/namespaces/" + n.NamespaceOut}
		}, passes: map[string]string{"name " + n.Registry: "already in resource group streamscale-rg (azure up resumes with it)"}},
		{name: "the group's resources cannot be listed", world: func(w *world) { w.listForbidden = true },
			fails: []string{"resource group streamscale-rg"}, want: []string{"cannot list its resources: AuthorizationFailed (HTTP 403)", "at least Reader"}},
		{name: "our cluster exists: its nodes are counted already", world: func(w *world) {
			w.usage[1] = usage("standardDSv3Family", "Standard DSv3 Family vCPUs", 16, 16)
			w.inGroup = []string{"Microsoft.ContainerService/managedClusters/" + n.Cluster}
		}, passes: map[string]string{"quota": "cluster streamscale-aks is already in resource group"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			tc.world(w)
			rep, err := Run(context.Background(), Config{Plan: p, Credential: userCredential(), Options: w.options()})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := rep.Write(&out); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(failedNames(rep), ", "); got != strings.Join(tc.fails, ", ") {
				t.Fatalf("failed checks %q, want %q:\n%s", got, strings.Join(tc.fails, ", "), out.String())
			}
			for _, want := range tc.want {
				if !strings.Contains(out.String(), want) {
					t.Errorf("report lacks %q:\n%s", want, out.String())
				}
			}
			for name, want := range tc.passes {
				c, ok := checkNamed(rep, name)
				if !ok || !c.OK || !strings.Contains(c.Detail, want) {
					t.Errorf("check %q: %+v, want a pass with %q", name, c, want)
				}
			}
			// Every check ran, whatever failed: 1 identity, 1 subscription, 8 providers,
			// 1 role assignments, 4 names, 1 size and 2 quotas (or 1 when not counted).
			if len(rep.Checks) < 17 {
				t.Errorf("%d checks, want every one of them:\n%s", len(rep.Checks), out.String())
			}
			if (rep.Err() != nil) != (len(tc.fails) > 0) || (rep.Err() != nil && !errors.Is(rep.Err(), ErrChecksFailed)) {
				t.Errorf("Err() = %v with %d failures", rep.Err(), len(tc.fails))
			}
			if strings.Contains(out.String(), secretSignature) {
				t.Errorf("the report holds the token:\n%s", out.String())
			}
		})
	}
}

// TestRunFakeProvidersFollowThePlan: the AKS plan needs the providers of its steps
// (Container Instances also with --load-duration 0, as `azure run` starts generators),
// HDInsight its own and no registry; every one is asked for.
func TestRunFakeProvidersFollowThePlan(t *testing.T) {
	aks := testPlan(t, 1, plan.Overrides{})
	noLoad, err := plan.New(plan.Config{Tier: 1, ResourceGroup: "streamscale-rg", Location: "westeurope", Subscription: fakeSub, NoLoad: true})
	if err != nil {
		t.Fatal(err)
	}
	hdi, err := hdinsight.New(testPlan(t, 1, plan.Overrides{}), hdinsight.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	aksWant := "Microsoft.ContainerInstance Microsoft.ContainerRegistry Microsoft.ContainerService Microsoft.EventHub Microsoft.Insights Microsoft.ManagedIdentity Microsoft.Monitor Microsoft.Storage"
	for _, tc := range []struct {
		name string
		c    Config
		want string
	}{
		{"aks", Config{Plan: aks}, aksWant},
		{"aks without load", Config{Plan: noLoad}, aksWant},
		{"hdinsight", Config{Plan: hdi.Base, HDInsight: hdi}, "Microsoft.EventHub Microsoft.HDInsight Microsoft.ManagedIdentity Microsoft.Storage"},
	} {
		if got := strings.Join(tc.c.requiredProviders(), " "); got != tc.want {
			t.Errorf("%s: providers %s, want %s", tc.name, got, tc.want)
		}
	}
	w := newWorld()
	if _, err := Run(context.Background(), Config{Plan: aks, Credential: userCredential(), Options: w.options()}); err != nil {
		t.Fatal(err)
	}
	if got := w.called("providers.Get"); got != 8 {
		t.Errorf("%d provider reads, want 8", got)
	}
}

// TestRunFakeHDInsight: on HDInsight the nodes are the head, worker and ZooKeeper nodes of
// the HDInsight plan, counted per family, and no registry name is checked.
func TestRunFakeHDInsight(t *testing.T) {
	hdi, err := hdinsight.New(testPlan(t, 1, plan.Overrides{}), hdinsight.Spec{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		world func(*world)
		fails string
		want  map[string]string
	}{
		{"all pass", func(*world) {}, "", map[string]string{
			// 2 head + 4 workers of Standard_D3_V2 (4 vCPUs), 3 ZooKeeper of Standard_A2_V2 (2).
			"quota standardDv2Family": "need 24 vCPUs",
			"quota standardAv2Family": "need 6 vCPUs",
			"quota cores":             "need 30 vCPUs",
		}},
		{"hdinsight not registered", func(w *world) { delete(w.providers, "Microsoft.HDInsight") }, "provider Microsoft.HDInsight", nil},
		{"worker family quota too small", func(w *world) { w.usage[2] = usage("standardDv2Family", "Standard Dv2 Family vCPUs", 0, 20) }, "quota standardDv2Family", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			tc.world(w)
			rep, err := Run(context.Background(), Config{Plan: hdi.Base, HDInsight: hdi, Credential: userCredential(), Options: w.options()})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			_ = rep.Write(&out)
			if got := strings.Join(failedNames(rep), ", "); got != tc.fails {
				t.Fatalf("failed %q, want %q:\n%s", got, tc.fails, out.String())
			}
			for name, want := range tc.want {
				if c, ok := checkNamed(rep, name); !ok || !strings.Contains(c.Detail, want) {
					t.Errorf("check %q: %+v, want %q", name, c, want)
				}
			}
			if w.called("registries.CheckNameAvailability") != 0 {
				t.Errorf("checked a registry name; HDInsight has no registry")
			}
		})
	}
}

// TestRunFakeNodeOverrides: the quota follows --node-count and --node-vm-size, read from
// the plan's tier.
func TestRunFakeNodeOverrides(t *testing.T) {
	p := testPlan(t, 1, plan.Overrides{NodeCount: 7, NodeVMSize: "Standard_D4s_v3"})
	w := newWorld()
	rep, err := Run(context.Background(), Config{Plan: p, Credential: userCredential(), Options: w.options()})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := checkNamed(rep, "quota standardDSv3Family"); !strings.Contains(c.Detail, "need 28 vCPUs") {
		t.Errorf("quota check %+v, want 7 × 4 = 28 vCPUs", c)
	}
}

// TestRunFakeNoToken: a credential that gets no token fails the identity check with the
// sign-in fix, and nothing else is asked of Azure.
func TestRunFakeNoToken(t *testing.T) {
	w := newWorld()
	cred := &jwtCredential{err: errors.New("DefaultAzureCredential: failed to acquire a token.\nAttempted credentials:\n\tAzureCLICredential: ERROR: Please run 'az login' to setup account.")}
	rep, err := Run(context.Background(), Config{Plan: testPlan(t, 1, plan.Overrides{}), Credential: cred, Options: w.options()})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	_ = rep.Write(&out)
	if rep.Err() == nil || !strings.Contains(out.String(), "FAIL  identity: no token for Azure Resource Manager: DefaultAzureCredential: failed to acquire a token.; fix: sign in with `az login`") {
		t.Errorf("report:\n%s", out.String())
	}
	if strings.Count(out.String(), "\n") != 3 {
		t.Errorf("want one line per check and the total:\n%s", out.String())
	}
	if w.called("subscriptions.Get")+w.called("providers.Get") != 0 {
		t.Errorf("asked Azure without a token: %v", w.calls)
	}
	if len(cred.scopes) != 1 || cred.scopes[0] != "https://management.core.windows.net//.default" {
		t.Errorf("token scopes %v, want Resource Manager's", cred.scopes)
	}
}

// TestRunFakeCallTimeout: a call that gets no answer fails its check once the call timeout
// is up, and the other checks still run.
func TestRunFakeCallTimeout(t *testing.T) {
	w := newWorld()
	w.stall["Microsoft.EventHub"] = true
	rep, err := Run(context.Background(), Config{Plan: testPlan(t, 1, plan.Overrides{}), Credential: userCredential(), Options: w.options(), CallTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := checkNamed(rep, "provider Microsoft.EventHub")
	if c.OK || !strings.Contains(c.Detail, "no answer within 200ms") {
		t.Errorf("stalled provider check: %+v", c)
	}
	if got := strings.Join(failedNames(rep), ", "); got != "provider Microsoft.EventHub" {
		t.Errorf("failed %q, want only the stalled one", got)
	}
}

func TestRunConfigErrors(t *testing.T) {
	p := testPlan(t, 1, plan.Overrides{})
	noSub, err := plan.New(plan.Config{Tier: 1, ResourceGroup: "rg", Location: "westeurope"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := hdinsight.New(testPlan(t, 5, plan.Overrides{}), hdinsight.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c    Config
		want string
	}{
		{Config{Credential: userCredential()}, "no plan"},
		{Config{Plan: p}, "no credential"},
		{Config{Plan: noSub, Credential: userCredential()}, "no subscription: pass --subscription or set AZURE_SUBSCRIPTION_ID"},
		{Config{Plan: p, HDInsight: other, Credential: userCredential()}, "another base plan"},
		{Config{Plan: p, Credential: userCredential(), CallTimeout: -time.Second}, "call timeout -1s"},
	} {
		if _, err := Run(context.Background(), tc.c); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err %v, want %q", err, tc.want)
		}
	}
}

func TestPrincipalOf(t *testing.T) {
	for _, tc := range []struct {
		claims map[string]string
		want   string
	}{
		{map[string]string{"upn": "alice@contoso.example", "oid": "o", "tid": "t"}, "alice@contoso.example, object id o, tenant t"},
		{map[string]string{"unique_name": "live.com#bob@example.org", "oid": "o"}, "live.com#bob@example.org, object id o"},
		{map[string]string{"appid": "app-1", "idtyp": "app", "unique_name": "o", "oid": "o"}, "application app-1, object id o"},
		{map[string]string{"tid": "t"}, "an identity the token does not name, tenant t"},
	} {
		tok, _ := (&jwtCredential{claims: tc.claims}).GetToken(context.Background(), testScopes)
		p, ok := principalOf(tok.Token)
		if !ok || p.String() != tc.want {
			t.Errorf("%v: %q (%v), want %q", tc.claims, p.String(), ok, tc.want)
		}
	}
	if _, ok := principalOf("fake_token"); ok {
		t.Error("an opaque token read as a JWT")
	}
}
