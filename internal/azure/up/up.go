// Package up is `azure up` and `azure check` as one sequence each: the plan from the
// settings, the checks, the images, the provisioning and the deployment (or the HDInsight
// cluster); and `azure down`. The cli parses flags into Options (the flags the commands share
// added by Options.AddFlags, CheckOptions.AddFlags and AddJobFlag) and prints; the decisions
// are here.
package up

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/deploy"
	"github.com/streamscale/streamscale/internal/azure/hdinsight"
	"github.com/streamscale/streamscale/internal/azure/images"
	"github.com/streamscale/streamscale/internal/azure/manifest"
	"github.com/streamscale/streamscale/internal/azure/operator"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/preflight"
	"github.com/streamscale/streamscale/internal/azure/provision"
	"github.com/streamscale/streamscale/internal/relay"
)

// The platforms `azure up` builds.
const (
	// AKS is Flink on AKS through the Flink Kubernetes Operator (the default).
	AKS = "aks"
	// HDInsight is a Flink YARN session on an HDInsight 5.1 Hadoop cluster.
	HDInsight = "hdinsight"
)

// InputError is a wrong or missing setting: the cli reports it as a flag error.
type InputError struct{ Err error }

// Error implements error.
func (e *InputError) Error() string { return e.Err.Error() }

// Unwrap returns the setting's problem itself.
func (e *InputError) Unwrap() error { return e.Err }

func inputErr(err error) error { return &InputError{Err: err} }

// Settings are the plan's settings as given, before parsing: the config (its subscription
// already resolved) and the names of the SKU, guarantee and job.
type Settings struct {
	Config              plan.Config
	SKU, Guarantee, Job string
}

// Parse is the plan's config from the settings: the SKU, guarantee and job parsed, the load
// and the chart source checked. Every error is an *InputError.
func (s Settings) Parse() (plan.Config, error) {
	c := s.Config
	sku, err := plan.ParseSKU(s.SKU)
	if err != nil {
		return plan.Config{}, inputErr(err)
	}
	g, err := relay.ParseGuarantee(s.Guarantee)
	if err != nil {
		return plan.Config{}, inputErr(fmt.Errorf("--guarantee: %w", err))
	}
	job, err := relay.ParseJob(relay.Job(s.Job).OrDefault().String())
	if err != nil {
		return plan.Config{}, inputErr(fmt.Errorf("--job: %w", err))
	}
	c.SKU, c.Guarantee, c.Job = sku, g, job
	switch {
	case c.LoadDuration < 0:
		return plan.Config{}, inputErr(fmt.Errorf("--load-duration %s: want 0 (no generators) or a positive duration", c.LoadDuration))
	case c.LoadDuration == 0:
		c.NoLoad = true
	}
	if c.OperatorChart != "" {
		if err := operator.CheckSource(c.OperatorChart); err != nil {
			return plan.Config{}, inputErr(err)
		}
	}
	return c, nil
}

// Options are everything `azure up` is given.
type Options struct {
	Settings
	// Platform is AKS or HDInsight.
	Platform string
	// HDI sizes the HDInsight cluster (Platform HDInsight).
	HDI hdinsight.Spec
	// GeneratorBinary, CABundle and JobJar are the images' inputs (GeneratorBinary "":
	// images.GeneratorBinary picks); JobJar is uploaded on HDInsight.
	GeneratorBinary, CABundle, JobJar string
	// DryRun prints the plan and the manifests, touching nothing.
	DryRun bool
	// SkipChecks skips the preflight checks (`azure check`) first.
	SkipChecks bool
}

// Run is `azure up`: the plan, then (unless a dry run) the checks, the images, the shared
// resources and the AKS deployment or the HDInsight cluster, reporting on out.
func Run(ctx context.Context, o Options, clients *azclient.Clients, out io.Writer) error {
	c, err := o.Settings.Parse()
	if err != nil {
		return err
	}
	p, err := plan.New(c)
	if err != nil {
		return inputErr(err)
	}
	switch o.Platform {
	case AKS:
	case HDInsight:
		if p.Config.Job != relay.JobRelay {
			return inputErr(fmt.Errorf("--job %s is for --platform aks: on HDInsight pick the job when submitting it, `streamscale job submit --job %s --flink-url ...`", p.Config.Job, p.Config.Job))
		}
		return runHDInsight(ctx, o, p, clients, out)
	default:
		return inputErr(fmt.Errorf("--platform %q: use aks or hdinsight", o.Platform))
	}
	src, err := o.imageSources(p)
	if err != nil {
		return err
	}
	if o.DryRun {
		return writeDryRun(out, p, src)
	}
	if err := azclient.Require(p.Config.Subscription); err != nil {
		return inputErr(err)
	}
	if err := o.checksFirst(ctx, clients, out, p, nil); err != nil {
		return err
	}
	return runAKS(ctx, p, src, clients, out)
}

