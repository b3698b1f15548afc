package kube

import (
	"context"
	"fmt"
	"io"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
)

// FlinkDeploymentExists reports whether the FlinkDeployment namespace/name exists (one being
// deleted counts: its job may still run).
func FlinkDeploymentExists(ctx context.Context, dyn dynamic.Interface, namespace, name string) (bool, error) {
	_, err := dyn.Resource(FlinkDeployments).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("read FlinkDeployment %s/%s: %w", namespace, name, err)
	}
	return true, nil
}

// DeleteFlinkDeployment deletes the FlinkDeployment namespace/name when it exists and waits,
// polling every `every` until ctx ends, until it is gone: the operator's finalizer keeps it
// until its cluster and job are torn down. It prints one line saying why (never more) and
// reports whether there was one to delete.
func DeleteFlinkDeployment(ctx context.Context, dyn dynamic.Interface, namespace, name, why string, every time.Duration, out io.Writer) (bool, error) {
	ok, err := FlinkDeploymentExists(ctx, dyn, namespace, name)
	if err != nil || !ok {
		return false, err
	}
	ri := dyn.Resource(FlinkDeployments).Namespace(namespace)
	policy := metav1.DeletePropagationForeground
	if err := ri.Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: &policy}); err != nil && !apierrors.IsNotFound(err) {
		return false, fmt.Errorf("delete FlinkDeployment %s/%s: %w", namespace, name, err)
	}
	fmt.Fprintf(out, "  deleted  FlinkDeployment %s/%s: %s\n", namespace, name, why)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		ok, err := FlinkDeploymentExists(ctx, dyn, namespace, name)
		if err != nil {
			return true, err
		}
		if !ok {
			return true, nil
		}
		select {
		case <-ctx.Done():
			return true, fmt.Errorf("wait for FlinkDeployment %s/%s to go: %w", namespace, name, ctx.Err())
		case <-t.C:
		}
	}
}
