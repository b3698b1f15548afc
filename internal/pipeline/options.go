package pipeline

import (
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
)

// TargetOptions say where a run happens: --target, whether the connection names a Kafka or
// Flink of the user's own, the local stack's settings, and how to reach the Kafka and Flink
// the connection resolves to.
type TargetOptions struct {
	// Name is --target: TargetLocal, TargetCluster, TargetAzure or "" (chosen by External).
	Name string
	// External says the user named a Kafka or Flink of their own.
	External bool
	// Local is the local stack's configuration; SlotsSet and TaskManagersSet say the user
	// chose its slots or TaskManagers.
	Local                     local.Config
	SlotsSet, TaskManagersSet bool
	// MetricsURLs are the brokers' metrics endpoints for the hub table.
	MetricsURLs []string
	// Kafka and FlinkURL resolve the cluster's connection (a cluster target only).
	Kafka    func() (kafkaconn.Conn, error)
	FlinkURL func() (string, error)
	// LocalFlinkHome is the local stack's home when the Flink is its (only the Kafka is
	// elsewhere); "" otherwise.
	LocalFlinkHome string
}

// Target is the target o chooses (SelectTarget): the local stack, unless the connection names
// a Kafka or Flink of the user's own. A refused --target is a *Refusal.
func (o TargetOptions) Target() (Target, error) {
	name, err := SelectTarget(o.Name, o.External)
	if err != nil {
		return nil, &Refusal{err}
	}
	if name == TargetLocal {
		return &Local{Config: o.Local, SlotsSet: o.SlotsSet, TaskManagersSet: o.TaskManagersSet, MetricsURLs: o.MetricsURLs}, nil
	}
	conn, err := o.Kafka()
	if err != nil {
		return nil, err
	}
	u, err := o.FlinkURL()
	if err != nil {
		return nil, err
	}
	return &Cluster{Kafka: conn, FlinkURL: u, MetricsURLs: o.MetricsURLs, LocalFlinkHome: o.LocalFlinkHome}, nil
}
