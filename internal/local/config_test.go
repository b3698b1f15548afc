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
		{"flink metrics on a taken port", func(c *Config) { c.FlinkMetricsPort = c.KafkaPort }, "flink-metrics-port: port 9092"},
		{"a taskmanager's metrics port taken", func(c *Config) { c.TaskManagers = 3; c.FlinkMetricsPort = c.FlinkRESTPort - 2 }, "flink-metrics-port: port 8081"},
		{"metrics ports past 65535", func(c *Config) { c.TaskManagers = 2; c.FlinkMetricsPort = 65534 }, "flink-metrics-port: 65536"},
		{"no taskmanagers", func(c *Config) { c.TaskManagers = 0 }, "taskmanagers"},
		{"a standby's metrics port taken", func(c *Config) { c.StandbyTaskManagers = 2; c.FlinkMetricsPort = c.FlinkRESTPort - 3 }, "flink-metrics-port: port 8081"},
		{"negative standbys", func(c *Config) { c.StandbyTaskManagers = -1 }, "standby-taskmanagers: -1"},
		{"not given", func(c *Config) { c.KafkaBrokers = 0 }, ""},
		{"one", func(c *Config) { c.KafkaBrokers = 1 }, ""},
		{"three", func(c *Config) { c.KafkaBrokers = 3 }, ""},
		{"two", func(c *Config) { c.KafkaBrokers = 2 }, "kafka-brokers: 2 is not supported: use 1 (the default) or 3"},
		{"four", func(c *Config) { c.KafkaBrokers = 4 }, "kafka-brokers: 4 is not supported"},
		{"negative", func(c *Config) { c.KafkaBrokers = -1 }, "kafka-brokers: -1 is not supported"},
		{"a second broker's port on the controller's", func(c *Config) { c.KafkaBrokers = 3; c.ControllerPort = c.KafkaPort + BrokerPortStride },
			"kafka-port of broker 2 (+10): port 9102 is also given to controller-port"},
		{"the same ports are fine with one broker", func(c *Config) { c.KafkaBrokers = 1; c.ControllerPort = c.KafkaPort + BrokerPortStride }, ""},
		{"a third broker's port past 65535", func(c *Config) { c.KafkaBrokers = 3; c.MetricsPort = 65530 }, "metrics-port of broker 2 (+10): 65540 is not a TCP port"},
		{"too many with the standbys", func(c *Config) { c.TaskManagers, c.StandbyTaskManagers = 10, 7 }, "standby-taskmanagers: 7 is out of range 0-6"},
		{"standbys on yarn", func(c *Config) { c.FlinkOn, c.StandbyTaskManagers = FlinkOnYarn, 1 }, "standalone Flink only"},
		{"heartbeat timeout below interval", func(c *Config) { c.Detection.Timeout = c.Detection.Interval }, "detection: heartbeat timeout"},
		{"no slots", func(c *Config) { c.Slots = 0 }, "slots"},
		{"small kafka heap", func(c *Config) { c.KafkaHeapMB = 64 }, "kafka-heap"},
		{"small jobmanager", func(c *Config) { c.JobManagerMemoryMB = 512 }, "jobmanager-memory"},
		{"small taskmanager", func(c *Config) { c.TaskManagerMemoryMB = 512 }, "taskmanager-memory"},
		{"unknown flink host", func(c *Config) { c.FlinkOn = "k8s" }, `flink-on: "k8s"`},
		{"yarn defaults", func(c *Config) { c.FlinkOn = FlinkOnYarn }, ""},
		{"yarn port taken by kafka", func(c *Config) { c.FlinkOn = FlinkOnYarn; c.Yarn.RMWebPort = c.KafkaPort }, "yarn-rm-web-port: port 9092"},
		{"yarn ports unchecked when standalone", func(c *Config) { c.Yarn.RMWebPort = c.KafkaPort }, ""},
		{"yarn node too small", func(c *Config) { c.FlinkOn = FlinkOnYarn; c.Yarn.NMMemoryMB = 2048 }, "raise --yarn-nm-memory-mb to at least 2560"},
		{"yarn node for two taskmanagers", func(c *Config) { c.FlinkOn = FlinkOnYarn; c.TaskManagers = 2; c.Yarn.NMMemoryMB = 4000 }, "at least 4096"},
		{"yarn node just big enough", func(c *Config) { c.FlinkOn = FlinkOnYarn; c.TaskManagers = 2; c.Yarn.NMMemoryMB = 4096 }, ""},
		{"yarn small heap", func(c *Config) { c.FlinkOn = FlinkOnYarn; c.Yarn.NMHeapMB = 64 }, "yarn-rm-heap-mb/yarn-nm-heap-mb"},
		{"yarn no vcores", func(c *Config) { c.FlinkOn = FlinkOnYarn; c.Yarn.NMVcores = 0 }, "yarn-nm-vcores"},
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
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("Validate() = %q: want one line", err)
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

func TestFlinkMetricsURLs(t *testing.T) {
	c := DefaultConfig()
	c.TaskManagers, c.FlinkMetricsPort = 2, 19249
	got := strings.Join(c.FlinkMetricsURLs(), " ")
	want := "http://127.0.0.1:19249/metrics http://127.0.0.1:19250/metrics http://127.0.0.1:19251/metrics"
	if got != want {
		t.Fatalf("FlinkMetricsURLs() = %s, want %s", got, want)
	}
	c.TaskManagers, c.StandbyTaskManagers = 1, 1
	if got = strings.Join(c.FlinkMetricsURLs(), " "); got != want {
		t.Fatalf("FlinkMetricsURLs() with a standby = %s, want %s", got, want)
	}
	if p := taskManagerMetricsPort(c, 1); p != 19251 {
		t.Fatalf("TaskManager 1's port = %d", p)
	}
}
