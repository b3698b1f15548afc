package relay

import (
	"context"
	"testing"
)

// TestDefaultSavepointDirLocal: on the local stack's Flink the savepoint goes to the home's
// directory as a file URI, without asking the cluster.
func TestDefaultSavepointDirLocal(t *testing.T) {
	got, err := DefaultSavepointDir(context.Background(), nil, "/h/flink/savepoints")
	if err != nil || got != "file:///h/flink/savepoints" {
		t.Errorf("DefaultSavepointDir = %q, %v", got, err)
	}
}
