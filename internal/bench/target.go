package bench

import (
	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// Target is what a bench of the relay job runs against: the Kafka connection, the Flink
// client, the relay's spec and, for the benches that run them, Kafka's perf tools.
type Target struct {
	Conn                 kafkaconn.Conn
	Flink                *flink.Client
	Job                  relay.Spec
	Java, KafkaClasspath string
}

// NewTarget readies a bench of the relay job o asks for on partitions, over the Kafka and the
// Flink c points at (o checked on its own and against the Kafka: JobKafkaConn), with Kafka's
// perf tools when tools is not nil. With clusterCheckpoints and no --checkpoint-dir given the
// job checkpoints to the cluster's directory: the local default is per topic pair, and a
// bench makes its topics fresh in each run. The spec is checked against the connection, before
// a bench fills topics for a relay that cannot run. A refused setting is a *pipeline.Refusal or
// a *kafkaconn.UsageError.
func NewTarget(c *pipeline.Connection, o relay.Options, tools *Tools, partitions int32, clusterCheckpoints bool) (Target, error) {
	var t Target
	var err error
	if t.Conn, err = c.JobKafkaConn(o); err != nil {
		return t, err
	}
	if t.Flink, err = c.FlinkClient(); err != nil {
		return t, err
	}
	if tools != nil {
		if t.Java, t.KafkaClasspath, err = tools.Resolve(); err != nil {
			return t, err
		}
	}
	t.Job = c.JobSpec(o, t.Conn, pipeline.DefaultTopicOptions().Relay(), partitions)
	if clusterCheckpoints && (o.Given == nil || !o.Given("checkpoint-dir")) {
		t.Job.CheckpointDir = ""
	}
	return t, t.Job.CheckConnection()
}
