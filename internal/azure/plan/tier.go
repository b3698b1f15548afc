package plan

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Tier is one deployment size.
type Tier struct {
	// Number is the sample's tier: 1, 5 or 10 (thousands of events per second).
	Number int
	// ThroughputUnits is each Event Hubs Standard namespace's capacity.
	ThroughputUnits int
	// Partitions of the hubs "in" and "out".
	Partitions int
	// Parallelism of the Flink job; the tier's default equals Partitions.
	Parallelism int
	// Generators is the number of load generator container groups.
	Generators int
	// NodeCount and NodeVMSize size the AKS cluster's one node pool.
	NodeCount  int
	NodeVMSize string
	// TaskManager is the size of one Flink TaskManager pod.
	TaskManager PodSize
	// SlotsPerTaskManager is taskmanager.numberOfTaskSlots.
	SlotsPerTaskManager int
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

// EventsPerSecond is the tier's target rate, as the sample names its tiers.
func (t Tier) EventsPerSecond() int { return t.Number * 1000 }

// JobManagerSize is the JobManager pod's size at every tier.
var JobManagerSize = PodSize{CPU: 1, Memory: "2048m"}

// tiers are the defaults per tier.
var tiers = map[int]Tier{
	1: {Number: 1, ThroughputUnits: 2, Partitions: 2, Parallelism: 2, Generators: 1,
		NodeCount: 3, NodeVMSize: "Standard_D2s_v3",
		TaskManager: PodSize{CPU: 1, Memory: "2048m"}, SlotsPerTaskManager: 2},
	5: {Number: 5, ThroughputUnits: 6, Partitions: 4, Parallelism: 4, Generators: 3,
		NodeCount: 5, NodeVMSize: "Standard_D2s_v3",
		TaskManager: PodSize{CPU: 1, Memory: "2048m"}, SlotsPerTaskManager: 2},
	10: {Number: 10, ThroughputUnits: 12, Partitions: 8, Parallelism: 8, Generators: 5,
		NodeCount: 4, NodeVMSize: "Standard_D4s_v3",
		TaskManager: PodSize{CPU: 2, Memory: "4096m"}, SlotsPerTaskManager: 2},
}

// TierNumbers are the tiers there are, in order.
func TierNumbers() []int {
	n := make([]int, 0, len(tiers))
	for k := range tiers {
		n = append(n, k)
	}
	sort.Ints(n)
	return n
}

// LookupTier returns tier n's defaults.
func LookupTier(n int) (Tier, error) {
	t, ok := tiers[n]
	if !ok {
		s := make([]string, 0, len(tiers))
		for _, k := range TierNumbers() {
			s = append(s, strconv.Itoa(k))
		}
		return Tier{}, fmt.Errorf("--tier %d: there is no such tier; use %s", n, strings.Join(s, ", "))
	}
	return t, nil
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
