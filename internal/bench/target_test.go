package bench

import (
	"errors"
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
	c.Kafka = func() (kafkaconn.Conn, error) { return kafkaconn.Conn{Brokers: []string{"k:9092"}}, nil }
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
			got, err := NewTarget(c, o, nil, 3, tc.clusterCheckpoints)
			if err != nil {
				t.Fatal(err)
			}
			if got.Job.CheckpointDir != tc.want || got.Job.InTopic != "in" || got.Job.Parallelism != 3 || got.Conn.Brokers[0] != "k:9092" || got.Flink == nil || got.Java != "" {
				t.Errorf("target %+v", got)
			}
		})
	}
}

// TestNewTargetRefusesBadOptions: job options that cannot run are refused before Flink is asked.
func TestNewTargetRefusesBadOptions(t *testing.T) {
	c := pipeline.NewConnection(func(string) string { return "" })
	c.Kafka = func() (kafkaconn.Conn, error) { return kafkaconn.Conn{Brokers: []string{"k:9092"}}, nil }
	asked := false
	c.Flink = func() (*flink.Client, error) { asked = true; return flink.New("http://127.0.0.1:1") }
	o := relay.DefaultOptions(t.TempDir())
	o.Guarantee = "twice"
	_, err := NewTarget(c, o, nil, 2, true)
	var refusal *pipeline.Refusal
	if !errors.As(err, &refusal) || asked {
		t.Fatalf("err = %v (Flink asked: %v), want a refusal before Flink", err, asked)
	}
}
