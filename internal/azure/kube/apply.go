// Package kube is the Kubernetes side of `azure up` and `azure ui`, with client-go: it
// applies the manifests by server-side apply (after a server-side dry run, so the live API
// server validates them first), waits until the FlinkDeployment's job runs, and port-forwards
// the Flink UI, which is never exposed outside the cluster.
package kube

import (
	"context"
	"fmt"
	"io"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/streamscale/streamscale/internal/azure/manifest"
)

// FieldManager owns the fields streamscale applies.
const FieldManager = "streamscale"

// FlinkDeployments is the operator's resource.
var FlinkDeployments = schema.GroupVersionResource{Group: manifest.FlinkGroup, Version: "v1beta1", Resource: manifest.FlinkResource}

// resources maps the kinds the manifests hold to their resources.
var resources = map[string]schema.GroupVersionResource{
	"Namespace":             {Version: "v1", Resource: "namespaces"},
	"ServiceAccount":        {Version: "v1", Resource: "serviceaccounts"},
	"ConfigMap":             {Version: "v1", Resource: "configmaps"},
	"Secret":                {Version: "v1", Resource: "secrets"},
	manifest.FlinkKind:      FlinkDeployments,
	manifest.PodMonitorKind: PodMonitors,
}

// PodMonitors is managed Prometheus' pod monitor resource.
var PodMonitors = schema.GroupVersionResource{Group: manifest.PodMonitorGroup, Version: "v1", Resource: manifest.PodMonitorResource}

// Unstructured converts typed objects (what manifest.Set.Objects returns) for the dynamic
// client.
func Unstructured(objs []any) ([]*unstructured.Unstructured, error) {
	out := make([]*unstructured.Unstructured, 0, len(objs))
	for _, o := range objs {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			return nil, fmt.Errorf("manifest %T: %w", o, err)
		}
		u := &unstructured.Unstructured{Object: m}
		unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
		unstructured.RemoveNestedField(u.Object, "status")
		out = append(out, u)
	}
	return out, nil
}

// Apply server-side applies objs in order, forcing streamscale's ownership of the fields it
// sets. With dryRun the API server validates and admits everything but stores nothing: `up`
// runs that first, so a manifest the live server rejects changes nothing. It prints one line
// per object (never a secret's data).
func Apply(ctx context.Context, dyn dynamic.Interface, objs []*unstructured.Unstructured, dryRun bool, out io.Writer) error {
	opts := metav1.ApplyOptions{FieldManager: FieldManager, Force: true}
	verb := "applied"
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
		verb = "validated (server-side dry run)"
	}
	for _, u := range objs {
		gvr, ok := resources[u.GetKind()]
		if !ok {
			return fmt.Errorf("apply: no resource known for kind %s", u.GetKind())
		}
		var ri dynamic.ResourceInterface = dyn.Resource(gvr)
		if ns := u.GetNamespace(); ns != "" {
			ri = dyn.Resource(gvr).Namespace(ns)
		}
		if _, err := ri.Apply(ctx, u.GetName(), u, opts); err != nil {
			return fmt.Errorf("apply %s %s: %w", u.GetKind(), key(u), err)
		}
		fmt.Fprintf(out, "  %s %s %s\n", verb, u.GetKind(), key(u))
	}
	return nil
}

func key(u *unstructured.Unstructured) string {
	if u.GetNamespace() == "" {
		return u.GetName()
	}
	return u.GetNamespace() + "/" + u.GetName()
}
