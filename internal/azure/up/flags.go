package up

import (
	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/hdinsight"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/relay"
)

// AddFlags adds the flags `azure up` shares with `azure check` (where, which tier, how big)
// and with `azure run` (--job); Parse and Run validate them.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	addPlanFlags(fs, &o.Config, &o.Platform, &o.HDI)
	AddJobFlag(fs, &o.Job)
}

// AddFlags adds the flags `azure check` shares with `azure up`, with check's help lines where
// they differ (they name what up was given); RunCheck validates them.
func (o *CheckOptions) AddFlags(fs *pflag.FlagSet) {
	addPlanFlags(fs, &o.Config, &o.Platform, &o.HDI)
	for name, usage := range checkUsage {
		fs.Lookup(name).Usage = usage
	}
}

// checkUsage are check's help lines of the plan flags where they differ from up's.
var checkUsage = map[string]string{
	"resource-group": "resource group azure up creates or reuses (required)",
	"prefix":         "start of every resource name, as given to azure up",
	"platform":       "where Flink runs: aks or hdinsight",
	"node-count":     "AKS nodes, as given to azure up (default: the tier's 3/5/4)",
	"node-vm-size":   "AKS node size, as given to azure up (default: the tier's)",
}

// addPlanFlags adds the flags `azure up` and `azure check` share: where, which tier and how
// big (--platform defaults to AKS).
func addPlanFlags(fs *pflag.FlagSet, c *plan.Config, platform *string, hdi *hdinsight.Spec) {
	fs.IntVar(&c.Tier, "tier", 1, "the sample's tier: 1, 5 or 10 (thousand events per second)")
	fs.StringVar(&c.ResourceGroup, "resource-group", "", "resource group to create or reuse (required)")
	fs.StringVar(&c.Location, "location", "", "Azure region, e.g. westeurope (required)")
	fs.StringVar(&c.Prefix, "prefix", plan.DefaultPrefix, "start of every resource name: 3-11 lowercase letters and digits")
	azclient.AddSubscriptionFlag(fs, &c.Subscription)
	fs.StringVar(platform, "platform", AKS, "where Flink runs: aks (Flink Kubernetes Operator) or hdinsight (a YARN session on HDInsight 5.1 Hadoop)")
	fs.IntVar(&c.Overrides.NodeCount, "node-count", 0, "AKS nodes (default: the tier's 3/5/4)")
	fs.StringVar(&c.Overrides.NodeVMSize, "node-vm-size", "", "AKS node size (default: the tier's Standard_D2s_v3/Standard_D2s_v3/Standard_D4s_v3)")
	fs.IntVar(&hdi.Workers, "hdi-workers", hdinsight.DefaultWorkers, "with --platform hdinsight: worker nodes")
	fs.StringVar(&hdi.WorkerSize, "hdi-worker-size", hdinsight.DefaultWorkerSize, "with --platform hdinsight: worker node size")
}

// AddJobFlag adds --job (default relay) to `azure up` and `azure run`: the Flink job the
// FlinkDeployment runs.
func AddJobFlag(fs *pflag.FlagSet, job *string) {
	fs.StringVar(job, "job", string(relay.JobRelay), "which Flink job runs between the hubs: relay (each event copied with enqueuedAt and processedAt) "+
		"or complex (the sample's complex event processing: per-device tags from keyed state and event-time timers); each has a FlinkDeployment of its own")
}
