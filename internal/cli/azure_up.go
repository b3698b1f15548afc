package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/images"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/up"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
)

func newAzureUpCmd(f *Factory, runF func(context.Context, *up.Options) error) *cobra.Command {
	opts := &up.Options{}
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Create (or converge) the tier's Azure deployment; --dry-run prints the plan",
		Long: `Create what the tier needs, in order: the resource group, two Event Hubs namespaces (hub "in"
in #1, "out" in #2) with least-privilege rules, a storage account for Flink's state, a container
registry and the two images, an AKS cluster with managed Prometheus, the Flink Kubernetes
Operator, the relay as a FlinkDeployment (Kubernetes HA, checkpoints in the storage account,
parallelism = partitions) and the generators on Container Instances.

--job complex runs the sample's complex event processing instead of the relay, as its own
FlinkDeployment (streamscale-complex; the relay's is streamscale-relay): it starts fresh,
never from the relay's savepoint, and the other kind's FlinkDeployment is deleted first when
it is there, as one job writes "out". --job relay switches back the same way.

Tiers (the sample's; every size has a flag):
  tier  TU  partitions  parallelism  generators  AKS
  1      2  2           2            1           3 × Standard_D2s_v3
  5      6  4           4            3           5 × Standard_D2s_v3
  10    12  8           8            5           4 × Standard_D4s_v3

--platform hdinsight builds the sample's other home instead: the same resource group, Event
Hubs namespaces and storage account, then an HDInsight 5.1 Hadoop cluster (3 × Standard_D3_V2
workers on every tier, --hdi-workers/--hdi-worker-size) whose script action (uploaded with the
--job-jar to the storage account first, which needs you to hold Storage Blob Data Contributor
on it) installs Java 17 and Flink 2.2 on the head node and starts a detached Flink YARN
session; the job is then
submitted with ` + "`streamscale job submit --flink-url`" + ` through an SSH tunnel (docs/azure.md).

--dry-run prints every resource with its name, SKU, capacity, partitions, node pool,
parallelism and rules, and the Kubernetes manifests, touching nothing: it needs no
credentials or subscription. Resource names derive from --prefix and --resource-group, so the
same flags always name the same resources.`,
		Example: `  streamscale azure up --tier 10 --resource-group RG --location westeurope --dry-run
  streamscale azure up --tier 1 --resource-group streamscale-rg --location westeurope --prefix ssdemo
  streamscale azure up --tier 1 --resource-group streamscale-rg --location westeurope --job complex`,
		Args: cobra.NoArgs,
	}
	fs := cmd.Flags()
	c := &opts.Config
	opts.AddFlags(fs)
	fs.IntVar(&opts.HDI.Slots, "hdi-slots", 2, "with --platform hdinsight: slots per TaskManager of the YARN session")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "print the plan and the manifests; create nothing, need no credentials")
	fs.BoolVar(&opts.SkipChecks, "skip-checks", false, "do not run the azure check first (quota, providers, permissions, VM size, names)")
	fs.StringVar(&opts.SKU, "sku", string(plan.Standard), "Event Hubs tier: standard (the sample's) or premium")
	fs.StringVar(&opts.Guarantee, "guarantee", string(relay.AtLeastOnce), "the job's delivery guarantee: at-least-once, none, or exactly-once (premium only, a preview)")
	fs.IntVar(&c.Overrides.ThroughputUnits, "throughput-units", 0, "each Standard namespace's throughput units (default: the tier's 2/6/12)")
	fs.IntVar(&c.ProcessingUnits, "processing-units", 0, "each Premium namespace's processing units: 1, 2, 4, 8 or 16 (default: 1/2/4 by tier)")
	fs.IntVar(&c.Overrides.Partitions, "partitions", 0, "partitions of the hubs in and out (default: the tier's 2/4/8)")
	fs.IntVar(&c.Overrides.Parallelism, "parallelism", 0, "the job's parallelism (default: --partitions)")
	fs.IntVar(&c.Overrides.Generators, "generators", 0, "generator container groups (default: the tier's 1/3/5)")
	fs.IntVar(&c.RetentionDays, "retention-days", 1, "how long the hubs keep events, 1-7 days")
	fs.StringVar(&c.FlinkBaseImage, "flink-base-image", plan.DefaultFlinkBaseImage, "base of the job image: the official Flink "+plan.FlinkRelease+" image on Java 17, or a copy of it (another Flink release is refused)")
	fs.StringVar(&c.OperatorVersion, "operator-version", plan.DefaultOperatorVersion, "Flink Kubernetes Operator chart version (1.15.x supports Flink 2.2)")
	fs.StringVar(&c.OperatorChart, "operator-chart", "", "the operator's chart: a local .tgz or directory, a chart .tgz URL or a Helm repository URL (a mirror); default: downloads.apache.org, then archive.apache.org")
	fs.DurationVar(&c.LoadDuration, "load-duration", plan.DefaultLoadDuration, "how long the generators up starts send, at the tier's rate (0: start none; azure run starts its own)")
	fs.StringVar(&opts.GeneratorBinary, "generator-binary", "", "static linux/amd64 streamscale for the generator image (default: "+images.StaticBinaryName+" beside this binary, which make build makes; else this binary, if it is static)")
	fs.StringVar(&opts.CABundle, "ca-bundle", "/etc/ssl/certs/ca-certificates.crt", "PEM CA roots the generator image trusts (for TLS to Event Hubs)")
	fs.StringVar(&opts.JobJar, "job-jar", relay.DefaultJarPath(local.BuildDir()), "relay job jar for the job image (with --platform hdinsight: uploaded to the storage account)")
	return newCommand(f, cmd, opts, runF, azureUpRun)
}

func azureUpRun(ctx context.Context, f *Factory, opts *up.Options) error {
	o := *opts
	o.Config.Subscription = azclient.Subscription(o.Config.Subscription, f.Getenv)
	return asFlagError(up.Run(ctx, o, f.azureClients(), f.IO.Out))
}
