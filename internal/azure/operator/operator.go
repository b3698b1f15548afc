// Package operator installs the Apache Flink Kubernetes Operator with Helm's Go SDK, from the
// first chart source that answers (the Apache downloads site, then the Apache archive, or the
// chart `--operator-chart` names; see plan.Plan.OperatorChartSources), once: a deployed
// release is left alone, so a second `azure up` installs nothing, and a release a failed
// install left behind is uninstalled and installed again, so `up` resumes.
package operator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/cli"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"
)

// ReleaseName is the operator's Helm release.
const ReleaseName = "flink-kubernetes-operator"

// ChartName is the chart's name in its repository and in its Chart.yaml.
const ChartName = "flink-kubernetes-operator"

// Spec says what to install.
type Spec struct {
	// Sources are where the chart may be had, tried in order until one answers: a local chart
	// directory or .tgz, the URL of a chart .tgz, or the URL of a Helm repository that holds
	// ChartName at Version.
	Sources []string
	// Version is the chart's version; a chart of another version is refused.
	Version string
	// Namespace the operator runs in (created if missing).
	Namespace string
	// WatchNamespaces are where it looks for FlinkDeployments. The chart creates the job's
	// ServiceAccount `flink`, its Role and RoleBinding, and the operator's Role and
	// RoleBinding inside each of them (templates/flink/*.yaml, templates/rbac/role*.yaml at
	// release-1.15.0), so they must exist before the install.
	WatchNamespaces []string
	// Timeout bounds the wait for the operator's resources to be ready (default 5m).
	Timeout time.Duration
}

// Values are the chart values streamscale sets: the watched namespaces, and the admission
// webhook off. With webhook.create (the chart's default: true) the chart renders a
// cert-manager Certificate and Issuer (templates/cert-manager/*.yaml), which an AKS cluster
// without cert-manager cannot map: the install fails. Without the webhook the operator still
// validates every FlinkDeployment when it reconciles it; only the admission-time rejection
// is lost.
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

func (s Spec) timeout() time.Duration {
	if s.Timeout == 0 {
		return 5 * time.Minute
	}
	return s.Timeout
}

// IsURL says whether a chart source is a URL (else it is a local path).
func IsURL(src string) bool {
	return strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://")
}

// CheckSource validates one chart source as --operator-chart gives it: an http(s) URL with a
// host, or a local chart directory or .tgz that exists.
func CheckSource(src string) error {
	if IsURL(src) {
		u, err := url.Parse(src)
		if err != nil || u.Host == "" {
			return fmt.Errorf("--operator-chart %q: give a chart .tgz URL, a Helm repository URL, or a local path", src)
		}
		return nil
	}
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("--operator-chart %q: no such file or directory: give the chart's .tgz (%s-<version>-helm.tgz) or its directory", src, ChartName)
	}
	return nil
}

// Ensure installs the operator unless its release is deployed. A release in any other state
// (failed, or pending longer than the install's timeout: an `up` that died half-way) is
// uninstalled first, with one line saying so, and installed again; one pending for less is
// another install under way, and refused. cfg is an initialised Helm action configuration for
// s.Namespace; settings carry Helm's cache and repository paths. installed says whether it
// installed anything.
func Ensure(ctx context.Context, cfg *action.Configuration, settings *cli.EnvSettings, s Spec, out io.Writer) (installed bool, err error) {
	rel, err := action.NewGet(cfg).Run(ReleaseName)
	switch {
	case err == nil:
		if done, err := reuse(cfg, rel, s, out); done || err != nil {
			return false, err
		}
	case !errors.Is(err, driver.ErrReleaseNotFound):
		return false, fmt.Errorf("read helm release %s: %w", ReleaseName, err)
	}
	fmt.Fprintf(out, "  creating flink-operator       %s %s %s\n", s.Namespace, ReleaseName, s.Version)
	start := time.Now()
	install := action.NewInstall(cfg)
	install.ReleaseName = ReleaseName
	install.Namespace = s.Namespace
	install.CreateNamespace = true
	install.Wait = true
	install.Timeout = s.timeout()
	install.Version = s.Version
	ch, from, err := Locate(install, settings, s)
	if err != nil {
		return false, err
	}
	if _, err := install.RunWithContext(ctx, ch, s.Values()); err != nil {
		return false, fmt.Errorf("install %s (chart from %s): %s; the next `azure up` uninstalls the failed release and tries again", ReleaseName, from, oneLine(err))
	}
	fmt.Fprintf(out, "  created  flink-operator       %s %s from %s in %s\n", s.Namespace, ReleaseName, from, time.Since(start).Round(time.Second))
	return true, nil
}

