// Package kubetest is the Kubernetes side's test double, written once for the packages that
// talk to AKS: client-go's fake dynamic client with reactors that refuse what a real API
// server refuses (an object in a namespace that does not exist, a kind no CRD defines, a
// custom resource its CRD's schema rejects, a pod naming a ServiceAccount that does not
// exist), a Helm kube client that creates a chart's objects through the same reactors, a
// stand-in for the Flink operator, and the operator's real 1.15.0 chart (testdata/).
//
// The schema checks are the API server's own code (k8s.io/apiextensions-apiserver's
// validation and pruning) run on the CRDs the chart installs. It is still a fake: no
// controllers run, server-side apply stores what it is sent (no field merge), and Helm's
// readiness wait only checks that a Deployment's pods could be admitted.
package kubetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"

	"helm.sh/helm/v3/pkg/storage"

	"github.com/streamscale/streamscale/internal/azure/manifest"
)

// Kind is what the fake API server knows of a kind: its resource, its scope and, for a
// custom resource, its CRD's schema.
type Kind struct {
	GVR        schema.GroupVersionResource
	Namespaced bool
	schema     *crdSchema
}

// Resources the tests name.
var (
	Namespaces      = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	ServiceAccounts = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
	ConfigMaps      = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	Deployments     = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	CRDs            = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	FlinkDeployment = schema.GroupVersionResource{Group: manifest.FlinkGroup, Version: "v1beta1", Resource: manifest.FlinkResource}
)

// builtIn are the kinds an AKS API server serves before anything is installed: Kubernetes'
// own, and managed Prometheus' PodMonitor, whose CRD the AKS metrics add-on installs (its
// schema is not modelled).
var builtIn = map[schema.GroupVersionKind]Kind{
	{Version: "v1", Kind: "Namespace"}:                 {GVR: Namespaces},
	{Version: "v1", Kind: "ServiceAccount"}:            {GVR: ServiceAccounts, Namespaced: true},
	{Version: "v1", Kind: "ConfigMap"}:                 {GVR: ConfigMaps, Namespaced: true},
	{Version: "v1", Kind: "Secret"}:                    {GVR: schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, Namespaced: true},
	{Version: "v1", Kind: "Service"}:                   {GVR: schema.GroupVersionResource{Version: "v1", Resource: "services"}, Namespaced: true},
	{Version: "v1", Kind: "Pod"}:                       {GVR: schema.GroupVersionResource{Version: "v1", Resource: "pods"}, Namespaced: true},
	{Group: "apps", Version: "v1", Kind: "Deployment"}: {GVR: Deployments, Namespaced: true},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "Role"}: {
		GVR: schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"}, Namespaced: true},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "RoleBinding"}: {
		GVR: schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"}, Namespaced: true},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole"}: {
		GVR: schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"}},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRoleBinding"}: {
		GVR: schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"}},
	{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"}: {GVR: CRDs},
	{Group: "admissionregistration.k8s.io", Version: "v1", Kind: "ValidatingWebhookConfiguration"}: {
		GVR: schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingwebhookconfigurations"}},
	{Group: "admissionregistration.k8s.io", Version: "v1", Kind: "MutatingWebhookConfiguration"}: {
		GVR: schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "mutatingwebhookconfigurations"}},
	{Group: manifest.PodMonitorGroup, Version: "v1", Kind: manifest.PodMonitorKind}: {
		GVR: schema.GroupVersionResource{Group: manifest.PodMonitorGroup, Version: "v1", Resource: manifest.PodMonitorResource}, Namespaced: true},
}

// Cluster is a fake AKS API server: a dynamic client and the kinds it serves.
type Cluster struct {
	// Dynamic is client-go's fake dynamic client with the cluster's reactors.
	Dynamic *dynamicfake.FakeDynamicClient
	// Operator, when true, plays the Flink operator on every FlinkDeployment applied in a
	// namespace an installed operator watches (Operate).
	Operator bool

	mu    sync.Mutex
	kinds map[schema.GroupVersionKind]Kind
	// helmWaitFailures make the next Helm readiness waits fail (FailHelmWaits).
	helmWaitFailures int
	// releases is Helm's release storage (Helm).
	releases *storage.Storage
}

// NewCluster is an empty cluster: Kubernetes' own kinds and PodMonitor, no namespace but
// `default`, no CRD.
func NewCluster() *Cluster {
	c := &Cluster{kinds: map[schema.GroupVersionKind]Kind{}}
	listKinds := map[schema.GroupVersionResource]string{}
	for gvk, k := range builtIn {
		c.kinds[gvk] = k
		listKinds[k.GVR] = gvk.Kind + "List"
	}
	// The operator's kinds, for List calls before their CRDs exist.
	for _, k := range []string{"FlinkDeployment", "FlinkSessionJob", "FlinkStateSnapshot", "FlinkBlueGreenDeployment"} {
		listKinds[schema.GroupVersionResource{Group: manifest.FlinkGroup, Version: "v1beta1", Resource: strings.ToLower(k) + "s"}] = k + "List"
	}
	c.Dynamic = dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds)
	c.Dynamic.PrependReactor("patch", "*", c.apply)
	c.Dynamic.PrependReactor("*", "*", c.admit)
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "default"}}}
	if err := c.Dynamic.Tracker().Create(Namespaces, ns, ""); err != nil {
		panic(err)
	}
	return c
}

