// Package deploy is `azure up`'s Kubernetes side (a provision.ClusterSide): it builds and
// pushes the two images, then applies what the tool owns in the cluster in dependency order
// — the namespace, the Flink Kubernetes Operator's Helm release, the job's manifests
// (server-side dry run first, then for real) — and waits until the job runs. Each part is its
// own package, tested on its own; this one joins them, and its test runs the whole order
// against a fake API server that refuses what a real one refuses (kubetest).
package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/cli"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/streamscale/streamscale/internal/azure/images"
	"github.com/streamscale/streamscale/internal/azure/kube"
	"github.com/streamscale/streamscale/internal/azure/manifest"
	"github.com/streamscale/streamscale/internal/azure/operator"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/provision"
)

// ClusterSide implements provision.ClusterSide.
type ClusterSide struct {
	// Credential signs in to the registry (token exchange; no admin user).
	Credential azcore.TokenCredential
	// Images are the two images images.Build made before anything was created; their digests
	// are the plan's (Plan.WithImages).
	Images *images.Built
	// ReadyTimeout bounds the wait for the job to run (default 10m).
	ReadyTimeout time.Duration
	// Helm carries Helm's cache and repository paths (nil: Helm's defaults, cli.New).
	Helm *cli.EnvSettings

	// Push pushes the two images (nil: ClusterSide's own: Images, to the plan's registry).
	Push func(ctx context.Context, p *plan.Plan, out io.Writer) error
	// Clients makes the cluster's clients from its kubeconfig (nil: client-go's and Helm's
	// on the kubeconfig): tests give a fake API server.
	Clients func(kubeconfig []byte) (dynamic.Interface, *action.Configuration, error)
	// Every is how often the job's status is polled (default 10s).
	Every time.Duration
}

// Converge implements provision.ClusterSide: the images, then the Kubernetes objects the tool
// owns in dependency order (Kubernetes).
func (c *ClusterSide) Converge(ctx context.Context, d *provision.Deployment, kubeconfig []byte, out io.Writer) error {
	push, clients := c.Push, c.Clients
	if push == nil {
		push = c.images
	}
	if clients == nil {
		clients = kubeClients
	}
	if err := push(ctx, d.Plan, out); err != nil {
		return err
	}
	dyn, helm, err := clients(kubeconfig)
	if err != nil {
		return err
	}
	settings := c.Helm
	if settings == nil {
		settings = cli.New()
	}
	every := c.Every
	if every == 0 {
		every = 10 * time.Second
	}
	_, err = Kubernetes(ctx, dyn, helm, settings, d, c.ReadyTimeout, every, out)
	return err
}

// kubeClients are client-go's dynamic client and Helm's action configuration (release
// storage in Secrets of the operator's namespace) on the AKS kubeconfig.
func kubeClients(kubeconfig []byte) (dynamic.Interface, *action.Configuration, error) {
	cfg := new(action.Configuration)
	if err := cfg.Init(kubeconfigGetter{raw: kubeconfig}, plan.OperatorNamespace, "secret", func(string, ...any) {}); err != nil {
		return nil, nil, fmt.Errorf("helm: %w", err)
	}
	dyn, err := kube.Dynamic(kubeconfig)
	if err != nil {
		return nil, nil, err
	}
	return dyn, cfg, nil
}

// OperatorSpec is the operator's Helm install for plan p: its chart sources, version and
// namespace, watching the job's namespace.
func OperatorSpec(p *plan.Plan) operator.Spec {
	return operator.Spec{Sources: p.OperatorChartSources(), Version: p.Config.OperatorVersion,
		Namespace: plan.OperatorNamespace, WatchNamespaces: []string{plan.K8sNamespace}}
}

// Kubernetes converges the cluster's objects in dependency order: the namespace
// plan.K8sNamespace first (the operator's chart creates the job's ServiceAccount, Role and
// RoleBinding inside each namespace it watches, so its install fails without it), then the
// operator's Helm release (operator.Ensure: a failed release is uninstalled and installed
// again), then the job (Job), whose FlinkDeployment names the chart's ServiceAccount. It
// returns the FlinkDeployment's status.
func Kubernetes(ctx context.Context, dyn dynamic.Interface, helm *action.Configuration, settings *cli.EnvSettings, d *provision.Deployment, timeout, every time.Duration, out io.Writer) (kube.Status, error) {
	if err := applyNamespace(ctx, dyn, d, out); err != nil {
		return kube.Status{}, err
	}
	if _, err := operator.Ensure(ctx, helm, settings, OperatorSpec(d.Plan), out); err != nil {
		return kube.Status{}, err
	}
	return Job(ctx, dyn, d, timeout, every, out)
}

