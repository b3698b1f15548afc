package operator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/cli"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/repo"
	helmtime "helm.sh/helm/v3/pkg/time"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/streamscale/streamscale/internal/azure/kubetest"
)

const (
	operatorNS = "flink-operator"
	jobNS      = "streamscale"
)

// cluster is a fake API server with the namespaces given.
func cluster(t *testing.T, namespaces ...string) *kubetest.Cluster {
	t.Helper()
	c := kubetest.NewCluster()
	for _, ns := range namespaces {
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}}
		if err := c.Dynamic.Tracker().Create(kubetest.Namespaces, u, ""); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func spec(t *testing.T) Spec {
	return Spec{Sources: []string{kubetest.Chart1150Path(t)}, Version: "1.15.0", Namespace: operatorNS, WatchNamespaces: []string{jobNS}}
}

func settings(t *testing.T) *cli.EnvSettings {
	s := cli.New()
	dir := t.TempDir()
	s.RepositoryCache, s.RepositoryConfig = filepath.Join(dir, "cache"), filepath.Join(dir, "repositories.yaml")
	return s
}

func rbac(kind string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: kind}
}

// TestRealChart115PutsJobRBACIntoWatchedNamespace_FakeAPIServer pins what the real 1.15.0
// chart creates where, with the values streamscale sets: the job's ServiceAccount, Role and
// RoleBinding and the operator's Role and RoleBinding in the watched namespace; the operator
// itself, its ServiceAccount and configuration in its own; the four CRDs; nothing of
// cert-manager or the webhook. A second Ensure installs nothing.
func TestRealChart115PutsJobRBACIntoWatchedNamespace_FakeAPIServer(t *testing.T) {
	c := cluster(t, jobNS)
	cfg := c.Helm(operatorNS)
	var out bytes.Buffer
	installed, err := Ensure(context.Background(), cfg, settings(t), spec(t), &out)
	if err != nil || !installed {
		t.Fatalf("install: %v %v\n%s", installed, err, out.String())
	}
	for _, o := range []struct {
		gvr       schema.GroupVersionResource
		ns, name  string
		wantThere bool
	}{
		{kubetest.ServiceAccounts, jobNS, "flink", true},
		{rbac("roles"), jobNS, "flink", true},
		{rbac("rolebindings"), jobNS, "flink-role-binding", true},
		{rbac("roles"), jobNS, "flink-operator", true},
		{rbac("rolebindings"), jobNS, "flink-operator-role-binding", true},
		{kubetest.ServiceAccounts, operatorNS, "flink-operator", true},
		{kubetest.Deployments, operatorNS, "flink-kubernetes-operator", true},
		{kubetest.ConfigMaps, operatorNS, "flink-operator-config", true},
		{rbac("roles"), operatorNS, "flink-operator", true},
		{kubetest.CRDs, "", "flinkdeployments.flink.apache.org", true},
		{kubetest.CRDs, "", "flinksessionjobs.flink.apache.org", true},
		{kubetest.CRDs, "", "flinkstatesnapshots.flink.apache.org", true},
		{kubetest.CRDs, "", "flinkbluegreendeployments.flink.apache.org", true},
		// Only in the operator's namespace without watchNamespaces:
		{kubetest.ServiceAccounts, operatorNS, "flink", false},
		// Cluster-wide RBAC only without watchNamespaces:
		{rbac("clusterroles"), "", "flink-operator", false},
		// The webhook's objects only with webhook.create:
		{schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, operatorNS, "flink-operator-webhook-secret", false},
		{schema.GroupVersionResource{Version: "v1", Resource: "services"}, operatorNS, "flink-operator-webhook-service", false},
	} {
		if got := c.Exists(o.gvr, o.ns, o.name); got != o.wantThere {
			t.Errorf("%s %s/%s exists: %v, want %v", o.gvr.Resource, o.ns, o.name, got, o.wantThere)
		}
	}
	if w := c.WatchedNamespaces(); strings.Join(w, ",") != jobNS {
		t.Errorf("the operator's configuration watches %v", w)
	}
	rel, err := action.NewGet(cfg).Run(ReleaseName)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Namespace != operatorNS || rel.Info.Status != release.StatusDeployed || rel.Chart.Metadata.Version != "1.15.0" {
		t.Errorf("release %s %s chart %s", rel.Namespace, rel.Info.Status, rel.Chart.Metadata.Version)
	}
	for _, absent := range []string{"cert-manager.io", "ValidatingWebhookConfiguration", "flink-webhook"} {
		if strings.Contains(rel.Manifest, absent) {
			t.Errorf("the rendered chart has %s with webhook.create=false", absent)
		}
	}
	installed, err = Ensure(context.Background(), cfg, settings(t), spec(t), &out)
	if err != nil || installed {
		t.Errorf("second: installed %v, %v", installed, err)
	}
	if !strings.Contains(out.String(), "exists   flink-operator       flink-operator flink-kubernetes-operator (chart 1.15.0)") {
		t.Errorf("out:\n%s", out.String())
	}
}

