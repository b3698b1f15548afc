package local

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteStatusTableBrokers(t *testing.T) {
	one := KafkaStatus{Bootstrap: "127.0.0.1:9092", PID: 11, Running: true, Healthy: true, Log: "/h/logs/kafka.log",
		ReplicationFactor: 1, MinInsyncReplicas: 1,
		Brokers: []BrokerStatus{{NodeID: 1, Address: "127.0.0.1:9092", Port: 9092, PID: 11, Running: true, Registered: true, Leaders: []string{"in/0"}}}}
	three := KafkaStatus{Bootstrap: "127.0.0.1:9092,127.0.0.1:9102,127.0.0.1:9112", PID: 11, Running: true,
		ReplicationFactor: 3, MinInsyncReplicas: 2, Brokers: []BrokerStatus{
			{NodeID: 1, Address: "127.0.0.1:9092", Port: 9092, ControllerPort: 9093, MetricsPort: 9404, PID: 11, Running: true, Registered: true, Leaders: []string{"in/0", "out/1"}},
			{NodeID: 2, Address: "127.0.0.1:9102", Port: 9102, ControllerPort: 9103, MetricsPort: 9414, PID: 12, Running: true, Registered: true, ActiveController: true, Leaders: []string{}},
			{NodeID: 3, Address: "127.0.0.1:9112", Port: 9112, ControllerPort: 9113, MetricsPort: 9424, Leaders: []string{}, Log: "/h/logs/kafka-3.log"},
		}}
	tests := []struct {
		name      string
		kafka     KafkaStatus
		want, not []string
	}{
		{"one broker keeps its one row", one, []string{"kafka  ", "127.0.0.1:9092", "/h/logs/kafka.log"}, []string{"NODE", "kafka-1"}},
		{"three brokers, a row each and their leaderships", three, []string{
			"kafka-1", "kafka-3", "stopped", "/h/logs/kafka-3.log",
			"Kafka: 3 brokers, topics created with replication factor 3, min.insync.replicas 2",
			"9092/9093/9404", "9112/9113/9424", "broker+controller (active)", "2: in/0 out/1",
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := (Status{Home: "/h", Kafka: tt.kafka}).WriteText(&b); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("missing %q in:\n%s", w, b.String())
				}
			}
			for _, n := range tt.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("unexpected %q in:\n%s", n, b.String())
				}
			}
		})
	}
}
