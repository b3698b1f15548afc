package local

import "testing"

func TestFlinkHealthy(t *testing.T) {
	tests := []struct {
		name                     string
		running, recorded, slots int // slots: the recorded TaskManagers' together
		h                        FlinkHealth
		want                     bool
	}{
		{"all registered with their slots", 2, 2, 2, FlinkHealth{TaskManagers: 2, SlotsTotal: 2}, true},
		{"second TaskManager's slots not reported yet", 2, 2, 2, FlinkHealth{TaskManagers: 2, SlotsTotal: 1}, false},
		{"one not registered yet", 2, 2, 4, FlinkHealth{TaskManagers: 1, SlotsTotal: 2}, false},
		{"a recorded TaskManager died", 1, 2, 4, FlinkHealth{TaskManagers: 2, SlotsTotal: 4}, false},
		{"dead one's registration lingers beside its successor", 1, 1, 2, FlinkHealth{TaskManagers: 2, SlotsTotal: 4}, true},
		{"none running", 0, 0, 0, FlinkHealth{}, false},
	}
	for _, tt := range tests {
		if got := flinkHealthy(tt.running, tt.recorded, tt.slots, tt.h); got != tt.want {
			t.Errorf("%s: flinkHealthy = %v, want %v", tt.name, got, tt.want)
		}
	}
}
