package pipeline

import "testing"

// TestTopicFlagsPartitions: --partitions wins over the tier's; a tier or a count out of range
// is refused; the dead-letter topic defaults to <in-topic>-dead-letter.
func TestTopicFlagsPartitions(t *testing.T) {
	tests := []struct {
		tier, partitions int
		want             int32
		wantErr          bool
	}{
		{1, 0, 2, false}, {5, 0, 4, false}, {10, 0, 8, false}, {1, 12, 12, false}, {3, 0, 0, true}, {1, -1, 0, true},
	}
	for _, tt := range tests {
		tf := DefaultTopicOptions()
		tf.Tier, tf.Partitions = tt.tier, tt.partitions
		got, err := tf.PartitionCount()
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("tier %d partitions %d = %d, %v", tt.tier, tt.partitions, got, err)
		}
	}
	tf := DefaultTopicOptions()
	if tf.Relay().DeadLetter != "in-dead-letter" {
		t.Errorf("dead-letter default = %q", tf.Relay().DeadLetter)
	}
}
