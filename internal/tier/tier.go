// Package tier is the sample's tier table, the one place its sizes are written: events per
// second, Event Hubs throughput units, partitions, Flink parallelism and TaskManagers,
// generators and the AKS node pool per tier (docs/architecture.md, Tiers). The local commands
// (package kafkaconn's tier functions) and the Azure plan (package plan) both read it.
package tier

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Sizes are one tier's defaults.
type Sizes struct {
	// Number is the sample's tier: 1, 5 or 10 (thousands of events per second).
	Number int
	// ThroughputUnits is each Event Hubs Standard namespace's capacity.
	ThroughputUnits int
	// Partitions of the hubs (topics) "in" and "out".
	Partitions int
	// Parallelism of the Flink job: Partitions.
	Parallelism int
	// Generators is the number of load generators (container groups on Azure).
	Generators int
	// NodeCount and NodeVMSize size the AKS cluster's one node pool.
	NodeCount  int
	NodeVMSize string
	// TaskManagerCPU (cores) and TaskManagerMemory (Flink's process memory) size one
	// TaskManager pod; SlotsPerTaskManager is taskmanager.numberOfTaskSlots.
	TaskManagerCPU      float64
	TaskManagerMemory   string
	SlotsPerTaskManager int
}

// EventsPerSecond is the tier's target rate, as the sample names its tiers.
func (s Sizes) EventsPerSecond() int { return s.Number * 1000 }

var table = map[int]Sizes{
	1: {Number: 1, ThroughputUnits: 2, Partitions: 2, Parallelism: 2, Generators: 1, NodeCount: 3, NodeVMSize: "Standard_D2s_v3",
		TaskManagerCPU: 1, TaskManagerMemory: "2048m", SlotsPerTaskManager: 2},
	5: {Number: 5, ThroughputUnits: 6, Partitions: 4, Parallelism: 4, Generators: 3, NodeCount: 5, NodeVMSize: "Standard_D2s_v3",
		TaskManagerCPU: 1, TaskManagerMemory: "2048m", SlotsPerTaskManager: 2},
	10: {Number: 10, ThroughputUnits: 12, Partitions: 8, Parallelism: 8, Generators: 5, NodeCount: 4, NodeVMSize: "Standard_D4s_v3",
		TaskManagerCPU: 2, TaskManagerMemory: "4096m", SlotsPerTaskManager: 2},
}

// Numbers are the tiers there are, in order.
func Numbers() []int {
	n := make([]int, 0, len(table))
	for k := range table {
		n = append(n, k)
	}
	sort.Ints(n)
	return n
}

// List is Numbers as text: "1, 5, 10".
func List() string {
	s := make([]string, 0, len(table))
	for _, k := range Numbers() {
		s = append(s, strconv.Itoa(k))
	}
	return strings.Join(s, ", ")
}

// Lookup returns tier n's sizes; ok is false when there is no such tier.
func Lookup(n int) (Sizes, bool) {
	s, ok := table[n]
	return s, ok
}

// Get returns tier n's sizes, or an error naming the tiers there are.
func Get(n int) (Sizes, error) {
	s, ok := table[n]
	if !ok {
		return Sizes{}, fmt.Errorf("tier %d is not one of the sample's tiers: use 1, 5 or 10", n)
	}
	return s, nil
}
