package aztarget

import (
	"context"
	"fmt"
	"io"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/kube"
	"github.com/streamscale/streamscale/internal/azure/monitor"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/provision"
	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// groupLocation stands in for the location in a plan of a deployment that exists: `azure
// run` has no --location, Open reads the resource group's before anything is created.
const groupLocation = "placeholder"

// Plan is the plan `up` was given, for the names and sizes (c.Location is ignored: Open
// replaces it with the resource group's own).
func Plan(c plan.Config) (*plan.Plan, error) {
	c.Location = groupLocation
	return plan.New(c)
}

// Config is the deployment `azure run` runs on.
type Config struct {
	// Plan is the plan `up` was given (Plan); its subscription must be set.
	Plan *plan.Plan
	// Clients are the Azure clients.
	Clients *azclient.Clients
	// Progress is told of each step.
	Progress io.Writer
}

// Open reads the resource group the plan names (a missing one says to run `azure up`),
// takes its location, and returns the deployment as a pipeline.Target whose hub table comes
// from Azure Monitor: `azure run`'s entry point beside pipeline.Run.
func Open(ctx context.Context, c Config) (*Azure, error) {
	p := c.Plan
	clients, err := c.Clients.ARM(p.Config.Subscription)
	if err != nil {
		return nil, err
	}
	g, err := clients.Groups.Get(ctx, p.Names.ResourceGroup, nil)
	if err != nil {
		if provision.IsNotFound(err) {
			return nil, fmt.Errorf("resource group %s does not exist: run `streamscale azure up --resource-group %s` first", p.Names.ResourceGroup, p.Names.ResourceGroup)
		}
		return nil, fmt.Errorf("read resource group %s: %w", p.Names.ResourceGroup, err)
	}
	if g.Location != nil {
		p.Config.Location = *g.Location
	}
	return &Azure{
		Runner:  &provision.Runner{Plan: p, Clients: clients, Out: c.Progress},
		Kube:    c.Clients.Kube,
		History: monitor.TwoHubs(clients.Metrics, p.Config.Subscription, p.Names, throughputUnits(p)),
	}, nil
}

// throughputUnits are each Standard namespace's TU (0 on Premium: no MAX VALUE line).
func throughputUnits(p *plan.Plan) int {
	if p.Config.SKU == plan.Standard {
		return p.Capacity
	}
	return 0
}

// PipelineConfig is the run's pipeline.Config on the deployment: its hubs, the job its
// FlinkDeployment runs, load (one generator's), Azure Monitor's per-minute grain and the
// namespaces' throughput units. The caller adds the drain, checks, runs directory and progress.
func (a *Azure) PipelineConfig(load generate.Config) pipeline.Config {
	p := a.Runner.Plan
	return pipeline.Config{
		Topics:          pipeline.Topics{In: plan.HubIn, Out: plan.HubOut, DeadLetter: plan.HubDeadLetter, Partitions: int32(p.Tier.Partitions)},
		Job:             func(conn kafkaconn.Conn, _ int32) relay.Spec { return RunSpec(p, conn) },
		Load:            load,
		TrafficInterval: monitor.Interval,
		ThroughputUnits: throughputUnits(p),
	}
}

// RunSpec is the spec of the job the plan's FlinkDeployment runs, which pipeline.Run records
// (the job kind included, so verify reconciles a complex run's tags).
func RunSpec(p *plan.Plan, conn kafkaconn.Conn) relay.Spec {
	return relay.Spec{InTopic: plan.HubIn, OutTopic: plan.HubOut, DeadLetterTopic: plan.HubDeadLetter, Parallelism: p.Tier.Parallelism,
		Job: p.Config.Job, Guarantee: p.Config.Guarantee, CheckpointInterval: p.Config.CheckpointInterval, Secured: conn.TLS, MaxRecordBytes: relay.EventHubsMaxRecordBytes}
}

// Existing names a deployment `up` made, for `azure verify`, `report` and `ui`.
type Existing struct {
	Clients      *azclient.Clients
	Subscription string
	Names        plan.Names
}

func (e Existing) runner() (*provision.Runner, error) {
	clients, err := e.Clients.ARM(e.Subscription)
	if err != nil {
		return nil, err
	}
	return &provision.Runner{Plan: &plan.Plan{Names: e.Names}, Clients: clients}, nil
}

// ToVerify is what `azure verify` reads: the job the cluster runs and the verifier's
// listen-only connections (#2's for "out"; #1's for "in", with the complex job only).
type ToVerify struct {
	Job relay.Job
	// Out is the listen rule's connection string on namespace #2 (a secret: never printed).
	Out provision.Secret
	// In is namespace #1's endpoint with its listen rule, for the complex job's input.
	In *kafkaconn.Conn
}

// Verify reads the deployment and its cluster for `azure verify`: which job runs (asked, when
// given, must agree) and the connections to read with.
func (e Existing) Verify(ctx context.Context, asked relay.Job) (ToVerify, error) {
	runner, err := e.runner()
	if err != nil {
		return ToVerify{}, err
	}
	d, err := runner.Read(ctx)
	if err != nil {
		return ToVerify{}, err
	}
	kc, err := runner.Kubeconfig(ctx)
	if err != nil {
		return ToVerify{}, err
	}
	dyn, err := e.Clients.Kube(kc)
	if err != nil {
		return ToVerify{}, err
	}
	job, err := kube.JobToVerify(ctx, dyn, plan.K8sNamespace, asked)
	if err != nil {
		return ToVerify{}, err
	}
	v := ToVerify{Job: job, Out: d.VerifierListen}
	if job == relay.JobComplex {
		in, err := kafkaconn.ParseEventHubsConnectionString(d.VerifierListenIn.Reveal())
		if err != nil {
			return ToVerify{}, fmt.Errorf("rule %s on %s: %w", plan.RuleVerifierListen, e.Names.NamespaceIn, err)
		}
		v.In = &in
	}
	return v, nil
}

// UI forwards 127.0.0.1:port to the JobManager's UI port in the AKS cluster until ctx ends;
// ready is told the pod once the port listens. `azure ui`'s entry point.
func (e Existing) UI(ctx context.Context, port int, errOut io.Writer, ready func(pod string)) error {
	runner, err := e.runner()
	if err != nil {
		return err
	}
	kc, err := runner.Kubeconfig(ctx)
	if err != nil {
		return err
	}
	cfg, cs, err := kube.REST(kc)
	if err != nil {
		return err
	}
	pod, err := kube.JobManagerPod(ctx, cs, plan.K8sNamespace, plan.DeploymentName, plan.ComplexDeploymentName)
	if err != nil {
		return err
	}
	listening := make(chan struct{})
	go func() {
		select {
		case <-listening:
			ready(pod)
		case <-ctx.Done():
		}
	}()
	fw := &kube.Forwarder{Config: cfg, Namespace: plan.K8sNamespace, Pod: pod, Local: port, Remote: kube.UIPort,
		Out: io.Discard, ErrOut: errOut, Ready: listening}
	return fw.Run(ctx)
}

// WorkspaceQueryEndpoint is the Prometheus query endpoint of the Azure Monitor workspace
// `up` made.
func (e Existing) WorkspaceQueryEndpoint(ctx context.Context) (string, error) {
	runner, err := e.runner()
	if err != nil {
		return "", err
	}
	return provision.WorkspaceQueryEndpoint(ctx, runner.Clients, e.Names)
}

// Traffic is the two hubs' history from Azure Monitor, with the MAX VALUE line of units TU.
func (e Existing) Traffic(units int) (monitor.History, error) {
	clients, err := e.Clients.ARM(e.Subscription)
	if err != nil {
		return monitor.History{}, err
	}
	return monitor.TwoHubs(clients.Metrics, e.Subscription, e.Names, units), nil
}
