package local

import (
	"strings"
	"testing"
)

func TestKafkaProperties(t *testing.T) {
	c := DefaultConfig()
	c.KafkaPort, c.ControllerPort = 19092, 19093
	got := parseProps(kafkaProperties(c, 0, "/data/kafka"))
	want := map[string]string{
		"process.roles":                       "broker,controller",
		"listeners":                           "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093",
		"advertised.listeners":                "PLAINTEXT://127.0.0.1:19092",
		"controller.quorum.bootstrap.servers": "127.0.0.1:19093",
		"controller.listener.names":           "CONTROLLER",
		"log.dirs":                            "/data/kafka",
		"offsets.topic.replication.factor":    "1",
		"transaction.state.log.min.isr":       "1",
		"auto.create.topics.enable":           "false",
		// At least the relay's default transaction timeout (10 min).
		"transaction.max.timeout.ms": "900000",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	for k, v := range got {
		if strings.Contains(v, "0.0.0.0") {
			t.Errorf("%s = %q binds beyond loopback", k, v)
		}
	}
}

func TestFlinkConfigYAML(t *testing.T) {
	c := DefaultConfig()
	c.FlinkRESTPort, c.FlinkRPCPort, c.Slots, c.TaskManagerMemoryMB = 18081, 16123, 3, 2048
	got := parseYAMLFlat(flinkConfigYAML(c, layout{home: "/st it's"}))
	want := map[string]string{
		"rest.port":                       "18081",
		"rest.bind-address":               "127.0.0.1",
		"jobmanager.rpc.port":             "16123",
		"jobmanager.bind-host":            "127.0.0.1",
		"taskmanager.bind-host":           "127.0.0.1",
		"taskmanager.numberOfTaskSlots":   "3",
		"taskmanager.memory.process.size": "2048m",
		"execution.checkpointing.dir":     "'file:///st it''s/flink/checkpoints'",
		// Flink 2.2's names (ConfigOptions in flink-core 2.2.1; heartbeats are Durations).
		"execution.checkpointing.savepoint-dir":                     "'file:///st it''s/flink/savepoints'",
		"heartbeat.interval":                                        "1s",
		"heartbeat.timeout":                                         "10s",
		"heartbeat.rpc-failure-threshold":                           "1",
		"execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
		"metrics.reporter.prom.factory.class":                       "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
		"metrics.reporter.prom.port":                                "9249",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestParseBashJavaUtils(t *testing.T) {
	out := "some log line\nBASH_JAVA_UTILS_EXEC_RESULT:-Xmx100 -Xms100\nBASH_JAVA_UTILS_EXEC_RESULT:-D a=1b -D b=2\n"
	jvm, dyn, err := parseBashJavaUtils(out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(jvm, " ") != "-Xmx100 -Xms100" || strings.Join(dyn, " ") != "-D a=1b -D b=2" {
		t.Fatalf("got jvm=%q dynamic=%q", jvm, dyn)
	}
	if _, _, err := parseBashJavaUtils("Exception in thread main\n"); err == nil {
		t.Fatal("want an error when the result lines are missing")
	}
}

func TestParseJavaMajor(t *testing.T) {
	tests := []struct {
		out  string
		want int
	}{
		{`openjdk version "17.0.15" 2025-04-15`, 17},
		{`java version "1.8.0_392"`, 8},
		{`openjdk version "21" 2023-09-19`, 21},
		{`openjdk version "25.0.1" 2025-10-21 LTS`, 25},
	}
	for _, tt := range tests {
		got, err := parseJavaMajor(tt.out)
		if err != nil || got != tt.want {
			t.Errorf("parseJavaMajor(%q) = %d, %v; want %d", tt.out, got, err, tt.want)
		}
	}
	if _, err := parseJavaMajor("command not found"); err == nil {
		t.Error("want an error for output without a version")
	}
}

func TestNewClusterID(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		id, err := newClusterID()
		if err != nil {
			t.Fatal(err)
		}
		if len(id) != 22 || id[0] == '-' || strings.ContainsAny(id, "+/=") {
			t.Fatalf("cluster id %q is not a 22-character URL-safe Kafka Uuid", id)
		}
		if seen[id] {
			t.Fatalf("cluster id %q repeated", id)
		}
		seen[id] = true
	}
}

func parseProps(s string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			m[k] = v
		}
	}
	return m
}

func parseYAMLFlat(s string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok && !strings.HasPrefix(line, "#") {
			m[k] = v
		}
	}
	return m
}
