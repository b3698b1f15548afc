package bench

import (
	"testing"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// TestNewTargetCheckpointDir: a bench's relay checkpoints to the cluster's directory unless
// --checkpoint-dir was given or the bench keeps the local default (clusterCheckpoints false).
func TestNewTargetCheckpointDir(t *testing.T) {
	c := pipeline.NewConnection(func(string) string { return "" })
	c.Flink = func() (*flink.Client, error) { return flink.New("http://127.0.0.1:1") }
	k := kafkaconn.Conn{Brokers: []string{"k:9092"}}
	for _, tc := range []struct {
		name               string
		given              bool
		clusterCheckpoints bool
		want               string
	}{
		{name: "cluster's directory", clusterCheckpoints: true, want: ""},
		{name: "--checkpoint-dir given", given: true, clusterCheckpoints: true, want: "file:///cp"},
		{name: "compare keeps it", want: "file:///cp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := relay.DefaultOptions(t.TempDir())
			o.CheckpointDir = "file:///cp"
			o.Given = func(flag string) bool { return tc.given && flag == "checkpoint-dir" }
			got, err := NewTarget(c, o, k, nil, 3, tc.clusterCheckpoints)
			if err != nil {
				t.Fatal(err)
			}
			if got.Job.CheckpointDir != tc.want || got.Job.InTopic != "in" || got.Job.Parallelism != 3 || got.Flink == nil || got.Java != "" {
				t.Errorf("target %+v", got)
			}
		})
	}
}