// reuse decides about an existing release: done when it is deployed; otherwise it is
// uninstalled (done false) unless another install is under way.
func reuse(cfg *action.Configuration, rel *release.Release, s Spec, out io.Writer) (done bool, err error) {
	status, since := release.StatusUnknown, time.Time{}
	if rel.Info != nil {
		status, since = rel.Info.Status, rel.Info.LastDeployed.Time
	}
	if status == release.StatusDeployed {
		version := "?"
		if rel.Chart != nil && rel.Chart.Metadata != nil {
			version = rel.Chart.Metadata.Version
		}
		fmt.Fprintf(out, "  exists   flink-operator       %s %s (chart %s)\n", s.Namespace, ReleaseName, version)
		return true, nil
	}
	if status.IsPending() && time.Since(since) < s.timeout() {
		return false, fmt.Errorf("helm release %s in %s is %s since %s: another install is under way; wait for it, then `azure up` again", ReleaseName, s.Namespace, status, since.Format(time.RFC3339))
	}
	why := status.String()
	if rel.Info != nil && rel.Info.Description != "" {
		why += ": " + firstLine(rel.Info.Description)
	}
	fmt.Fprintf(out, "  deleting flink-operator       %s %s: the release is %s; installing it again\n", s.Namespace, ReleaseName, why)
	un := action.NewUninstall(cfg)
	un.Wait = true
	un.Timeout = s.timeout()
	if _, err := un.Run(ReleaseName); err != nil {
		return false, fmt.Errorf("uninstall the %s release %s: %s (`helm -n %s uninstall %s`, then `azure up` again)", status, ReleaseName, oneLine(err), s.Namespace, ReleaseName)
	}
	return false, nil
}

// oneLine joins the distinct lines of Helm's error (it lists one failure per object).
func oneLine(err error) string {
	var lines []string
	seen := map[string]bool{}
	for _, l := range strings.Split(err.Error(), "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "* "))
		if l != "" && !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "; ")
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Locate loads the chart from the first of s.Sources that has it, and says which one did.
// Every source failing is one error naming each source's failure and what to do.
func Locate(install *action.Install, settings *cli.EnvSettings, s Spec) (*chart.Chart, string, error) {
	if len(s.Sources) == 0 {
		return nil, "", errors.New("no operator chart source given")
	}
	var failed []string
	for _, src := range s.Sources {
		ch, err := load(install, settings, src, s.Version)
		if err == nil {
			return ch, src, nil
		}
		failed = append(failed, src+": "+firstLine(err.Error()))
	}
	return nil, "", fmt.Errorf("operator chart %s %s: %s; download %s-%s-helm.tgz (from an Apache mirror) and pass --operator-chart PATH, or a mirror's URL",
		ChartName, s.Version, strings.Join(failed, "; "), ChartName, s.Version)
}

func load(install *action.Install, settings *cli.EnvSettings, src, version string) (*chart.Chart, error) {
	path := src
	if IsURL(src) {
		opts := install.ChartPathOptions
		opts.Version = version
		name := src
		if !strings.HasSuffix(src, ".tgz") {
			opts.RepoURL, name = src, ChartName
		}
		p, err := opts.LocateChart(name, settings)
		if err != nil {
			return nil, fmt.Errorf("fetch: %w", err)
		}
		path = p
	}
	ch, err := loader.Load(path)
	if err != nil {
		return nil, fmt.Errorf("load chart: %w", err)
	}
	if md := ch.Metadata; md == nil || md.Name != ChartName || md.Version != version {
		got := "no Chart.yaml"
		if md != nil {
			got = md.Name + " " + md.Version
		}
		return nil, fmt.Errorf("the chart is %s, not %s %s: give the %s chart or --operator-version to match", got, ChartName, version, version)
	}
	return ch, nil
}
