package verify

import "testing"

func TestTracker(t *testing.T) {
	type in struct {
		dev  string
		seq  int64
		part int32
	}
	tests := []struct {
		name                       string
		adds                       []in
		fromZero                   bool
		events, dups, ooo, missing int64
	}{
		{"complete", []in{{"a", 0, 0}, {"a", 1, 0}, {"b", 0, 1}}, true, 3, 0, 0, 0},
		{"gap", []in{{"a", 0, 0}, {"a", 3, 0}}, true, 2, 0, 0, 2},
		{"late start counts from zero", []in{{"a", 2, 0}, {"a", 3, 0}}, true, 2, 0, 0, 2},
		{"late start from first seen", []in{{"a", 2, 0}, {"a", 3, 0}}, false, 2, 0, 0, 0},
		{"duplicate", []in{{"a", 0, 0}, {"a", 0, 0}, {"a", 1, 0}}, true, 2, 1, 0, 0},
		{"backwards in a partition", []in{{"a", 1, 0}, {"a", 0, 0}}, true, 2, 0, 1, 0},
		{"backwards across partitions is not out of order", []in{{"a", 1, 0}, {"a", 0, 1}}, true, 2, 0, 0, 0},
		{"beyond one word", []in{{"a", 0, 0}, {"a", 200, 0}}, true, 2, 0, 0, 199},
		{"backwards in the partition a device returns to", []in{{"a", 5, 0}, {"a", 1, 1}, {"a", 3, 0}}, true, 3, 0, 1, 3},
		{"forwards in each partition", []in{{"a", 1, 0}, {"a", 2, 1}, {"a", 3, 0}, {"a", 4, 1}}, true, 4, 0, 0, 1},
		{"duplicate is not out of order", []in{{"a", 1, 0}, {"a", 1, 0}}, false, 1, 1, 0, 0},
		{"late window from first seen", []in{{"a", 86_400_000, 0}, {"a", 86_400_002, 0}}, false, 2, 0, 0, 1},
		{"late window from zero", []in{{"a", 86_400_000, 0}, {"a", 86_400_001, 0}}, true, 2, 0, 0, 86_400_000},
		{"ghost beyond other chunks", []in{{"a", 0, 0}, {"a", 1, 0}, {"a", 2_000_000_000, 0}, {"a", 2, 0}}, true, 4, 0, 1, 2_000_000_000 - 3},
		{"largest accepted sequence", []in{{"a", maxSeq - 1, 0}}, false, 1, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracker()
			for _, a := range tt.adds {
				tr.add(eventKey{group: 1}, []byte(a.dev), a.seq, a.part)
			}
			if tr.events != tt.events || tr.duplicates != tt.dups || tr.outOfOrder != tt.ooo || tr.missing(tt.fromZero) != tt.missing {
				t.Fatalf("events %d dups %d ooo %d missing %d; want %d %d %d %d",
					tr.events, tr.duplicates, tr.outOfOrder, tr.missing(tt.fromZero), tt.events, tt.dups, tt.ooo, tt.missing)
			}
		})
	}
}
