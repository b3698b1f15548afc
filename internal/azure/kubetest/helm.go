package kubetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/kube"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/cli-runtime/pkg/resource"
	fakerest "k8s.io/client-go/rest/fake"
)

// Chart1150 is the Flink Kubernetes Operator's 1.15.0 chart as its release packs it
// (testdata/README.md says from which upstream commit and how).
//
//go:embed testdata/flink-kubernetes-operator-1.15.0-helm.tgz
var Chart1150 []byte

// Chart1150Path writes Chart1150 into a temporary directory and returns the .tgz's path.
func Chart1150Path(tb testing.TB) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "flink-kubernetes-operator-1.15.0-helm.tgz")
	if err := os.WriteFile(p, Chart1150, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// Helm is a Helm action configuration on the cluster, for releases in namespace: Helm's
// in-memory release storage (kept across calls, as the cluster's release Secrets are) and
// a HelmClient.
func (c *Cluster) Helm(namespace string) *action.Configuration {
	c.mu.Lock()
	if c.releases == nil {
		mem := driver.NewMemory()
		mem.SetNamespace(namespace)
		c.releases = storage.Init(mem)
	}
	rel := c.releases
	c.mu.Unlock()
	return &action.Configuration{
		Releases:     rel,
		KubeClient:   &HelmClient{Cluster: c, Namespace: namespace},
		Capabilities: chartutil.DefaultCapabilities,
		Log:          func(string, ...any) {},
	}
}

// HelmClient is Helm's kube.Interface on the Cluster: Build maps a chart's objects with the
// kinds the cluster serves (an object of a kind no CRD defines fails as on a real cluster,
// "no matches for kind"), and Create, Update and Delete go through the cluster's dynamic
// client, so its reactors refuse what the API server would. Wait checks that every
// Deployment's pods would be admitted (their ServiceAccount exists).
type HelmClient struct {
	Cluster *Cluster
	// Namespace is where objects without one go (the release's).
	Namespace string
}

var _ kube.Interface = (*HelmClient)(nil)
var _ kube.InterfaceExt = (*HelmClient)(nil)

// decoded caches parsed YAML streams by their SHA-256: the chart's CRDs are 1.2 MB of YAML,
// parsed once per test binary instead of once per install.
var decoded sync.Map

// parse decodes a YAML stream into its documents' objects (copies: callers may change them).
func parse(r io.Reader) ([]map[string]any, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	key := sha256.Sum256(b)
	if docs, ok := decoded.Load(key); ok {
		return copies(docs.([]map[string]any)), nil
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(b), 4096)
	var docs []map[string]any
	for {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("parse manifest: %w", err)
		}
		if len(m) > 0 {
			docs = append(docs, m)
		}
	}
	decoded.Store(key, docs)
	return copies(docs), nil
}

func copies(docs []map[string]any) []map[string]any {
	out := make([]map[string]any, len(docs))
	for i, d := range docs {
		out[i] = runtime.DeepCopyJSON(d)
	}
	return out
}

// Build parses a YAML stream into Helm's resource list.
func (h *HelmClient) Build(r io.Reader, _ bool) (kube.ResourceList, error) {
	docs, err := parse(r)
	if err != nil {
		return nil, err
	}
	var list kube.ResourceList
	for _, m := range docs {
		u := &unstructured.Unstructured{Object: m}
		gvk := u.GroupVersionKind()
		k, ok := h.Cluster.KindOf(gvk)
		if !ok {
			return nil, fmt.Errorf("resource mapping not found for name: %q namespace: %q from \"\": %w\nensure CRDs are installed first",
				u.GetName(), u.GetNamespace(), &meta.NoKindMatchError{GroupKind: gvk.GroupKind(), SearchedVersions: []string{gvk.Version}})
		}
		if k.Namespaced && u.GetNamespace() == "" {
			u.SetNamespace(h.Namespace)
		}
		scope := meta.RESTScopeRoot
		if k.Namespaced {
			scope = meta.RESTScopeNamespace
		}
		mapping := &meta.RESTMapping{Resource: k.GVR, GroupVersionKind: gvk, Scope: scope}
		list = append(list, &resource.Info{Client: h.restClient(k.GVR, u.GetNamespace()), Mapping: mapping,
			Namespace: u.GetNamespace(), Name: u.GetName(), Object: u})
	}
	return list, nil
}

// restClient answers Helm's GETs of one object (its check for objects that already exist)
// from the cluster.
func (h *HelmClient) restClient(gvr schema.GroupVersionResource, namespace string) resource.RESTClient {
	return &fakerest.RESTClient{
		NegotiatedSerializer: resource.UnstructuredPlusDefaultContentConfig().NegotiatedSerializer,
		GroupVersion:         gvr.GroupVersion(),
		Client: fakerest.CreateHTTPClient(func(req *http.Request) (*http.Response, error) {
			if req.Method != http.MethodGet {
				return nil, fmt.Errorf("kubetest: %s %s is not modelled", req.Method, req.URL.Path)
			}
			name := req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:]
			o, err := h.Cluster.Dynamic.Resource(gvr).Namespace(namespace).Get(context.Background(), name, metav1.GetOptions{})
			if err != nil {
				st := apierrors.APIStatus(nil)
				if !errors.As(err, &st) {
					return nil, err
				}
				body, _ := json.Marshal(st.Status())
				return &http.Response{StatusCode: int(st.Status().Code), Header: jsonHeader(), Body: io.NopCloser(bytes.NewReader(body))}, nil
			}
			body, err := o.MarshalJSON()
			if err != nil {
				return nil, err
			}
			return &http.Response{StatusCode: http.StatusOK, Header: jsonHeader(), Body: io.NopCloser(bytes.NewReader(body))}, nil
		}),
	}
}

