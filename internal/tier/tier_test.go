package tier

import (
	"reflect"
	"strings"
	"testing"
)

// TestTable pins the sample's tiers (docs/architecture.md, Tiers): a change here is a change
// of what every tier deploys.
func TestTable(t *testing.T) {
	for _, tc := range []struct {
		n                                                    int
		rate, tu, partitions, parallelism, generators, nodes int
		vm                                                   string
	}{
		{1, 1000, 2, 2, 2, 1, 3, "Standard_D2s_v3"},
		{5, 5000, 6, 4, 4, 3, 5, "Standard_D2s_v3"},
		{10, 10000, 12, 8, 8, 5, 4, "Standard_D4s_v3"},
	} {
		s, err := Get(tc.n)
		if err != nil {
			t.Fatal(err)
		}
		got := []int{s.EventsPerSecond(), s.ThroughputUnits, s.Partitions, s.Parallelism, s.Generators, s.NodeCount}
		if want := []int{tc.rate, tc.tu, tc.partitions, tc.parallelism, tc.generators, tc.nodes}; !reflect.DeepEqual(got, want) || s.NodeVMSize != tc.vm {
			t.Errorf("tier %d: %v %s, want %v %s", tc.n, got, s.NodeVMSize, want, tc.vm)
		}
	}
	if !reflect.DeepEqual(Numbers(), []int{1, 5, 10}) || List() != "1, 5, 10" {
		t.Errorf("tiers %v (%s)", Numbers(), List())
	}
	if _, err := Get(3); err == nil || !strings.Contains(err.Error(), "use 1, 5 or 10") {
		t.Errorf("tier 3: %v", err)
	}
	if _, ok := Lookup(3); ok {
		t.Error("tier 3 looked up")
	}
}
