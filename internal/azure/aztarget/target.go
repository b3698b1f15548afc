// Package aztarget is the Azure deployment `azure up` made as a pipeline.Target, for
// `streamscale azure run`: the hubs of the two Event Hubs namespaces, the relay as the
// FlinkDeployment on AKS, the generators on Azure Container Instances, the hub table from
// Azure Monitor. The pipeline itself (package pipeline) knows nothing of Azure; this package
// maps each of its steps onto the provision, deploy and monitor packages (docs/azure.md,
// "Run"). Existing is the same deployment for `azure verify`, `report` and `ui`, named by
// Options (the flags they share).
package aztarget

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"time"

	"k8s.io/client-go/dynamic"

	"github.com/streamscale/streamscale/internal/azure/deploy"
	"github.com/streamscale/streamscale/internal/azure/kube"
	"github.com/streamscale/streamscale/internal/azure/manifest"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/provision"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// Azure is a deployment made by `azure up`, as a pipeline.Target.
type Azure struct {
	// Runner reads the deployment and starts the generators; its Plan must be the one `up`
	// was given (the same tier and overrides), so names, partitions and parallelism agree.
	Runner *provision.Runner
	// Kube makes the Kubernetes client from the AKS cluster's user kubeconfig (nil: client-go's
	// dynamic client).
	Kube func(kubeconfig []byte) (dynamic.Interface, error)
	// History is where the hub table comes from once the run ends (a monitor.History over the
	// two namespaces); nil: the run has no hub table.
	History hubmetrics.History
	// ReadyTimeout bounds the wait for the job to run (0: 10 minutes); PollEvery is how often
	// the FlinkDeployment's status is read (0: 10 s).
	ReadyTimeout, PollEvery time.Duration

	d *provision.Deployment
	// kafka, in tests, replaces the namespaces' Kafka endpoints (the verifier's listen rules)
	// with reachable ones.
	kafka func(in, out kafkaconn.Conn) (kafkaconn.Conn, kafkaconn.Conn)
}

var _ pipeline.Target = (*Azure)(nil)

var errNotPrepared = errors.New("the Azure target is not prepared")

// Prepare reads the deployment (creating nothing) and returns the two namespaces' Kafka
// endpoints with the verifier's listen-only rules: #1 for the input window, #2 for the
// output. No Flink REST API is reachable from here (the UI is never exposed): FlinkURL is
// empty and the job is the FlinkDeployment. A job of another parallelism than the
// deployment's is refused.
func (a *Azure) Prepare(ctx context.Context, need pipeline.Need, progress io.Writer) (pipeline.Endpoints, error) {
	p := a.Runner.Plan
	if need.Parallelism > 0 && need.Parallelism != p.Tier.Parallelism {
		return pipeline.Endpoints{}, &pipeline.Refusal{Err: fmt.Errorf("--parallelism %d: the deployment runs the job with parallelism %d; run `azure up --parallelism %d` first, or leave --parallelism out",
			need.Parallelism, p.Tier.Parallelism, need.Parallelism)}
	}
	fmt.Fprintf(progress, "reading the Azure deployment in resource group %s\n", p.Names.ResourceGroup)
	d, err := a.Runner.Read(ctx)
	if err != nil {
		return pipeline.Endpoints{}, err
	}
	in, err := kafkaconn.ParseEventHubsConnectionString(d.VerifierListenIn.Reveal())
	if err != nil {
		return pipeline.Endpoints{}, fmt.Errorf("rule %s on %s: %w", plan.RuleVerifierListen, p.Names.NamespaceIn, err)
	}
	out, err := kafkaconn.ParseEventHubsConnectionString(d.VerifierListen.Reveal())
	if err != nil {
		return pipeline.Endpoints{}, fmt.Errorf("rule %s on %s: %w", plan.RuleVerifierListen, p.Names.NamespaceOut, err)
	}
	if a.kafka != nil {
		in, out = a.kafka(in, out)
	}
	a.d = d
	slots := p.Tier.TaskManagers() * max(p.Tier.SlotsPerTaskManager, 1)
	return pipeline.Endpoints{Kafka: in, KafkaOut: out, Capacity: pipeline.Capacity{Slots: slots}}, nil
}