// objects are d's manifests as the dynamic client takes them; the first is the namespace.
func objects(d *provision.Deployment) ([]*unstructured.Unstructured, error) {
	set := manifest.Build(d.Plan, manifest.Inputs{FlinkIdentityClientID: d.FlinkIdentityClientID,
		InConnectionString: d.JobListen.Reveal(), OutConnectionString: d.JobSend.Reveal()})
	return kube.Unstructured(set.Objects())
}

func applyNamespace(ctx context.Context, dyn dynamic.Interface, d *provision.Deployment, out io.Writer) error {
	objs, err := objects(d)
	if err != nil {
		return err
	}
	return kube.Apply(ctx, dyn, objs[:1], false, out)
}

// Job applies d's manifests (the namespace, then a server-side dry run of the rest, then the
// rest) and waits until the FlinkDeployment is stable with its job running, polling every
// `every` for up to timeout (0: 10 minutes). An unchanged manifest changes nothing, so the
// operator leaves a running job alone. It returns the deployment's status. The operator must
// be installed (Kubernetes does that first): it defines the FlinkDeployment kind and creates
// the ServiceAccount the job's pods run as.
//
// Each kind of job has its own FlinkDeployment (plan.DeploymentNameFor): the other kind's is
// deleted first when it is there (one line says so), as one job writes the output hub, and
// waited for until it is gone, within the same timeout. A job of the other kind's name is
// never upgraded into this one, so the complex job never restores the relay's savepoint.
func Job(ctx context.Context, dyn dynamic.Interface, d *provision.Deployment, timeout, every time.Duration, out io.Writer) (kube.Status, error) {
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	p := d.Plan
	if !p.HasImages() {
		return kube.Status{}, errors.New("the plan has no image digests: `azure up` builds the images first, `azure run` reads them from the cluster")
	}
	why := fmt.Sprintf("the %s job replaces the %s job (one job writes %s)", p.Config.Job.OrDefault(), plan.OtherJob(p.Config.Job), plan.HubOut)
	if _, err := kube.DeleteFlinkDeployment(wctx, dyn, plan.K8sNamespace, p.OtherDeploymentName(), why, every, out); err != nil {
		return kube.Status{}, err
	}
	objs, err := objects(d)
	if err != nil {
		return kube.Status{}, err
	}
	// The namespace must exist before a dry run of the objects in it can pass.
	if err := kube.Apply(ctx, dyn, objs[:1], false, out); err != nil {
		return kube.Status{}, err
	}
	if err := kube.Apply(ctx, dyn, objs[1:], true, out); err != nil {
		return kube.Status{}, err
	}
	if err := kube.Apply(ctx, dyn, objs[1:], false, out); err != nil {
		return kube.Status{}, err
	}
	return kube.WaitReady(wctx, dyn, plan.K8sNamespace, p.DeploymentName(), every, out)
}

func (c *ClusterSide) images(ctx context.Context, p *plan.Plan, out io.Writer) error {
	if c.Images == nil || c.Images.Digests != p.Config.Images {
		return errors.New("the images pushed must be the ones the plan names: build them with images.Build and give the plan their digests (Plan.WithImages)")
	}
	auth, err := images.ACRAuth(ctx, nil, "https", p.Names.RegistryHost(), c.Credential)
	if err != nil {
		return err
	}
	for _, im := range []struct {
		what, repo, ref string
		img             v1.Image
	}{{"generator image", p.GeneratorRepo(), p.GeneratorImage(), c.Images.Generator}, {"job image", p.JobRepo(), p.JobImage(), c.Images.Job}} {
		start := time.Now()
		pushed, err := images.Push(ctx, im.repo, im.img, remote.WithAuth(auth))
		if err != nil {
			return err
		}
		report(out, im.what, im.ref, pushed, time.Since(start))
	}
	return nil
}

func report(out io.Writer, what, ref string, pushed bool, took time.Duration) {
	if pushed {
		fmt.Fprintf(out, "  created  %-20s %s in %s\n", what, ref, took.Round(time.Second))
		return
	}
	fmt.Fprintf(out, "  exists   %-20s %s (same digest)\n", what, ref)
}