// KindOf returns what the cluster serves for gvk; ok is false for a kind it does not know
// (a CRD not installed), as a RESTMapper's "no matches for kind".
func (c *Cluster) KindOf(gvk schema.GroupVersionKind) (Kind, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.kinds[gvk]
	return k, ok
}

func (c *Cluster) kindOfResource(gvr schema.GroupVersionResource) (schema.GroupVersionKind, Kind, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for gvk, k := range c.kinds {
		if k.GVR == gvr {
			return gvk, k, true
		}
	}
	return schema.GroupVersionKind{}, Kind{}, false
}

// FailHelmWaits makes the next n Helm readiness waits on a Deployment fail, as a wait does
// when the operator's image cannot be pulled before the install's timeout.
func (c *Cluster) FailHelmWaits(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.helmWaitFailures = n
}

func (c *Cluster) takeHelmWaitFailure() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.helmWaitFailures > 0 {
		c.helmWaitFailures--
		return true
	}
	return false
}

// Exists says whether the object is stored.
func (c *Cluster) Exists(gvr schema.GroupVersionResource, namespace, name string) bool {
	_, err := c.Dynamic.Tracker().Get(gvr, namespace, name)
	return err == nil
}

// admit is the API server's admission and validation, before anything is stored: the
// resource must be served, a namespaced object's namespace must exist (NamespaceLifecycle;
// a dry run too), a pod's ServiceAccount must exist (ServiceAccount admission), and a custom
// resource must pass its CRD's schema. A CRD that passes is served from then on.
func (c *Cluster) admit(a k8stesting.Action) (bool, runtime.Object, error) {
	verb := a.GetVerb()
	if verb != "create" && verb != "update" && verb != "patch" {
		return false, nil, nil
	}
	gvr := a.GetResource()
	gvk, kind, ok := c.kindOfResource(gvr)
	if !ok {
		return true, nil, apierrors.NewGenericServerResponse(404, verb, gvr.GroupResource(), "", "", 0, true)
	}
	ns := a.GetNamespace()
	if kind.Namespaced && ns != "" && !c.Exists(Namespaces, "", ns) {
		return true, nil, apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, ns)
	}
	obj, err := objectOf(a)
	if err != nil || obj == nil {
		return err != nil, nil, err
	}
	if gvk.Kind == "Pod" {
		sa, _, _ := unstructured.NestedString(obj.Object, "spec", "serviceAccountName")
		if err := c.PodAdmitted(ns, obj.GetName(), sa); err != nil {
			return true, nil, err
		}
	}
	if kind.schema != nil {
		if err := kind.schema.validate(gvk, obj); err != nil {
			return true, nil, err
		}
	}
	if gvk.Kind == "CustomResourceDefinition" && verb == "create" {
		if err := c.serve(obj); err != nil {
			return true, nil, apierrors.NewBadRequest(err.Error())
		}
	}
	return false, nil, nil
}

// PodAdmitted is the ServiceAccount admission plugin's check of a pod: its ServiceAccount
// (default: `default`, which every namespace has) must exist, else the pod is forbidden
// with the API server's message.
func (c *Cluster) PodAdmitted(namespace, pod, serviceAccount string) error {
	if serviceAccount == "" || serviceAccount == "default" || c.Exists(ServiceAccounts, namespace, serviceAccount) {
		return nil
	}
	return apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, pod,
		fmt.Errorf("error looking up service account %s/%s: serviceaccount %q not found", namespace, serviceAccount, serviceAccount))
}

// objectOf is the object a create, update or apply patch carries (nil for other patches).
func objectOf(a k8stesting.Action) (*unstructured.Unstructured, error) {
	switch a := a.(type) {
	case interface{ GetObject() runtime.Object }: // create, update
		return toUnstructured(a.GetObject())
	case k8stesting.PatchAction:
		if a.GetPatchType() != types.ApplyPatchType {
			return nil, nil
		}
		u := &unstructured.Unstructured{}
		if err := json.Unmarshal(a.GetPatch(), &u.Object); err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		return u, nil
	}
	return nil, nil
}

func toUnstructured(o runtime.Object) (*unstructured.Unstructured, error) {
	if u, ok := o.(*unstructured.Unstructured); ok {
		return u, nil
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
	if err != nil {
		return nil, err
	}
	return &unstructured.Unstructured{Object: m}, nil
}

// apply stores a server-side apply patch's object, as the API server does for a field
// manager that owns every field it sends (create, or replace); a dry run stores nothing.
// client-go's tracker has no server-side apply, so this stands in for its merge.
func (c *Cluster) apply(a k8stesting.Action) (bool, runtime.Object, error) {
	p := a.(k8stesting.PatchActionImpl)
	if p.GetPatchType() != types.ApplyPatchType {
		return false, nil, nil
	}
	u, err := objectOf(p)
	if err != nil {
		return true, nil, err
	}
	if len(p.GetPatchOptions().DryRun) > 0 {
		return true, u, nil
	}
	tr := c.Dynamic.Tracker()
	if _, getErr := tr.Get(p.GetResource(), p.GetNamespace(), p.GetName()); getErr != nil {
		err = tr.Create(p.GetResource(), u, p.GetNamespace())
	} else {
		err = tr.Update(p.GetResource(), u, p.GetNamespace())
	}
	if err != nil {
		return true, nil, err
	}
	if c.Operator && p.GetResource() == FlinkDeployment {
		if err := c.Operate(p.GetNamespace(), p.GetName()); err != nil {
			return true, nil, err
		}
	}
	return true, u, nil
}
