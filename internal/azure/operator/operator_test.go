package operator

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/cli"
	kubefake "helm.sh/helm/v3/pkg/kube/fake"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
)

// localChart writes a minimal stand-in chart: the real one comes from the Apache download
// area, which tests cannot reach. Its one template renders the values streamscale sets.
func localChart(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "flink-kubernetes-operator")
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "templates"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: flink-kubernetes-operator\nversion: 1.15.0\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "values.yaml"), []byte("webhook:\n  create: true\nwatchNamespaces: []\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "templates", "cm.yaml"), []byte(
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: operator-values\ndata:\n  webhook: {{ .Values.webhook.create | quote }}\n  watch: {{ join \",\" .Values.watchNamespaces | quote }}\n"), 0o644))
	return dir
}

// fakeHelm is Helm's own in-memory release storage and printing Kubernetes client.
func fakeHelm(out io.Writer) *action.Configuration {
	return &action.Configuration{
		Releases:     storage.Init(driver.NewMemory()),
		KubeClient:   &kubefake.PrintingKubeClient{Out: out},
		Capabilities: chartutil.DefaultCapabilities,
		Log:          func(string, ...any) {},
	}
}

func TestEnsureInstallsOnce_FakeHelm(t *testing.T) {
	cfg := fakeHelm(io.Discard)
	s := Spec{Chart: localChart(t), Namespace: "flink-operator", WatchNamespaces: []string{"streamscale"}}
	var out bytes.Buffer
	installed, err := Ensure(context.Background(), cfg, cli.New(), s, &out)
	if err != nil || !installed {
		t.Fatalf("first: %v %v", installed, err)
	}
	rel, err := action.NewGet(cfg).Run(ReleaseName)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`webhook: "false"`, `watch: "streamscale"`} {
		if !strings.Contains(rel.Manifest, want) {
			t.Errorf("rendered manifests lack %s:\n%s", want, rel.Manifest)
		}
	}
	if rel.Namespace != "flink-operator" {
		t.Errorf("release namespace %s", rel.Namespace)
	}
	installed, err = Ensure(context.Background(), cfg, cli.New(), s, &out)
	if err != nil || installed {
		t.Errorf("second: installed %v, %v", installed, err)
	}
	if !strings.Contains(out.String(), "exists   flink-operator") {
		t.Errorf("out:\n%s", out.String())
	}
}
