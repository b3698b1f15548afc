package kafkaconn

import "testing"

func TestThroughputUnitsForTierFollowsDesign(t *testing.T) {
	for tier, want := range map[int]int{1: 2, 5: 6, 10: 12} {
		if got, err := ThroughputUnitsForTier(tier); err != nil || got != want {
			t.Errorf("tier %d: %d TU, %v; want %d", tier, got, err, want)
		}
	}
	if _, err := ThroughputUnitsForTier(3); err == nil {
		t.Error("tier 3 has throughput units")
	}
}