// TestRealChart115FailsWithoutWatchedNamespaceThenResumes_FakeAPIServer is defect 1 as a live
// cluster shows it: installed before its watched namespace exists, the real chart fails on
// the ServiceAccount it puts there and the release is left failed. The next Ensure, with the
// namespace there, uninstalls the failed release and installs it again (3ffe0a5 refused).
func TestRealChart115FailsWithoutWatchedNamespaceThenResumes_FakeAPIServer(t *testing.T) {
	c := cluster(t)
	cfg := c.Helm(operatorNS)
	var out bytes.Buffer
	_, err := Ensure(context.Background(), cfg, settings(t), spec(t), &out)
	if err == nil || !strings.Contains(err.Error(), `namespaces "streamscale" not found`) || !strings.Contains(err.Error(), "the next `azure up`") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("install into a cluster without %s: %v", jobNS, err)
	}
	rel, err := action.NewGet(cfg).Run(ReleaseName)
	if err != nil || rel.Info.Status != release.StatusFailed {
		t.Fatalf("release after the failure: %v %v", rel, err)
	}
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": jobNS}}}
	if err := c.Dynamic.Tracker().Create(kubetest.Namespaces, ns, ""); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	installed, err := Ensure(context.Background(), cfg, settings(t), spec(t), &out)
	if err != nil || !installed {
		t.Fatalf("second up: %v %v\n%s", installed, err, out.String())
	}
	if !strings.Contains(out.String(), "deleting flink-operator       flink-operator flink-kubernetes-operator: the release is failed") {
		t.Errorf("no line says the failed release is replaced:\n%s", out.String())
	}
	if !c.Exists(kubetest.ServiceAccounts, jobNS, "flink") {
		t.Error("no ServiceAccount flink after the retry")
	}
}

// TestFailedWaitIsRetriedAdoptingKeptObjects_FakeAPIServer: an install whose wait fails (the
// operator's image not pulled in time) leaves a failed release and the objects the chart
// marks helm.sh/resource-policy: keep (the job's ServiceAccount, Role, RoleBinding), which
// uninstall leaves. The next Ensure uninstalls and installs again, taking those objects over.
func TestFailedWaitIsRetriedAdoptingKeptObjects_FakeAPIServer(t *testing.T) {
	c := cluster(t, jobNS)
	c.FailHelmWaits(1)
	cfg := c.Helm(operatorNS)
	var out bytes.Buffer
	if _, err := Ensure(context.Background(), cfg, settings(t), spec(t), &out); err == nil || !strings.Contains(err.Error(), "resource not ready") {
		t.Fatalf("first: %v", err)
	}
	installed, err := Ensure(context.Background(), cfg, settings(t), spec(t), &out)
	if err != nil || !installed {
		t.Fatalf("second: %v %v\n%s", installed, err, out.String())
	}
	rel, err := action.NewGet(cfg).Run(ReleaseName)
	if err != nil || rel.Info.Status != release.StatusDeployed {
		t.Fatalf("release: %v %v", rel, err)
	}
}

// TestPendingReleaseYoungIsRefusedOldIsReplaced_FakeAPIServer: a release pending-install for
// less than the install's timeout is another `up` at work; an older one died with its `up`.
func TestPendingReleaseYoungIsRefusedOldIsReplaced_FakeAPIServer(t *testing.T) {
	for _, tc := range []struct {
		age      time.Duration
		wantFail bool
	}{{time.Minute, true}, {time.Hour, false}} {
		c := cluster(t, jobNS)
		cfg := c.Helm(operatorNS)
		rel := &release.Release{Name: ReleaseName, Namespace: operatorNS, Version: 1,
			Info: &release.Info{Status: release.StatusPendingInstall, LastDeployed: helmtime.Time{Time: time.Now().Add(-tc.age)}}}
		if err := cfg.Releases.Create(rel); err != nil {
			t.Fatal(err)
		}
		_, err := Ensure(context.Background(), cfg, settings(t), spec(t), io.Discard)
		if tc.wantFail != (err != nil) || (tc.wantFail && !strings.Contains(err.Error(), "another install is under way")) {
			t.Errorf("pending for %s: %v", tc.age, err)
		}
	}
}

