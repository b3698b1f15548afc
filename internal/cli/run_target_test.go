package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/pipeline"
)

func TestSelectTarget(t *testing.T) {
	for _, tt := range []struct {
		name     string
		external bool
		want     string
		err      string
	}{
		{"", false, targetLocal, ""},
		{"", true, targetCluster, ""},
		{"local", false, targetLocal, ""},
		{"local", true, "", "--target local runs on the local stack"},
		{"cluster", true, targetCluster, ""},
		{"cluster", false, "", "--target cluster needs the cluster"},
		{"azure", false, "", "use `streamscale azure run --resource-group RG`"},
		{"azure", true, "", "use `streamscale azure run --resource-group RG`"},
		{"aks", false, "", `--target "aks": use local or cluster`},
	} {
		got, err := selectTarget(tt.name, tt.external)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("selectTarget(%q, %v) = %q, %v; want %q, error with %q", tt.name, tt.external, got, err, tt.want, tt.err)
		}
	}
}

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
