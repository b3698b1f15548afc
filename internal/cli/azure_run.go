package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/aztarget"
	"github.com/streamscale/streamscale/internal/azure/monitor"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/provision"
	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
	"github.com/streamscale/streamscale/internal/verify"
)

type azureRunOptions struct {
	cfg       plan.Config
	sku       string
	guarantee string
	job       string
	home      string
	rate      float64
	gen       generate.Config
	drainIdle time.Duration
	asJSON    bool
	checks    verify.Checks
}

func newAzureRunCmd(f *Factory) *cobra.Command {
	opts := &azureRunOptions{sku: string(plan.Standard), guarantee: string(relay.AtLeastOnce), job: string(relay.JobRelay), home: local.DefaultConfig().Home,
		gen: generate.DefaultConfig(), drainIdle: 2 * time.Minute, checks: verify.DefaultChecks()}
	opts.gen.Duration = 5 * time.Minute
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the pipeline on the Azure deployment: generators on Container Instances, the job on AKS, verified from here",
		Long: `The same run as ` + "`streamscale run`" + `, on what ` + "`azure up`" + ` made: check the hubs, make sure the
FlinkDeployment's job runs, start the generators on Container Instances (each --instance i
--instances n, deleting the previous load's ended container groups first), wait for them, then
read the run's window of "in" (namespace #1) and "out" (namespace #2) with the verifier's
listen-only rules and verify every event came out. The run is recorded under <home>/runs/<id>/
like a local run, with the hub table from Azure Monitor (its last minutes may come late:
` + "`azure report`" + ` has them later).

Give the tier and size flags ` + "`azure up`" + ` was given: they name the resources and say how many
partitions and generators there are. Creates nothing and deletes nothing but the ended
generator container groups.

--job must be the job the deployment runs (` + "`azure up --job`" + `); another is refused. With --job
complex the load is the one ` + "`run --job complex`" + ` picks where the flags leave it open (mixed
types, a device every 10 s, a tenth of them quiet, 3 minutes), and the verifier reconciles
the job's tags against the ones it recomputes from the run's input.`,
		Example: `  streamscale azure run --tier 10 --resource-group RG
  streamscale azure run --tier 1 --resource-group RG --duration 2m --rate 1500
  streamscale azure run --tier 1 --resource-group RG --job complex`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return azureRunRun(cmd.Context(), f, opts, cmd.Flags().Changed("rate"), loadFlagsSet(cmd.Flags()))
		},
	}
	fs := cmd.Flags()
	c := &opts.cfg
	fs.IntVar(&c.Tier, "tier", 1, "the tier azure up was given: 1, 5 or 10")
	fs.StringVar(&c.ResourceGroup, "resource-group", "", "resource group azure up created (required)")
	fs.StringVar(&c.Prefix, "prefix", plan.DefaultPrefix, "the --prefix azure up was given")
	fs.StringVar(&c.Subscription, "subscription", "", "Azure subscription ID (env "+EnvAzureSubscription+")")
	fs.StringVar(&opts.sku, "sku", opts.sku, "the --sku azure up was given")
	fs.StringVar(&opts.guarantee, "guarantee", opts.guarantee, "the --guarantee azure up was given")
	addAzureJob(fs, &opts.job)
	fs.IntVar(&c.Overrides.Partitions, "partitions", 0, "the --partitions azure up was given (default: the tier's)")
	fs.IntVar(&c.Overrides.Parallelism, "parallelism", 0, "the --parallelism azure up was given (default: --partitions)")
	fs.IntVar(&c.Overrides.Generators, "generators", 0, "the --generators azure up was given (default: the tier's 1/3/5)")
	fs.IntVar(&c.Overrides.ThroughputUnits, "throughput-units", 0, "the --throughput-units azure up was given (the hub table's MAX VALUE line)")
	fs.Float64Var(&opts.rate, "rate", 0, "events per second of all generators together (default: the tier's 1,000/5,000/10,000)")
	fs.DurationVar(&opts.gen.Duration, "duration", opts.gen.Duration, "how long the generators send")
	fs.Int64Var(&opts.gen.Count, "count", 0, "each generator sends exactly this many distinct events instead of --duration")
	fs.IntVar(&opts.gen.Devices, "devices", opts.gen.Devices, "number of simulated devices")
	fs.BoolVar(&opts.gen.MixedTypes, "mixed-types", false, "each device alternates TEMP and CO2 readings (with --job complex: the default)")
	fs.Float64Var(&opts.gen.QuietDevices, "quiet-devices", 0, "share of the devices, in [0, 1), that stop after the first quarter of the run (with --job complex: default 0.1, so NoNews tags fire)")
	fs.Int64Var(&opts.gen.Seed, "seed", 0, "seed for reproducible event content (0: random)")
	fs.DurationVar(&opts.drainIdle, "drain-timeout", opts.drainIdle, "after the generators end, how long to wait for the next of the run's events in the output before verifying")
	fs.StringVar(&opts.home, "home", opts.home, "where runs are recorded: <home>/runs/<id>/ (env STREAMSCALE_HOME)")
	fs.BoolVar(&opts.asJSON, "json", false, "print the run record as JSON")
	addCheckFlags(fs, &opts.checks)
	return cmd
}

