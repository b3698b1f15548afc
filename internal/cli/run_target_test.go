package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/pipeline"
)

// TestRunTargetFlag: --target and the connection flags pick the pipeline target; run --target
// azure stops with the command to use before anything starts.
func TestRunTargetFlag(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string // "local", "cluster" or the error
	}{
		{nil, "local"},
		{[]string{"--target", "local"}, "local"},
		{[]string{"--brokers", "k:9092"}, "cluster"},
		{[]string{"--target", "cluster", "--brokers", "k:9092", "--flink-url", "http://f:8081"}, "cluster"},
		{[]string{"--target", "local", "--brokers", "k:9092"}, "--target local runs on the local stack"},
		{[]string{"--target", "azure", "--tier", "10"}, "streamscale azure run"},
	} {
		f, _, _ := testFactory()
		var got *runOptions
		cmd := newRunCmd(f, func(_ context.Context, o *runOptions) error { got = o; return nil })
		if err := execute(cmd, tt.args...); err != nil {
			t.Fatal(err)
		}
		target, err := got.target()
		var name string
		switch target.(type) {
		case *pipeline.Local:
			name = "local"
		case *pipeline.Cluster:
			name = "cluster"
		}
		if err != nil {
			name = err.Error()
		}
		if !strings.Contains(name, tt.want) {
			t.Errorf("%v: target %s, want %s", tt.args, name, tt.want)
		}
	}
	// The command itself refuses azure first, as a flag error.
	f, _, _ := testFactory()
	err := execute(newRunCmd(f, nil), "--target", "azure", "--resource-group", "RG")
	if err == nil || !strings.Contains(err.Error(), "streamscale azure run") {
		t.Errorf("run --target azure: %v", err)
	}
}
