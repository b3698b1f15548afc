package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"

	"github.com/streamscale/streamscale/internal/azure/manifest"
)

// Status is the part of a FlinkDeployment's status that says whether the job runs.
type Status = manifest.FlinkDeploymentStatus

// Ready says whether the operator reports the deployment stable with its job running.
func Ready(s Status) bool { return s.LifecycleState == "STABLE" && s.JobStatus.State == "RUNNING" }

// Failed returns why the deployment will not get there without a change, or "".
func Failed(s Status) string {
	switch {
	case s.LifecycleState == "FAILED":
		return "lifecycle FAILED: " + orNone(s.Error)
	case s.JobManagerDeploymentStatus == "ERROR":
		return "JobManager deployment ERROR: " + orNone(s.Error)
	case s.JobStatus.State == "FAILED":
		return "job FAILED: " + orNone(s.Error)
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "no error message"
	}
	return s
}

// ReadStatus reads a FlinkDeployment's status.
func ReadStatus(ctx context.Context, dyn dynamic.Interface, namespace, name string) (Status, error) {
	u, err := dyn.Resource(FlinkDeployments).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return Status{}, fmt.Errorf("read FlinkDeployment %s/%s: %w", namespace, name, err)
	}
	return statusOf(u)
}

func statusOf(u *unstructured.Unstructured) (Status, error) {
	var fd manifest.FlinkDeployment
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &fd); err != nil {
		return Status{}, fmt.Errorf("FlinkDeployment %s: %w", u.GetName(), err)
	}
	if fd.Status == nil {
		return Status{}, nil
	}
	return *fd.Status, nil
}

// ErrNotReady is returned when ctx ends before the deployment is ready.
var ErrNotReady = errors.New("the FlinkDeployment is not ready")

// WaitReady polls every `every` until the FlinkDeployment is stable with its job RUNNING,
// failing at once when the operator reports a failure, and printing the state when it
// changes.
func WaitReady(ctx context.Context, dyn dynamic.Interface, namespace, name string, every time.Duration, out io.Writer) (Status, error) {
	last := ""
	for {
		s, err := ReadStatus(ctx, dyn, namespace, name)
		if err != nil {
			return s, err
		}
		if Ready(s) {
			fmt.Fprintf(out, "  FlinkDeployment %s/%s: STABLE, job %s RUNNING\n", namespace, name, s.JobStatus.JobID)
			return s, nil
		}
		if why := Failed(s); why != "" {
			return s, fmt.Errorf("FlinkDeployment %s/%s: %s (kubectl -n %s describe flinkdeployment %s)", namespace, name, why, namespace, name)
		}
		if now := fmt.Sprintf("lifecycle %s, JobManager %s, job %s", orDash(s.LifecycleState), orDash(s.JobManagerDeploymentStatus), orDash(s.JobStatus.State)); now != last {
			fmt.Fprintf(out, "           … FlinkDeployment %s/%s: %s\n", namespace, name, now)
			last = now
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return s, fmt.Errorf("%w (%s): %w", ErrNotReady, last, ctx.Err())
		case <-t.C:
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
