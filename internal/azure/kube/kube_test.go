package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	kubefake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"
	k8stesting "k8s.io/client-go/testing"

	"github.com/streamscale/streamscale/internal/azure/manifest"
	"github.com/streamscale/streamscale/internal/azure/plan"
)

// fakeDynamic is client-go's fake dynamic client. Its object tracker has no server-side
// apply, so a reactor stores an apply patch's object as the API server would for a field
// manager that owns every field it sends (create, or replace); the real merge semantics are
// the API server's and are not tested here.
func fakeDynamic() *dynamicfake.FakeDynamicClient {
	listKinds := map[schema.GroupVersionResource]string{
		{Version: "v1", Resource: "namespaces"}:      "NamespaceList",
		{Version: "v1", Resource: "serviceaccounts"}: "ServiceAccountList",
		{Version: "v1", Resource: "configmaps"}:      "ConfigMapList",
		{Version: "v1", Resource: "secrets"}:         "SecretList",
		FlinkDeployments:                             "FlinkDeploymentList",
		PodMonitors:                                  "PodMonitorList",
	}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds)
	dyn.PrependReactor("patch", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		p := a.(k8stesting.PatchActionImpl)
		if p.GetPatchType() != types.ApplyPatchType {
			return false, nil, nil
		}
		u := &unstructured.Unstructured{}
		if err := json.Unmarshal(p.GetPatch(), &u.Object); err != nil {
			return true, nil, err
		}
		if len(p.GetPatchOptions().DryRun) > 0 {
			return true, u, nil
		}
		tr := dyn.Tracker()
		if _, err := tr.Get(p.GetResource(), p.GetNamespace(), p.GetName()); err != nil {
			return true, u, tr.Create(p.GetResource(), u, p.GetNamespace())
		}
		return true, u, tr.Update(p.GetResource(), u, p.GetNamespace())
	})
	return dyn
}

func testSet(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	p, err := plan.New(plan.Config{Tier: 1, ResourceGroup: "rg", Location: "westeurope"})
	if err != nil {
		t.Fatal(err)
	}
	objs, err := Unstructured(manifest.Build(p, manifest.Inputs{InConnectionString: "IN-SECRET", OutConnectionString: "OUT-SECRET", FlinkIdentityClientID: "cid"}).Objects())
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// applyActions are the fake client's apply patches: (dry run?, kind, name).
func applyActions(dyn *dynamicfake.FakeDynamicClient) []string {
	var out []string
	for _, a := range dyn.Actions() {
		if p, ok := a.(k8stesting.PatchAction); ok && a.GetVerb() == "patch" {
			out = append(out, string(p.GetPatchType())+" "+a.GetResource().Resource+" "+p.GetName())
		}
	}
	return out
}

func TestApplyIsServerSideInOrder_FakeDynamic(t *testing.T) {
	dyn := fakeDynamic()
	objs := testSet(t)
	var out bytes.Buffer
	ctx := context.Background()
	if err := Apply(ctx, dyn, objs, false, &out); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"application/apply-patch+yaml namespaces streamscale",
		"application/apply-patch+yaml serviceaccounts flink",
		"application/apply-patch+yaml configmaps streamscale-kafka",
		"application/apply-patch+yaml secrets streamscale-eventhubs",
		"application/apply-patch+yaml configmaps streamscale-images",
		"application/apply-patch+yaml flinkdeployments streamscale-relay",
		"application/apply-patch+yaml podmonitors streamscale-flink",
	}
	if got := applyActions(dyn); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("actions:\n%s", strings.Join(got, "\n"))
	}
	fd, err := dyn.Resource(FlinkDeployments).Namespace(plan.K8sNamespace).Get(ctx, plan.DeploymentName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p, _, _ := unstructured.NestedFieldNoCopy(fd.Object, "spec", "job", "parallelism"); fmt.Sprint(p) != "2" {
		t.Errorf("stored parallelism %v", p)
	}
	if strings.Contains(out.String(), "SECRET") {
		t.Errorf("apply printed a secret: %s", out.String())
	}
	// A second apply converges: the same objects, no error.
	if err := Apply(ctx, dyn, objs, false, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
}

func TestApplyDryRunSendsDryRunAll_FakeDynamic(t *testing.T) {
	dyn := fakeDynamic()
	var seen []string
	dyn.PrependReactor("patch", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		opts := a.(k8stesting.PatchActionImpl).GetPatchOptions()
		seen = append(seen, strings.Join(opts.DryRun, ",")+" "+opts.FieldManager)
		return true, &unstructured.Unstructured{}, nil
	})
	if err := Apply(context.Background(), dyn, testSet(t), true, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(testSet(t)) {
		t.Fatalf("seen %v", seen)
	}
	for _, s := range seen {
		if s != "All streamscale" {
			t.Errorf("patch options %q, want dry run All by field manager streamscale", s)
		}
	}
}

// setStatus stores a FlinkDeployment ns/fd with status s in the fake's tracker (not through
// the client, so a reactor may call it).
func setStatus(t *testing.T, dyn *dynamicfake.FakeDynamicClient, s manifest.FlinkDeploymentStatus) {
	t.Helper()
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&s)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": manifest.FlinkAPIVersion, "kind": manifest.FlinkKind,
		"metadata": map[string]any{"name": "fd", "namespace": "ns"}, "status": m}}
	tr := dyn.Tracker()
	if _, gerr := tr.Get(FlinkDeployments, "ns", "fd"); gerr != nil {
		err = tr.Create(FlinkDeployments, u, "ns")
	} else {
		err = tr.Update(FlinkDeployments, u, "ns")
	}
	if err != nil {
		t.Fatal(err)
	}
}