func jsonHeader() http.Header { return http.Header{"Content-Type": []string{runtime.ContentTypeJSON}} }

func (h *HelmClient) dyn(info *resource.Info) interface {
	Create(context.Context, *unstructured.Unstructured, metav1.CreateOptions, ...string) (*unstructured.Unstructured, error)
	Update(context.Context, *unstructured.Unstructured, metav1.UpdateOptions, ...string) (*unstructured.Unstructured, error)
	Delete(context.Context, string, metav1.DeleteOptions, ...string) error
	Get(context.Context, string, metav1.GetOptions, ...string) (*unstructured.Unstructured, error)
} {
	r := h.Cluster.Dynamic.Resource(info.Mapping.Resource)
	if info.Namespace != "" {
		return r.Namespace(info.Namespace)
	}
	return r
}

func object(info *resource.Info) *unstructured.Unstructured {
	return info.Object.(*unstructured.Unstructured)
}

// Create creates each object, in order, going on after a failure as Helm's client does; the
// errors are joined.
func (h *HelmClient) Create(resources kube.ResourceList) (*kube.Result, error) {
	res := &kube.Result{}
	var errs []error
	for _, info := range resources {
		if _, err := h.dyn(info).Create(context.Background(), object(info), metav1.CreateOptions{}); err != nil {
			errs = append(errs, err)
			continue
		}
		res.Created = append(res.Created, info)
	}
	if len(errs) == 1 {
		return res, errs[0]
	}
	return res, errors.Join(errs...)
}

// Update creates or replaces each target object and deletes the originals not among them.
func (h *HelmClient) Update(original, target kube.ResourceList, _ bool) (*kube.Result, error) {
	res := &kube.Result{}
	ctx := context.Background()
	for _, info := range target {
		got, err := h.dyn(info).Get(ctx, info.Name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			if _, err := h.dyn(info).Create(ctx, object(info), metav1.CreateOptions{}); err != nil {
				return res, err
			}
			res.Created = append(res.Created, info)
		case err != nil:
			return res, err
		default:
			u := object(info).DeepCopy()
			u.SetResourceVersion(got.GetResourceVersion())
			if _, err := h.dyn(info).Update(ctx, u, metav1.UpdateOptions{}); err != nil {
				return res, err
			}
			res.Updated = append(res.Updated, info)
		}
	}
	for _, info := range original.Difference(target) {
		if err := h.dyn(info).Delete(ctx, info.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return res, err
		}
		res.Deleted = append(res.Deleted, info)
	}
	return res, nil
}

// Delete deletes each object; one already gone is no error (as Helm's client ignores it).
func (h *HelmClient) Delete(resources kube.ResourceList) (*kube.Result, []error) {
	res := &kube.Result{}
	var errs []error
	for _, info := range resources {
		if err := h.dyn(info).Delete(context.Background(), info.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, err)
			continue
		}
		res.Deleted = append(res.Deleted, info)
	}
	return res, errs
}

// Wait fails when a Deployment's pods would not be admitted (Helm's wait would time out on
// them) or when FailHelmWaits asked it to (a wait on a Deployment: not the CRDs').
func (h *HelmClient) Wait(resources kube.ResourceList, timeout time.Duration) error {
	for _, info := range resources {
		if info.Mapping.GroupVersionKind.Kind != "Deployment" {
			continue
		}
		if h.Cluster.takeHelmWaitFailure() {
			return fmt.Errorf("resource not ready, name: %s, kind: Deployment, status: InProgress: context deadline exceeded after %s", info.Name, timeout)
		}
		var d struct {
			Spec struct {
				Template corev1.PodTemplateSpec `json:"template"`
			} `json:"spec"`
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(object(info).Object, &d); err != nil {
			return err
		}
		if err := h.Cluster.PodAdmitted(info.Namespace, info.Name, d.Spec.Template.Spec.ServiceAccountName); err != nil {
			return fmt.Errorf("deployment %s/%s not ready after %s: %w", info.Namespace, info.Name, timeout, err)
		}
	}
	return nil
}

// WaitWithJobs is Wait.
func (h *HelmClient) WaitWithJobs(resources kube.ResourceList, timeout time.Duration) error {
	return h.Wait(resources, timeout)
}

// WaitForDelete returns at once: deletes here are immediate.
func (h *HelmClient) WaitForDelete(kube.ResourceList, time.Duration) error { return nil }

// WatchUntilReady returns at once (the chart has no hooks).
func (h *HelmClient) WatchUntilReady(kube.ResourceList, time.Duration) error { return nil }

// WaitAndGetCompletedPodPhase is for hook pods, which the chart has none of.
func (h *HelmClient) WaitAndGetCompletedPodPhase(string, time.Duration) (corev1.PodPhase, error) {
	return corev1.PodSucceeded, nil
}

// IsReachable says the cluster is reachable.
func (h *HelmClient) IsReachable() error { return nil }
