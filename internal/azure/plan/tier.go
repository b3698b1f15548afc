package plan

import (
	"fmt"

	"github.com/streamscale/streamscale/internal/tier"
)

// Tier is one deployment size: package tier's defaults for its number, with the Overrides
// the user gave.
type Tier struct {
	tier.Sizes
}

// TaskManager is the size of one Flink TaskManager pod.
func (t Tier) TaskManager() PodSize {
	return PodSize{CPU: t.TaskManagerCPU, Memory: t.TaskManagerMemory}
}

// PodSize is a Flink pod's resources, as the FlinkDeployment's jobManager and taskManager
// resource fields take them.
type PodSize struct {
	// CPU in cores.
	CPU float64
	// Memory as Flink's process memory, e.g. "2048m".
	Memory string
}

// TaskManagers is how many TaskManager pods the job's parallelism needs.
func (t Tier) TaskManagers() int {
	slots := t.SlotsPerTaskManager
	if slots <= 0 {
		slots = 1
	}
	return (t.Parallelism + slots - 1) / slots
}

// JobManagerSize is the JobManager pod's size at every tier.
var JobManagerSize = PodSize{CPU: 1, Memory: "2048m"}

// TierNumbers are the tiers there are, in order.
func TierNumbers() []int { return tier.Numbers() }

// LookupTier returns tier n's defaults (package tier's table).
func LookupTier(n int) (Tier, error) {
	s, ok := tier.Lookup(n)
	if !ok {
		return Tier{}, fmt.Errorf("--tier %d: there is no such tier; use %s", n, tier.List())
	}
	return Tier{Sizes: s}, nil
}

// Overrides replace a tier's defaults; a zero field keeps the default.
type Overrides struct {
	ThroughputUnits int
	Partitions      int
	// Parallelism defaults to Partitions (the overridden one, when Partitions is set).
	Parallelism int
	Generators  int
	NodeCount   int
	NodeVMSize  string
}

// Apply returns t with o's non-zero fields; Parallelism follows an overridden Partitions
// unless it is set itself.
func (o Overrides) Apply(t Tier) Tier {
	if o.ThroughputUnits > 0 {
		t.ThroughputUnits = o.ThroughputUnits
	}
	if o.Partitions > 0 {
		t.Partitions = o.Partitions
		t.Parallelism = o.Partitions
	}
	if o.Parallelism > 0 {
		t.Parallelism = o.Parallelism
	}
	if o.Generators > 0 {
		t.Generators = o.Generators
	}
	if o.NodeCount > 0 {
		t.NodeCount = o.NodeCount
	}
	if o.NodeVMSize != "" {
		t.NodeVMSize = o.NodeVMSize
	}
	return t
}

// validate checks the sizes against what Azure accepts.
func (t Tier) validate(sku SKU) error {
	switch {
	case sku == Standard && (t.ThroughputUnits < 1 || t.ThroughputUnits > 40):
		return fmt.Errorf("--throughput-units %d: an Event Hubs Standard namespace takes 1 to 40", t.ThroughputUnits)
	case t.Partitions < 1 || t.Partitions > 32:
		return fmt.Errorf("--partitions %d: an Event Hubs Standard hub takes 1 to 32", t.Partitions)
	case t.Parallelism < 1:
		return fmt.Errorf("--parallelism %d: give at least 1", t.Parallelism)
	case t.Generators < 1 || t.Generators > 100:
		return fmt.Errorf("--generators %d: give 1 to 100", t.Generators)
	case t.NodeCount < 1 || t.NodeCount > 100:
		return fmt.Errorf("--node-count %d: give 1 to 100", t.NodeCount)
	case !vmSize.MatchString(t.NodeVMSize):
		return fmt.Errorf("--node-vm-size %q: give an Azure VM size such as Standard_D2s_v3", t.NodeVMSize)
	}
	return nil
}
