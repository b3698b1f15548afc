package kube

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
)

// UIPort is the JobManager's REST and web UI port.
const UIPort = 8081

// JobManagerPod finds a running JobManager pod of a native FlinkDeployment, of the first of
// deployments that has one (the relay's or the complex job's, whichever runs): Flink labels
// them app=<deployment> and component=jobmanager.
func JobManagerPod(ctx context.Context, cs kubernetes.Interface, namespace string, deployments ...string) (string, error) {
	names := strings.Join(deployments, ",")
	pods, err := cs.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: "app in (" + names + "),component=jobmanager"})
	if err != nil {
		return "", fmt.Errorf("list JobManager pods of %s in %s: %w", names, namespace, err)
	}
	for _, d := range deployments {
		for _, p := range pods.Items {
			if p.Labels["app"] == d && p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
				return p.Name, nil
			}
		}
	}
	return "", fmt.Errorf("no running JobManager pod for %s in %s: is `azure up` done? (kubectl -n %s get pods)", names, namespace, namespace)
}

// PortForwardURL is the API server's port-forward endpoint of a pod.
func PortForwardURL(cfg *rest.Config, namespace, pod string) (*url.URL, error) {
	base, err := url.Parse(cfg.Host)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig server %q: %w", cfg.Host, err)
	}
	if base.Scheme == "" {
		base.Scheme = "https"
	}
	return base.JoinPath(cfg.APIPath, "api", "v1", "namespaces", namespace, "pods", pod, "portforward"), nil
}

// Forwarder builds a port-forward from 127.0.0.1:local to the pod's remote port; Run starts
// it and blocks until ctx ends. Only 127.0.0.1 listens: the UI is never exposed further.
type Forwarder struct {
	Config         *rest.Config
	Namespace, Pod string
	Local, Remote  int
	Out, ErrOut    io.Writer
	// Ready is closed once the local port listens (optional).
	Ready chan struct{}
}

// Run forwards until ctx ends.
func (f *Forwarder) Run(ctx context.Context) error {
	u, err := PortForwardURL(f.Config, f.Namespace, f.Pod)
	if err != nil {
		return err
	}
	rt, upgrader, err := spdy.RoundTripperFor(f.Config)
	if err != nil {
		return fmt.Errorf("port-forward transport: %w", err)
	}
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: rt}, http.MethodPost, u)
	stop := make(chan struct{})
	go func() { <-ctx.Done(); close(stop) }()
	ready := f.Ready
	if ready == nil {
		ready = make(chan struct{})
	}
	pf, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, []string{fmt.Sprintf("%d:%d", f.Local, f.Remote)}, stop, ready, f.Out, f.ErrOut)
	if err != nil {
		return fmt.Errorf("port-forward %s/%s: %w", f.Namespace, f.Pod, err)
	}
	if err := pf.ForwardPorts(); err != nil {
		return fmt.Errorf("port-forward %s/%s: %w", f.Namespace, f.Pod, err)
	}
	return nil
}
