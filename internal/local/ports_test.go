package local

import "testing"

// TestFreePortsBelowTheEphemeralRange: the ports are distinct, bindable, and below the
// kernel's ephemeral range, where no client connection can take them as its source port.
func TestFreePortsBelowTheEphemeralRange(t *testing.T) {
	low := ephemeralLow()
	if low-minTestPort <= 1000 {
		t.Fatalf("ephemeral range starts at %d: no room below it on this machine", low)
	}
	ports, err := FreePorts(7)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p < minTestPort || p >= low || seen[p] {
			t.Errorf("port %d: want distinct ports in [%d, %d)", p, minTestPort, low)
		}
		seen[p] = true
		if err := checkPortFree(p, "test", "--port"); err != nil {
			t.Error(err)
		}
	}
}
