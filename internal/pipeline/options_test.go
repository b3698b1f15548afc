package pipeline

import (
	"errors"
	"testing"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

func TestTargetOptionsTarget(t *testing.T) {
	kafka := func() (kafkaconn.Conn, error) { return kafkaconn.Conn{Brokers: []string{"k:9092"}}, nil }
	flinkURL := func() (string, error) { return "http://f:8081", nil }
	if tg, err := (TargetOptions{}).Target(); err != nil {
		t.Fatal(err)
	} else if _, ok := tg.(*Local); !ok {
		t.Errorf("no flags: target %T, want *Local", tg)
	}
	tg, err := TargetOptions{External: true, Kafka: kafka, FlinkURL: flinkURL, LocalFlinkHome: "/h"}.Target()
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := tg.(*Cluster); !ok || c.FlinkURL != "http://f:8081" || c.Kafka.Brokers[0] != "k:9092" || c.LocalFlinkHome != "/h" {
		t.Errorf("external: target %+v", tg)
	}
	var refusal *Refusal
	if _, err := (TargetOptions{Name: TargetLocal, External: true}).Target(); !errors.As(err, &refusal) {
		t.Errorf("--target local with an external Kafka: %v, want a *Refusal", err)
	}
}
