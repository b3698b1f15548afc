package deploy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/cli"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/streamscale/streamscale/internal/azure/kube"
	"github.com/streamscale/streamscale/internal/azure/kubetest"
	"github.com/streamscale/streamscale/internal/azure/manifest"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/provision"
	"github.com/streamscale/streamscale/internal/relay"
)

func deployment(t *testing.T, job relay.Job) *provision.Deployment {
	t.Helper()
	p, err := plan.New(plan.Config{Tier: 1, ResourceGroup: "rg", Location: "westeurope", Job: job, OperatorChart: kubetest.Chart1150Path(t)})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = p.WithImages(plan.Images{Generator: "sha256:" + strings.Repeat("1", 64), Job: "sha256:" + strings.Repeat("2", 64)}); err != nil {
		t.Fatal(err)
	}
	return &provision.Deployment{Plan: p, KubeletClientID: "kubelet-client-id", FlinkIdentityClientID: "flink-client-id",
		JobListen: provision.NewSecret("IN-SECRET"), JobSend: provision.NewSecret("OUT-SECRET")}
}

// side is a ClusterSide on the fake API server c, with the image push stubbed out (images are
// tested in internal/azure/images).
func side(t *testing.T, c *kubetest.Cluster, pushed *int) *ClusterSide {
	s := cli.New()
	s.RepositoryCache, s.RepositoryConfig = t.TempDir(), t.TempDir()+"/repositories.yaml"
	return &ClusterSide{
		Helm: s, Every: time.Millisecond, ReadyTimeout: 5 * time.Second,
		Push: func(context.Context, *plan.Plan, io.Writer) error { *pushed++; return nil },
		Clients: func([]byte) (dynamic.Interface, *action.Configuration, error) {
			return c.Dynamic, c.Helm(plan.OperatorNamespace), nil
		},
	}
}