// azureRunPlan is the plan `up` was given, for the names and sizes; the location is read
// from the resource group (the generators' container groups are created there).
func azureRunPlan(f *Factory, opts *azureRunOptions) (*plan.Plan, error) {
	up := &azureUpOptions{cfg: opts.cfg, sku: opts.sku, guarantee: opts.guarantee, job: opts.job}
	up.cfg.Location = "placeholder" // replaced by the group's own before anything is created
	p, err := azurePlan(f, up)
	if err != nil {
		return nil, err
	}
	if err := azclient.Require(p.Config.Subscription); err != nil {
		return nil, flagErrorf(err)
	}
	return p, nil
}

// azureRunLoad is one generator's load: its share of the rate and, for the complex job, the
// load `run --job complex` picks where the flags set leave it open (said on progress).
func azureRunLoad(opts *azureRunOptions, p *plan.Plan, rateSet bool, set loadSet, progress io.Writer) (generate.Config, error) {
	n := p.Tier.Generators
	total := float64(p.Tier.EventsPerSecond())
	if rateSet {
		total = opts.rate
	}
	load := opts.gen
	load.Topic, load.Instances, load.Rate = plan.HubIn, n, instanceRate(total, n)
	if p.Config.Job == relay.JobComplex {
		applyComplexLoad(&load, set, progress)
	}
	if err := load.Validate(); err != nil {
		return generate.Config{}, flagErrorf(err)
	}
	return load, nil
}

// azureJobSpec is the spec of the job the plan's FlinkDeployment runs, which pipeline.Run
// records (the job kind included, so verify reconciles a complex run's tags).
func azureJobSpec(p *plan.Plan, conn kafkaconn.Conn) relay.Spec {
	return relay.Spec{InTopic: plan.HubIn, OutTopic: plan.HubOut, DeadLetterTopic: plan.HubDeadLetter, Parallelism: p.Tier.Parallelism,
		Job: p.Config.Job, Guarantee: p.Config.Guarantee, CheckpointInterval: p.Config.CheckpointInterval, Secured: conn.TLS, MaxRecordBytes: relay.EventHubsMaxRecordBytes}
}

func azureRunRun(ctx context.Context, f *Factory, opts *azureRunOptions, rateSet bool, set loadSet) error {
	p, err := azureRunPlan(f, opts)
	if err != nil {
		return err
	}
	load, err := azureRunLoad(opts, p, rateSet, set, f.IO.ErrOut)
	if err != nil {
		return err
	}
	clients, err := f.azureClients().ARM(p.Config.Subscription)
	if err != nil {
		return err
	}
	g, err := clients.Groups.Get(ctx, p.Names.ResourceGroup, nil)
	if err != nil {
		if provision.IsNotFound(err) {
			return fmt.Errorf("resource group %s does not exist: run `streamscale azure up --resource-group %s` first", p.Names.ResourceGroup, p.Names.ResourceGroup)
		}
		return fmt.Errorf("read resource group %s: %w", p.Names.ResourceGroup, err)
	}
	if g.Location != nil {
		p.Config.Location = *g.Location
	}
	cred, err := f.azureClients().Credential()
	if err != nil {
		return err
	}
	mc, err := armmonitor.NewMetricsClient(p.Config.Subscription, cred, f.azureClients().ARMOptions)
	if err != nil {
		return fmt.Errorf("azure monitor client: %w", err)
	}
	units := 0
	if p.Config.SKU == plan.Standard {
		units = p.Capacity
	}
	sub := p.Config.Subscription
	t := &aztarget.Azure{
		Runner: &provision.Runner{Plan: p, Clients: clients, Out: f.IO.ErrOut},
		History: monitor.History{Client: mc, ThroughputUnits: units, Hubs: []monitor.Hub{
			{Name: plan.HubIn, NamespaceID: namespaceID(sub, p.Names, p.Names.NamespaceIn)},
			{Name: plan.HubOut, NamespaceID: namespaceID(sub, p.Names, p.Names.NamespaceOut)},
		}},
	}
	cfg := pipeline.Config{
		Topics:          pipeline.Topics{In: plan.HubIn, Out: plan.HubOut, DeadLetter: plan.HubDeadLetter, Partitions: int32(p.Tier.Partitions)},
		Job:             func(conn kafkaconn.Conn, _ int32) relay.Spec { return azureJobSpec(p, conn) },
		Load:            load,
		DrainIdle:       opts.drainIdle,
		TrafficInterval: monitor.Interval,
		ThroughputUnits: units,
		Checks:          opts.checks,
		RunsDir:         local.RunsDir(opts.home),
		Progress:        f.IO.ErrOut,
	}
	res, err := pipeline.Run(ctx, t, cfg)
	return writeRunResult(f, res, err, opts.asJSON, opts.checks)
}