// JobSpec points the spec at the job's properties file in the pods (the FlinkDeployment's
// ConfigMap), where the job's own rules' connection strings reach it from the Secret.
func (a *Azure) JobSpec(s relay.Spec) relay.Spec {
	if s.Secured && s.KafkaPropertiesFile == "" {
		s.KafkaPropertiesFile = path.Join(manifest.KafkaConfigDir, manifest.InProperties)
	}
	return s
}

// Hubs are the hubs `up` makes: name → (namespace, partitions).
func (a *Azure) hubs() map[string]struct {
	namespace  string
	partitions int
} {
	p := a.Runner.Plan
	return map[string]struct {
		namespace  string
		partitions int
	}{
		plan.HubIn:         {p.Names.NamespaceIn, p.Tier.Partitions},
		plan.HubOut:        {p.Names.NamespaceOut, p.Tier.Partitions},
		plan.HubDeadLetter: {p.Names.NamespaceOut, 1},
	}
}

// EnsureTopics checks that `up` made the hubs with the partitions asked for; it creates
// nothing (hubs are Azure resources: `azure up` makes them).
func (a *Azure) EnsureTopics(ctx context.Context, specs []kafkaconn.TopicSpec) error {
	c, rg, hubs := a.Runner.Clients, a.Runner.Plan.Names.ResourceGroup, a.hubs()
	for _, s := range specs {
		h, ok := hubs[s.Name]
		if !ok {
			return fmt.Errorf("hub %q: the Azure deployment has the hubs %s, %s and %s only; leave the topic flags out", s.Name, plan.HubIn, plan.HubOut, plan.HubDeadLetter)
		}
		got, err := c.Hubs.Get(ctx, rg, h.namespace, s.Name, nil)
		if err != nil {
			if provision.IsNotFound(err) {
				return fmt.Errorf("hub %s in namespace %s does not exist: run `streamscale azure up` first", s.Name, h.namespace)
			}
			return fmt.Errorf("read hub %s in namespace %s: %w", s.Name, h.namespace, err)
		}
		var n int64
		if got.Properties != nil && got.Properties.PartitionCount != nil {
			n = *got.Properties.PartitionCount
		}
		if want := int64(s.Partitions); want > 0 && n != want {
			return fmt.Errorf("hub %s in namespace %s has %d partitions, the run needs %d: give `azure run` the tier and --partitions `azure up` was given", s.Name, h.namespace, n, want)
		}
	}
	return nil
}