// runAKS builds the images, then provisions and deploys the plan.
func runAKS(ctx context.Context, p *plan.Plan, src images.Sources, clients *azclient.Clients, out io.Writer) error {
	arm, err := clients.ARM(p.Config.Subscription)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "azure up: tier %d into resource group %s (%s)\n", p.Tier.Number, p.Config.ResourceGroup, p.Config.Location)
	cred, err := clients.Credential()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  building the images (generator from %s, job on %s)\n", src.GeneratorBinary, src.FlinkBase)
	built, err := images.Build(ctx, src, nil)
	if err != nil {
		return fmt.Errorf("azure up: %w", err)
	}
	if p, err = p.WithImages(built.Digests); err != nil {
		return err
	}
	fmt.Fprintf(out, "  built    generator %s, job %s\n", p.GeneratorImage(), p.JobImage())
	side := &deploy.ClusterSide{Credential: cred, Images: built}
	r := &provision.Runner{Plan: p, Clients: arm, Out: out, Cluster: side}
	if _, err := r.Up(ctx); err != nil {
		return fmt.Errorf("azure up: %w", err)
	}
	return nil
}

// runHDInsight is `azure up --platform hdinsight`: the shared steps
// (provision.Runner.UpShared), then the HDInsight ones (hdinsight.UpAll).
func runHDInsight(ctx context.Context, o Options, base *plan.Plan, clients *azclient.Clients, out io.Writer) error {
	if o.HDI.Workers < 1 {
		return inputErr(fmt.Errorf("--hdi-workers %d: give 1 to 100 worker nodes", o.HDI.Workers))
	}
	p, err := hdinsight.New(base, o.HDI)
	if err != nil {
		return inputErr(err)
	}
	if o.DryRun {
		fmt.Fprintln(out, "dry run: nothing is created and no Azure credentials are used")
		fmt.Fprintln(out)
		return p.Write(out)
	}
	if err := azclient.Require(base.Config.Subscription); err != nil {
		return inputErr(err)
	}
	if _, err := os.Stat(o.JobJar); err != nil {
		return inputErr(fmt.Errorf("--job-jar %s: %w (build it with `make build`)", o.JobJar, err))
	}
	if err := o.checksFirst(ctx, clients, out, base, p); err != nil {
		return err
	}
	arm, err := clients.ARM(base.Config.Subscription)
	if err != nil {
		return err
	}
	hc, err := clients.HDInsight(p)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "azure up --platform hdinsight: tier %d into resource group %s (%s)\n", base.Tier.Number, base.Config.ResourceGroup, base.Config.Location)
	shared := &provision.Runner{Plan: base, Clients: arm, Out: out}
	r := &hdinsight.Runner{Plan: p, Clients: hc, Out: out, RelayJar: o.JobJar}
	if _, _, err := hdinsight.UpAll(ctx, shared, r); err != nil {
		return fmt.Errorf("azure up --platform hdinsight: %w", err)
	}
	return nil
}

// checksFirst runs `azure check` at the start of `azure up`, unless SkipChecks.
func (o Options) checksFirst(ctx context.Context, clients *azclient.Clients, out io.Writer, p *plan.Plan, hdi *hdinsight.Plan) error {
	if o.SkipChecks {
		return nil
	}
	err := Check(ctx, clients, out, p, hdi, 0)
	if errors.Is(err, preflight.ErrChecksFailed) {
		return fmt.Errorf("azure up: %w; nothing was created (--skip-checks goes on anyway)", err)
	}
	return err
}

// imageSources are the images' inputs: the generator binary images.GeneratorBinary picks,
// the CA roots, the jar and the plan's base image.
func (o Options) imageSources(p *plan.Plan) (images.Sources, error) {
	self := ""
	if o.GeneratorBinary == "" {
		exe, err := os.Executable()
		if err != nil {
			return images.Sources{}, fmt.Errorf("find this binary for the generator image: %w (pass --generator-binary)", err)
		}
		self = exe
	}
	return images.Sources{GeneratorBinary: images.GeneratorBinary(o.GeneratorBinary, self), CABundle: o.CABundle,
		JobJar: o.JobJar, FlinkBase: p.Config.FlinkBaseImage}, nil
}

// writeDryRun prints the plan. The generator image is built (it needs no network) so that
// its content tag is the real one, or the reason `up` would refuse it is printed; the job
// image's digest needs its base image pulled, which a dry run does not do.
func writeDryRun(out io.Writer, p *plan.Plan, src images.Sources) error {
	fmt.Fprintln(out, "dry run: nothing is created and no Azure credentials are used")
	if gen, err := images.BuildGenerator(src); err != nil {
		fmt.Fprintf(out, "generator image not built (azure up would stop here): %v\n", err)
	} else if d, err := gen.Digest(); err != nil {
		return err
	} else if p, err = p.WithImages(plan.Images{Generator: d.String()}); err != nil {
		return err
	}
	fmt.Fprintln(out)
	if err := p.Write(out); err != nil {
		return err
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "# Kubernetes manifests applied to namespace "+plan.K8sNamespace+" (secret values are never printed)")
	return manifest.Build(p, manifest.Inputs{}).Write(out)
}
