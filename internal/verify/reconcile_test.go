package verify

import "testing"

func TestReconciler(t *testing.T) {
	type ev struct {
		dev string
		seq int64
	}
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReconciler()
			for _, e := range tt.in {
				r.addInput([]byte(e.dev), e.seq)
			}
			for _, e := range tt.out {
				r.addOutput([]byte(e.dev), e.seq)
			}
			if got := r.result(); got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