func TestWaitReady_FakeDynamic(t *testing.T) {
	dyn := fakeDynamic()
	steps := []manifest.FlinkDeploymentStatus{
		{LifecycleState: "DEPLOYED", JobManagerDeploymentStatus: "DEPLOYING"},
		{LifecycleState: "DEPLOYED", JobManagerDeploymentStatus: "READY", JobStatus: manifest.JobStatus{State: "CREATED"}},
		{LifecycleState: "STABLE", JobManagerDeploymentStatus: "READY", JobStatus: manifest.JobStatus{State: "RUNNING", JobID: "abc"}},
	}
	setStatus(t, dyn, steps[0])
	i := 0
	// Each read moves the status one step on: the operator's progress, without sleeps.
	dyn.PrependReactor("get", "flinkdeployments", func(k8stesting.Action) (bool, runtime.Object, error) {
		if i < len(steps) {
			setStatus(t, dyn, steps[i])
			i++
		}
		return false, nil, nil
	})
	var out bytes.Buffer
	s, err := WaitReady(context.Background(), dyn, "ns", "fd", time.Millisecond, &out)
	if err != nil {
		t.Fatal(err)
	}
	if s.JobStatus.JobID != "abc" || !strings.Contains(out.String(), "JobManager DEPLOYING") || !strings.Contains(out.String(), "RUNNING") {
		t.Errorf("status %+v, out:\n%s", s, out.String())
	}
}

func TestWaitReadyFailsFast_FakeDynamic(t *testing.T) {
	dyn := fakeDynamic()
	setStatus(t, dyn, manifest.FlinkDeploymentStatus{LifecycleState: "FAILED", Error: "image pull back-off"})
	_, err := WaitReady(context.Background(), dyn, "ns", "fd", time.Hour, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "image pull back-off") {
		t.Errorf("err %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	setStatus(t, dyn, manifest.FlinkDeploymentStatus{LifecycleState: "DEPLOYED"})
	if _, err := WaitReady(ctx, dyn, "ns", "fd", time.Hour, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "not ready") {
		t.Errorf("cancelled: %v", err)
	}
}

func TestJobManagerPodAndPortForwardURL_FakeClientset(t *testing.T) {
	pod := func(name string, phase corev1.PodPhase, component string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "streamscale",
			Labels: map[string]string{"app": "streamscale-relay", "component": component}}, Status: corev1.PodStatus{Phase: phase}}
	}
	cs := kubefake.NewClientset(
		pod("tm-1", corev1.PodRunning, "taskmanager"),
		pod("jm-old", corev1.PodFailed, "jobmanager"),
		pod("jm-1", corev1.PodRunning, "jobmanager"),
	)
	got, err := JobManagerPod(context.Background(), cs, "streamscale", "streamscale-relay")
	if err != nil || got != "jm-1" {
		t.Errorf("pod %q %v", got, err)
	}
	if _, err := JobManagerPod(context.Background(), kubefake.NewClientset(), "streamscale", "streamscale-relay"); err == nil || !strings.Contains(err.Error(), "azure up") {
		t.Errorf("no pod: %v", err)
	}
	// The complex job's deployment is found among both names.
	complexJM := pod("cx-jm", corev1.PodRunning, "jobmanager")
	complexJM.Labels["app"] = plan.ComplexDeploymentName
	got, err = JobManagerPod(context.Background(), kubefake.NewClientset(complexJM), "streamscale", plan.DeploymentName, plan.ComplexDeploymentName)
	if err != nil || got != "cx-jm" {
		t.Errorf("complex pod %q %v", got, err)
	}
	u, err := PortForwardURL(&rest.Config{Host: "https://aks.example:443"}, "streamscale", "jm-1")
	if err != nil || u.String() != "https://aks.example:443/api/v1/namespaces/streamscale/pods/jm-1/portforward" {
		t.Errorf("url %v %v", u, err)
	}
}

// TestDeleteFlinkDeployment_FakeDynamic: the other kind's FlinkDeployment is deleted (one
// line said) and gone before DeleteFlinkDeployment returns; a missing one is no error and
// prints nothing.
func TestDeleteFlinkDeployment_FakeDynamic(t *testing.T) {
	dyn := fakeDynamic()
	ctx := context.Background()
	if err := Apply(ctx, dyn, testSet(t), false, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	deleted, err := DeleteFlinkDeployment(ctx, dyn, plan.K8sNamespace, plan.DeploymentName, "the complex job replaces the relay", time.Millisecond, &out)
	if err != nil || !deleted {
		t.Fatalf("deleted %v, err %v", deleted, err)
	}
	if want := "  deleted  FlinkDeployment streamscale/streamscale-relay: the complex job replaces the relay\n"; out.String() != want {
		t.Errorf("out %q, want %q", out.String(), want)
	}
	if ok, err := FlinkDeploymentExists(ctx, dyn, plan.K8sNamespace, plan.DeploymentName); ok || err != nil {
		t.Errorf("still there: %v %v", ok, err)
	}
	out.Reset()
	deleted, err = DeleteFlinkDeployment(ctx, dyn, plan.K8sNamespace, plan.DeploymentName, "again", time.Millisecond, &out)
	if err != nil || deleted || out.Len() != 0 {
		t.Errorf("second delete: deleted %v, err %v, out %q", deleted, err, out.String())
	}
}