// EnsureJob converges the FlinkDeployment (deploy.Job: an unchanged manifest leaves the
// running job alone) and waits until the operator reports it stable with its job RUNNING.
// The spec must ask for what the deployment runs (its parallelism, guarantee and job are the
// plan's), and a deployment that runs the other kind of job (its FlinkDeployment is there and
// the asked one's is not) is refused: `azure up --job` switches kinds, `azure run` does not.
func (a *Azure) EnsureJob(ctx context.Context, s relay.Spec, progress io.Writer) (relay.Result, error) {
	if a.d == nil {
		return relay.Result{}, errNotPrepared
	}
	p := a.Runner.Plan
	if s.Guarantee != "" && s.Guarantee != p.Config.Guarantee {
		return relay.Result{}, &pipeline.Refusal{Err: fmt.Errorf("--guarantee %s: the deployment runs the job %s; run `azure up --guarantee %s` first", s.Guarantee, p.Config.Guarantee, s.Guarantee)}
	}
	asked := s.Job.OrDefault()
	if asked != p.Config.Job.OrDefault() {
		return relay.Result{}, &pipeline.Refusal{Err: fmt.Errorf("--job %s: the deployment is planned for the %s job; give `azure run` the --job `azure up` was given", asked, p.Config.Job.OrDefault())}
	}
	kc, err := a.Runner.Kubeconfig(ctx)
	if err != nil {
		return relay.Result{}, err
	}
	mk := a.Kube
	if mk == nil {
		mk = kube.Dynamic
	}
	dyn, err := mk(kc)
	if err != nil {
		return relay.Result{}, err
	}
	if err := checkJobKind(ctx, dyn, p, asked); err != nil {
		return relay.Result{}, err
	}
	// The images the deployment runs, as `up` recorded them: re-applying them leaves the job
	// alone, and the generators start from the same image.
	withImages, err := deploy.RunningImages(ctx, dyn, p)
	if err != nil {
		return relay.Result{}, err
	}
	d := *a.d
	d.Plan = withImages
	a.d = &d
	every := a.PollEvery
	if every <= 0 {
		every = 10 * time.Second
	}
	st, err := deploy.Job(ctx, dyn, a.d, a.ReadyTimeout, every, progress)
	if err != nil {
		return relay.Result{}, err
	}
	return relay.Result{JobID: st.JobStatus.JobID, Reused: true}, nil
}

// checkJobKind refuses a run of job asked when the cluster runs the other kind: the other
// kind's FlinkDeployment is there and asked's is not.
func checkJobKind(ctx context.Context, dyn dynamic.Interface, p *plan.Plan, asked relay.Job) error {
	other := plan.OtherJob(asked)
	theirs, err := kube.FlinkDeploymentExists(ctx, dyn, plan.K8sNamespace, plan.DeploymentNameFor(other))
	if err != nil || !theirs {
		return err
	}
	ours, err := kube.FlinkDeploymentExists(ctx, dyn, plan.K8sNamespace, p.DeploymentName())
	if err != nil || ours {
		return err
	}
	return &pipeline.Refusal{Err: fmt.Errorf("--job %s: the deployment runs the %s job (FlinkDeployment %s/%s); run `azure up --job %s` first, or pass --job %s",
		asked, other, plan.K8sNamespace, plan.DeploymentNameFor(other), asked, other)}
}

// StartTraffic reads the hub table from Azure Monitor once the run ends
// (pipeline.HistoryTraffic). Azure Monitor's per-minute points arrive minutes late, so the
// run's last minutes may be missing from it; `azure report` later has them.
func (a *Azure) StartTraffic(_ context.Context, _ []string, _ time.Duration) (pipeline.Traffic, error) {
	if a.History == nil {
		return nil, nil
	}
	return pipeline.HistoryTraffic{History: a.History, Since: time.Now()}, nil
}

// StartLoad deletes the generator container groups a previous load left (they have ended;
// one that still runs is an error) and creates them again, each sending its share of the
// run's load: load.Config is one generator's, started as `--instance i --instances n` with the
// send rule's connection string as a secure environment variable.
func (a *Azure) StartLoad(ctx context.Context, load pipeline.LoadSpec, progress io.Writer) (pipeline.Load, error) {
	if a.d == nil {
		return nil, errNotPrepared
	}
	if err := load.Config.Validate(); err != nil {
		return nil, err
	}
	if !a.d.Plan.HasImages() {
		return nil, errors.New("the generator image is not known: the job step reads it from the cluster first")
	}
	r := *a.Runner
	r.Out, r.Plan = progress, a.d.Plan
	if _, err := r.DeleteGenerators(ctx); err != nil {
		return nil, err
	}
	n := len(r.Plan.Names.GeneratorGroups)
	if _, err := r.StartGenerators(ctx, a.d, func(i int) []string { return plan.LoadCommand(load.Config, i, n, true) }); err != nil {
		return nil, err
	}
	return &aciLoad{r: &r}, nil
}

// Down leaves the deployment alone: `azure down` deletes the resource group.
func (a *Azure) Down(context.Context, io.Writer) error { return nil }
