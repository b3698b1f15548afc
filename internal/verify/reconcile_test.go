package verify

import (
	"slices"
	"testing"
)

func TestReconciler(t *testing.T) {
	type ev struct {
		dev string
		seq int64
	}
	repeat := func(e ev, n int) []ev { return slices.Repeat([]ev{e}, n) }
	tests := []struct {
		name    string
		in, out []ev
		want    reconciliation
	}{
		{"exact", []ev{{"a", 0}, {"a", 1}}, []ev{{"a", 0}, {"a", 1}}, reconciliation{inputEvents: 2}},
		{"missing", []ev{{"a", 0}, {"a", 1}, {"b", 0}}, []ev{{"a", 0}}, reconciliation{inputEvents: 3, missing: 2}},
		{"pipeline duplicate", []ev{{"a", 0}}, []ev{{"a", 0}, {"a", 0}}, reconciliation{inputEvents: 1, duplicates: 1}},
		{"source duplicate relayed twice is not a pipeline duplicate", []ev{{"a", 0}, {"a", 0}}, []ev{{"a", 0}, {"a", 0}}, reconciliation{inputEvents: 1, sourceDuplicates: 1}},
		{"source duplicate relayed three times", []ev{{"a", 0}, {"a", 0}}, []ev{{"a", 0}, {"a", 0}, {"a", 0}}, reconciliation{inputEvents: 1, sourceDuplicates: 1, duplicates: 1}},
		{"unexpected", []ev{{"a", 0}}, []ev{{"a", 0}, {"a", 5}, {"z", 0}}, reconciliation{inputEvents: 1, unexpected: 2}},
		{"unexpected copies all count", []ev{{"a", 0}}, []ev{{"a", 0}, {"a", 7}, {"a", 7}, {"a", 7}, {"a", 7}}, reconciliation{inputEvents: 1, unexpected: 4}},
		{"ghost among normal events", []ev{{"a", 0}, {"a", 1}, {"a", 2}}, []ev{{"a", 0}, {"a", 2_000_000_000}, {"a", 1}, {"a", 2}}, reconciliation{inputEvents: 3, unexpected: 1}},
		{"ghost input never relayed", []ev{{"a", 0}, {"a", 2_000_000_000}}, []ev{{"a", 0}}, reconciliation{inputEvents: 2, missing: 1}},
		{"sent three times, relayed five", []ev{{"a", 3}, {"a", 3}, {"a", 3}}, []ev{{"a", 3}, {"a", 3}, {"a", 3}, {"a", 3}, {"a", 3}}, reconciliation{inputEvents: 1, sourceDuplicates: 2, duplicates: 2}},
		{"sent four times, relayed three", []ev{{"a", 3}, {"a", 3}, {"a", 3}, {"a", 3}}, []ev{{"a", 3}, {"a", 3}, {"a", 3}}, reconciliation{inputEvents: 1, sourceDuplicates: 3}},
		{"sent three times, never relayed", []ev{{"a", 3}, {"a", 3}, {"a", 3}}, nil, reconciliation{inputEvents: 1, sourceDuplicates: 2, missing: 1}},
		{"late window", []ev{{"a", 86_400_000}, {"a", 86_400_001}, {"b", 86_400_000}}, []ev{{"a", 86_400_001}, {"b", 86_400_000}, {"b", 86_400_000}}, reconciliation{inputEvents: 3, missing: 1, duplicates: 1}},
		{"more than 255 copies are counted exactly", nil, repeat(ev{"a", 1}, 300), reconciliation{unexpected: 300}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReconciler()
			for _, e := range tt.in {
				r.addInput(eventKey{}, []byte(e.dev), e.seq, 0, content{})
			}
			for _, e := range tt.out {
				r.addOutput(eventKey{}, []byte(e.dev), e.seq)
			}
			if got := r.result(); got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
