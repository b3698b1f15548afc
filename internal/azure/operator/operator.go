// Package operator installs the Apache Flink Kubernetes Operator with Helm's Go SDK, from the
// operator's chart repository (one per release, see plan.OperatorChartRepo), once: an
// existing release is left alone, so a second `azure up` installs nothing.
package operator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/cli"
	"helm.sh/helm/v3/pkg/storage/driver"
)

// ReleaseName is the operator's Helm release.
const ReleaseName = "flink-kubernetes-operator"

// Spec says what to install.
type Spec struct {
	// Chart is the chart's name in RepoURL, or a local chart path or .tgz when RepoURL is
	// empty (tests).
	Chart   string
	RepoURL string
	Version string
	// Namespace the operator runs in (created if missing).
	Namespace string
	// WatchNamespaces are where it looks for FlinkDeployments; the chart creates the flink
	// service account and its role there.
	WatchNamespaces []string
	// Timeout bounds the wait for the operator's resources to be ready (default 5m).
	Timeout time.Duration
}

// Values are the chart values streamscale sets: the admission webhook off (it needs
// cert-manager, which the plan does not install) and the watched namespaces.
func (s Spec) Values() map[string]any {
	watch := make([]any, len(s.WatchNamespaces))
	for i, n := range s.WatchNamespaces {
		watch[i] = n
	}
	return map[string]any{
		"webhook":         map[string]any{"create": false},
		"watchNamespaces": watch,
	}
}

// Ensure installs the operator unless its release exists (deployed or not: a failed release
// is reported, not retried blindly). cfg is an initialised Helm action configuration for
// s.Namespace; settings carry Helm's cache and repository paths. installed says whether it
// installed anything.
func Ensure(ctx context.Context, cfg *action.Configuration, settings *cli.EnvSettings, s Spec, out io.Writer) (installed bool, err error) {
	rel, err := action.NewGet(cfg).Run(ReleaseName)
	switch {
	case err == nil:
		status := "unknown"
		if rel.Info != nil {
			status = rel.Info.Status.String()
		}
		if status != "deployed" {
			return false, fmt.Errorf("helm release %s in %s is %s: `helm -n %s uninstall %s`, then `azure up` again", ReleaseName, s.Namespace, status, s.Namespace, ReleaseName)
		}
		fmt.Fprintf(out, "  exists   flink-operator       %s %s (chart %s)\n", s.Namespace, ReleaseName, rel.Chart.Metadata.Version)
		return false, nil
	case !errors.Is(err, driver.ErrReleaseNotFound):
		return false, fmt.Errorf("read helm release %s: %w", ReleaseName, err)
	}
	install := action.NewInstall(cfg)
	install.ReleaseName = ReleaseName
	install.Namespace = s.Namespace
	install.CreateNamespace = true
	install.Wait = true
	install.Timeout = s.Timeout
	if install.Timeout == 0 {
		install.Timeout = 5 * time.Minute
	}
	install.RepoURL = s.RepoURL
	install.Version = s.Version
	fmt.Fprintf(out, "  creating flink-operator       %s %s %s\n", s.Namespace, ReleaseName, s.Version)
	start := time.Now()
	path, err := install.LocateChart(s.Chart, settings)
	if err != nil {
		return false, fmt.Errorf("fetch chart %s %s from %s: %w", s.Chart, s.Version, s.RepoURL, err)
	}
	ch, err := loader.Load(path)
	if err != nil {
		return false, fmt.Errorf("load chart %s: %w", path, err)
	}
	if _, err := install.RunWithContext(ctx, ch, s.Values()); err != nil {
		return false, fmt.Errorf("install %s: %w", ReleaseName, err)
	}
	fmt.Fprintf(out, "  created  flink-operator       %s %s in %s\n", s.Namespace, ReleaseName, time.Since(start).Round(time.Second))
	return true, nil
}