// TestRealChart115WebhookDefaultNeedsCertManager_FakeAPIServer pins why the webhook is off:
// with the chart's default values (webhook.create: true) the install fails on a cluster
// without cert-manager, as AKS is, because the chart renders a cert-manager Certificate.
func TestRealChart115WebhookDefaultNeedsCertManager_FakeAPIServer(t *testing.T) {
	c := cluster(t, jobNS)
	ch, err := loader.LoadArchive(bytes.NewReader(kubetest.Chart1150))
	if err != nil {
		t.Fatal(err)
	}
	if create, _ := ch.Values["webhook"].(map[string]any)["create"].(bool); !create {
		t.Fatalf("the chart's default webhook.create is %v", create)
	}
	install := action.NewInstall(c.Helm(operatorNS))
	install.ReleaseName, install.Namespace, install.CreateNamespace = ReleaseName, operatorNS, true
	_, err = install.Run(ch, map[string]any{"watchNamespaces": []any{jobNS}})
	if err == nil || !strings.Contains(err.Error(), `no matches for kind "Certificate" in version "cert-manager.io/v1"`) {
		t.Fatalf("install with the chart's webhook default: %v", err)
	}
}

// TestLocateTriesSourcesInOrder: a repository that does not have the chart (404) is passed
// over for the next one, which serves an index and the .tgz as the Apache directories do;
// a chart .tgz URL and a local path work too; every source failing is one error naming each
// and --operator-chart.
func TestLocateTriesSourcesInOrder(t *testing.T) {
	const tgz = "flink-kubernetes-operator-1.15.0-helm.tgz"
	ch, err := loader.LoadArchive(bytes.NewReader(kubetest.Chart1150))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	sum := sha256.Sum256(kubetest.Chart1150)
	idx := repo.NewIndexFile()
	if err := idx.MustAdd(ch.Metadata, tgz, srv.URL+"/archive/", "sha256:"+hex.EncodeToString(sum[:])); err != nil {
		t.Fatal(err)
	}
	index, err := yaml.Marshal(idx)
	if err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("/archive/index.yaml", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(index) })
	mux.HandleFunc("/archive/"+tgz, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(kubetest.Chart1150) })
	bad := filepath.Join(t.TempDir(), "other.tgz")
	if err := os.WriteFile(bad, []byte("not a chart"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		sources []string
		version string
		from    string
		errHas  []string
	}{
		{"downloads gone, archive has it", []string{srv.URL + "/downloads/", srv.URL + "/archive/"}, "1.15.0", srv.URL + "/archive/", nil},
		{"chart .tgz URL", []string{srv.URL + "/archive/" + tgz}, "1.15.0", srv.URL + "/archive/" + tgz, nil},
		{"local .tgz", []string{kubetest.Chart1150Path(t)}, "1.15.0", "", nil},
		{"other version", []string{kubetest.Chart1150Path(t)}, "1.14.0", "", []string{"the chart is flink-kubernetes-operator 1.15.0, not flink-kubernetes-operator 1.14.0"}},
		{"nothing answers", []string{srv.URL + "/downloads/", bad}, "1.15.0", "", []string{srv.URL + "/downloads/: fetch", bad + ": load chart", "pass --operator-chart PATH"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			install := action.NewInstall(&action.Configuration{})
			got, from, err := Locate(install, settings(t), Spec{Sources: tc.sources, Version: tc.version})
			if tc.errHas != nil {
				if err == nil {
					t.Fatal("no error")
				}
				for _, w := range tc.errHas {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error lacks %q: %v", w, err)
					}
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error is not one line: %q", err)
				}
				return
			}
			if err != nil || got.Metadata.Version != "1.15.0" {
				t.Fatalf("%v %v", got, err)
			}
			if tc.from != "" && from != tc.from {
				t.Errorf("from %s, want %s", from, tc.from)
			}
		})
	}
}

func TestCheckSource(t *testing.T) {
	for _, tc := range []struct {
		src string
		ok  bool
	}{
		{"https://mirror.example/flink/flink-kubernetes-operator-1.15.0/", true},
		{kubetest.Chart1150Path(t), true},
		{"https://", false},
		{"/no/such/chart.tgz", false},
	} {
		if err := CheckSource(tc.src); (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.src, err)
		}
	}
}
