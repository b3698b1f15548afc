package local

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr string
	}{
		{"defaults", func(*Config) {}, ""},
		{"no home", func(c *Config) { c.Home = "" }, "home"},
		{"port zero", func(c *Config) { c.KafkaPort = 0 }, "kafka-port: 0"},
		{"port too big", func(c *Config) { c.FlinkRESTPort = 70000 }, "flink-rest-port: 70000"},
		{"duplicate port", func(c *Config) { c.FlinkRPCPort = c.KafkaPort }, "also given to kafka-port"},
		{"no taskmanagers", func(c *Config) { c.TaskManagers = 0 }, "taskmanagers"},
		{"no slots", func(c *Config) { c.Slots = 0 }, "slots"},
		{"small kafka heap", func(c *Config) { c.KafkaHeapMB = 64 }, "kafka-heap"},
		{"small jobmanager", func(c *Config) { c.JobManagerMemoryMB = 512 }, "jobmanager-memory"},
		{"small taskmanager", func(c *Config) { c.TaskManagerMemoryMB = 512 }, "taskmanager-memory"},
		{"zero start timeout", func(c *Config) { c.StartTimeout = 0 }, "start-timeout"},
		{"negative stop timeout", func(c *Config) { c.StopTimeout = -time.Second }, "stop-timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.mutate(&c)
			err := c.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestDefaultHomeFromEnv(t *testing.T) {
	t.Setenv("STREAMSCALE_HOME", "/tmp/somewhere")
	if got := DefaultHome(); got != "/tmp/somewhere" {
		t.Fatalf("DefaultHome() = %q, want the STREAMSCALE_HOME value", got)
	}
}
