package local

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Probe checks whether the broker and the Flink cluster answer. Tests of the stack logic can
// substitute their own; DefaultProbe talks to the real components.
type Probe interface {
	// Kafka asks the brokers at bootstrap (comma-separated) which brokers are registered, which
	// node is the active controller and which partitions each leads.
	Kafka(ctx context.Context, bootstrap string) (KafkaHealth, error)
	// Flink returns the cluster's registered TaskManagers and slots.
	Flink(ctx context.Context, restURL string) (FlinkHealth, error)
}

// FlinkHealth is the part of Flink's /overview that says whether jobs can run.
type FlinkHealth struct {
	TaskManagers   int
	SlotsTotal     int
	SlotsAvailable int
}

// DefaultProbe asks the broker with franz-go's admin client and Flink through its REST API.
type DefaultProbe struct{}

// Kafka implements Probe with KafkaCluster.
func (DefaultProbe) Kafka(ctx context.Context, bootstrap string) (KafkaHealth, error) {
	return KafkaCluster(ctx, bootstrap)
}

// Flink implements Probe. It reads only /overview, so the stack does not depend on the full
// REST client in package flink.
func (DefaultProbe) Flink(ctx context.Context, restURL string) (FlinkHealth, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, restURL+"/overview", nil)
	if err != nil {
		return FlinkHealth{}, fmt.Errorf("flink overview: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return FlinkHealth{}, fmt.Errorf("flink overview: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return FlinkHealth{}, fmt.Errorf("flink overview: HTTP %d", resp.StatusCode)
	}
	var ov struct {
		TaskManagers   int `json:"taskmanagers"`
		SlotsTotal     int `json:"slots-total"`
		SlotsAvailable int `json:"slots-available"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&ov); err != nil {
		return FlinkHealth{}, fmt.Errorf("flink overview: %w", err)
	}
	return FlinkHealth{TaskManagers: ov.TaskManagers, SlotsTotal: ov.SlotsTotal, SlotsAvailable: ov.SlotsAvailable}, nil
}
