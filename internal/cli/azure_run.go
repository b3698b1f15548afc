package cli

import (
	"context"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/azure/aztarget"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/up"
	"github.com/streamscale/streamscale/internal/generate"
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
			return azureRunRun(cmd.Context(), f, opts, cmd.Flags().Changed("rate"), generate.GivenFlags(cmd.Flags()))
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
	opts.checks.AddFlags(fs)
	return cmd
}

// azureRunPlan is the plan `up` was given (up.ExistingPlan), the subscription from the
// environment when not a flag.
func azureRunPlan(f *Factory, opts *azureRunOptions) (*plan.Plan, error) {
	s := up.Settings{Config: opts.cfg, SKU: opts.sku, Guarantee: opts.guarantee, Job: opts.job}
	s.Config.Subscription = f.azureSubscription(s.Config.Subscription)
	p, err := up.ExistingPlan(s)
	return p, asFlagError(err)
}

// azureRunLoad is one generator's load: its share of the rate and, for the complex job, the
// load `run --job complex` picks where the flags set leave it open (said on progress).
func azureRunLoad(opts *azureRunOptions, p *plan.Plan, rateSet bool, set generate.Given, progress io.Writer) (generate.Config, error) {
	n := p.Tier.Generators
	total := float64(p.Tier.EventsPerSecond())
	if rateSet {
		total = opts.rate
	}
	load := opts.gen
	load.Topic, load.Instances, load.Rate = plan.HubIn, n, generate.InstanceRate(total, n)
	if p.Config.Job == relay.JobComplex {
		generate.ApplyComplexLoad(&load, set, progress)
	}
	if err := load.Validate(); err != nil {
		return generate.Config{}, flagErrorf(err)
	}
	return load, nil
}

func azureRunRun(ctx context.Context, f *Factory, opts *azureRunOptions, rateSet bool, set generate.Given) error {
	p, err := azureRunPlan(f, opts)
	if err != nil {
		return err
	}
	load, err := azureRunLoad(opts, p, rateSet, set, f.IO.ErrOut)
	if err != nil {
		return err
	}
	t, err := aztarget.Open(ctx, aztarget.Config{Plan: p, Clients: f.azureClients(), Progress: f.IO.ErrOut})
	if err != nil {
		return err
	}
	cfg := t.PipelineConfig(load)
	cfg.DrainIdle, cfg.Checks, cfg.RunsDir, cfg.Progress = opts.drainIdle, opts.checks, local.RunsDir(opts.home), f.IO.ErrOut
	res, err := pipeline.Run(ctx, t, cfg)
	return writeRunResult(f, res, err, opts.asJSON, opts.checks)
}