// lineIndex is the index of the first line of out containing s, or -1.
func lineIndex(out, s string) int {
	for i, l := range strings.Split(out, "\n") {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}

// TestConvergeNamespaceThenOperatorThenJob_FakeAPIServer runs `azure up`'s Kubernetes side end
// to end on a fake API server that refuses what a real one does, with the operator's real
// 1.15.0 chart: the namespace is applied first (the chart puts the job's ServiceAccount into
// it), then the chart is installed, then the manifests (the FlinkDeployment kind exists only
// once the chart's CRD is there, and it passes that CRD's schema), and the stand-in operator
// runs the job as the ServiceAccount the chart made. On 3ffe0a5's order (operator first) the
// install fails on `namespaces "streamscale" not found`. A second Converge changes nothing.
func TestConvergeNamespaceThenOperatorThenJob_FakeAPIServer(t *testing.T) {
	c := kubetest.NewCluster()
	c.Operator = true
	pushed := 0
	s := side(t, c, &pushed)
	d := deployment(t, relay.JobRelay)
	var out bytes.Buffer
	if err := s.Converge(context.Background(), d, []byte("kubeconfig"), &out); err != nil {
		t.Fatalf("converge: %v\n%s", err, out.String())
	}
	o := out.String()
	ns, op, fd := lineIndex(o, "applied Namespace streamscale"), lineIndex(o, "created  flink-operator"), lineIndex(o, "applied FlinkDeployment streamscale/streamscale-relay")
	if ns < 0 || op < 0 || fd < 0 || ns >= op || op >= fd {
		t.Errorf("order namespace %d, operator %d, FlinkDeployment %d:\n%s", ns, op, fd, o)
	}
	if !strings.Contains(o, "STABLE, job") || pushed != 1 {
		t.Errorf("pushed %d; out:\n%s", pushed, o)
	}
	if strings.Contains(o, "IN-SECRET") || strings.Contains(o, "OUT-SECRET") {
		t.Errorf("a connection string was printed:\n%s", o)
	}
	out.Reset()
	if err := s.Converge(context.Background(), d, []byte("kubeconfig"), &out); err != nil {
		t.Fatalf("second converge: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "exists   flink-operator") || strings.Contains(out.String(), "creating flink-operator") {
		t.Errorf("second converge:\n%s", out.String())
	}
}

// TestConvergeResumesAfterFailedOperatorInstall_FakeAPIServer: the operator's install fails
// half-way (its wait times out, as when its image is not pulled in time) and `up` stops with
// the release failed; the next Converge uninstalls it, installs it again and goes on to the
// job.
func TestConvergeResumesAfterFailedOperatorInstall_FakeAPIServer(t *testing.T) {
	c := kubetest.NewCluster()
	c.Operator = true
	c.FailHelmWaits(1)
	pushed := 0
	s := side(t, c, &pushed)
	d := deployment(t, relay.JobRelay)
	var out bytes.Buffer
	err := s.Converge(context.Background(), d, nil, &out)
	if err == nil || !strings.Contains(err.Error(), "install flink-kubernetes-operator") {
		t.Fatalf("first converge: %v", err)
	}
	if lineIndex(out.String(), "applied FlinkDeployment") >= 0 {
		t.Errorf("the job was applied without an operator:\n%s", out.String())
	}
	out.Reset()
	if err := s.Converge(context.Background(), d, nil, &out); err != nil {
		t.Fatalf("second converge: %v\n%s", err, out.String())
	}
	if lineIndex(out.String(), "the release is failed") < 0 || lineIndex(out.String(), "STABLE, job") < 0 {
		t.Errorf("second converge:\n%s", out.String())
	}
}

// TestJobBeforeOperatorIsRefused_FakeAPIServer: without the operator's chart there is no
// FlinkDeployment kind (the API server answers 404), which is why the job comes last.
func TestJobBeforeOperatorIsRefused_FakeAPIServer(t *testing.T) {
	c := kubetest.NewCluster()
	_, err := Job(context.Background(), c.Dynamic, deployment(t, relay.JobRelay), time.Second, time.Millisecond, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "FlinkDeployment") {
		t.Fatalf("job without the operator: %v", err)
	}
}

// TestJobAnnotatesTheChartsServiceAccount_FakeAPIServer: the FlinkDeployment's pods run as
// the ServiceAccount the chart creates (manifest.ServiceAccount), which Job applies again with
// the Flink identity's workload identity annotation (server-side apply, after the chart made
// it). Deleted behind the tool's back, it is made again, so the pods are admitted (kubetest
// refuses a pod whose ServiceAccount does not exist) and carry the annotation.
func TestJobAnnotatesTheChartsServiceAccount_FakeAPIServer(t *testing.T) {
	c := kubetest.NewCluster()
	c.Operator = true
	pushed := 0
	s := side(t, c, &pushed)
	d := deployment(t, relay.JobRelay)
	if err := s.Converge(context.Background(), d, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	sa := c.Dynamic.Resource(kubetest.ServiceAccounts).Namespace(plan.K8sNamespace)
	if err := sa.Delete(context.Background(), manifest.ServiceAccount, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Job(context.Background(), c.Dynamic, d, 5*time.Second, time.Millisecond, io.Discard); err != nil {
		t.Fatalf("job after its ServiceAccount was deleted: %v", err)
	}
	got, err := sa.Get(context.Background(), manifest.ServiceAccount, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if id := got.GetAnnotations()[manifest.AnnotationClientID]; id != d.FlinkIdentityClientID {
		t.Errorf("service account %s annotated with client id %q, want the Flink identity's %q", manifest.ServiceAccount, id, d.FlinkIdentityClientID)
	}
}

// TestManifestsPassOperator115CRD_FakeAPIServer checks every FlinkDeployment the tool applies
// (each tier, each job) against the schema of the real 1.15.0 CRD, with the API server's own
// validation and pruning code: no field the CRD lacks, every enum value allowed. The same
// check refuses a value outside an enum and an unknown field, so it can fail.
func TestManifestsPassOperator115CRD_FakeAPIServer(t *testing.T) {
	c := kubetest.NewCluster()
	pushed := 0
	s := side(t, c, &pushed)
	helm := c.Helm(plan.OperatorNamespace)
	if _, err := Kubernetes(context.Background(), c.Dynamic, helm, s.Helm, deployment(t, relay.JobRelay), time.Millisecond, time.Millisecond, io.Discard); !errors.Is(err, kube.ErrNotReady) {
		t.Fatalf("converge without an operator playing: %v", err) // no operator runs: not ready
	}
	var fd *unstructured.Unstructured
	for _, tier := range []int{1, 5, 10} {
		for _, job := range []relay.Job{relay.JobRelay, relay.JobComplex} {
			p, err := plan.New(plan.Config{Tier: tier, ResourceGroup: "rg", Location: "westeurope", Job: job})
			if err != nil {
				t.Fatal(err)
			}
			objs, err := kube.Unstructured(manifest.Build(p, manifest.Inputs{FlinkIdentityClientID: "id"}).Objects())
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range objs {
				if o.GetKind() != manifest.FlinkKind {
					continue
				}
				fd = o
				if err := c.ValidateCustomResource(o); err != nil {
					t.Errorf("tier %d %s: %v", tier, job, err)
				}
			}
		}
	}
	for _, bad := range []struct {
		path  []string
		value any
		want  string
	}{
		{[]string{"spec", "flinkVersion"}, "v2_3", `spec.flinkVersion: Unsupported value: "v2_3"`},
		{[]string{"spec", "job", "upgradeMode"}, "savepoints", `spec.job.upgradeMode: Unsupported value`},
		{[]string{"spec", "job", "state"}, "RUNNING", `spec.job.state: Unsupported value`},
		{[]string{"spec", "mode"}, "application", `spec.mode: Unsupported value`},
		{[]string{"spec", "job", "parallelism"}, "8", `spec.job.parallelism: Invalid value`},
		{[]string{"spec", "job", "jarUri"}, "local:///x.jar", `unknown field(s) spec.job.jarUri`},
	} {
		o := fd.DeepCopy()
		if err := unstructured.SetNestedField(o.Object, bad.value, bad.path...); err != nil {
			t.Fatal(err)
		}
		if err := c.ValidateCustomResource(o); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s=%v: %v, want %q", strings.Join(bad.path, "."), bad.value, err, bad.want)
		}
	}
}
