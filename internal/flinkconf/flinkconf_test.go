package flinkconf

import (
	"strings"
	"testing"
	"time"
)

func TestNewSharedSettings(t *testing.T) {
	tests := []struct {
		name string
		s    Session
		want map[string]string
	}{
		{"local standalone sizes", Session{JobManagerMemoryMB: 1024, TaskManagerMemoryMB: 1536, Slots: 2, MetricsPort: "9249"},
			map[string]string{"jobmanager.memory.process.size": "1024m", "taskmanager.memory.process.size": "1536m",
				"taskmanager.numberOfTaskSlots": "2", "metrics.reporter.prom.port": "9249"}},
		{"the sample's YARN session", Session{JobManagerMemoryMB: 1024, TaskManagerMemoryMB: 4096, Slots: 1, MetricsPort: "9249-9270"},
			map[string]string{"jobmanager.memory.process.size": "1024m", "taskmanager.memory.process.size": "4096m",
				"taskmanager.numberOfTaskSlots": "1", "metrics.reporter.prom.port": "9249-9270"}},
	}
	// Flink 2.2's option names and values (ConfigOptions in flink-core 2.2.1).
	shared := map[string]string{
		"jobmanager.execution.failover-strategy":                    "region",
		"restart-strategy.type":                                     "exponential-delay",
		"restart-strategy.exponential-delay.initial-backoff":        "1s",
		"restart-strategy.exponential-delay.max-backoff":            "30s",
		"execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
		"metrics.reporter.prom.factory.class":                       "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := New(tt.s)
			for _, want := range []map[string]string{tt.want, shared} {
				for k, v := range want {
					if got[k] != v {
						t.Errorf("%s = %q, want %q", k, got[k], v)
					}
				}
			}
			if len(got) != len(tt.want)+len(shared) {
				t.Errorf("%d keys, want %d: %v", len(got), len(tt.want)+len(shared), got)
			}
		})
	}
}

func TestYAML(t *testing.T) {
	tests := []struct {
		name   string
		c      Config
		writer string
		want   string
	}{
		{"sorted under the writer's header", Config{"b.key": "2", "a.key": Quote("/x:y")}, "local up",
			"# Written by streamscale local up; changes are overwritten on the next start.\na.key: '/x:y'\nb.key: 2\n"},
		{"empty", Config{}, "yarn session start",
			"# Written by streamscale yarn session start; changes are overwritten on the next start.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.YAML(tt.writer); got != tt.want {
				t.Errorf("YAML() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{"/a b": "'/a b'", "it's": "'it''s'", "file:///x#y": "'file:///x#y'"} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestJavaModuleFlagsAreACopy(t *testing.T) {
	a := JavaModuleFlags()
	a[0] = "changed"
	if b := JavaModuleFlags(); b[0] == "changed" || !strings.HasPrefix(b[0], "--add-") {
		t.Fatalf("JavaModuleFlags()[0] = %q: a caller's change leaked", b[0])
	}
}

func TestDetection(t *testing.T) {
	tests := []struct {
		name    string
		d       Detection
		want    map[string]string // nil: no heartbeat keys at all
		wantErr string
	}{
		{"zero leaves Flink's defaults", Detection{}, nil, ""},
		{"loopback", LoopbackDetection(), map[string]string{"heartbeat.interval": "1s", "heartbeat.timeout": "10s", "heartbeat.rpc-failure-threshold": "1"}, ""},
		{"sub-second in ms, detection by RPC off", Detection{Interval: 500 * time.Millisecond, Timeout: 5 * time.Second, RPCFailureThreshold: -1},
			map[string]string{"heartbeat.interval": "500ms", "heartbeat.timeout": "5s", "heartbeat.rpc-failure-threshold": "-1"}, ""},
		{"timeout not above interval", Detection{Interval: 2 * time.Second, Timeout: 2 * time.Second, RPCFailureThreshold: 2}, nil, "must exceed the interval"},
		{"no interval", Detection{Timeout: 2 * time.Second, RPCFailureThreshold: 2}, nil, "must both be positive"},
		{"threshold zero", Detection{Interval: time.Second, Timeout: 2 * time.Second}, nil, "rpc-failure-threshold 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.d.Validate()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Validate() = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := New(Session{Slots: 1, Detection: tt.d})
			for _, k := range []string{"heartbeat.interval", "heartbeat.timeout", "heartbeat.rpc-failure-threshold"} {
				v, ok := got[k]
				if tt.want == nil && ok {
					t.Errorf("%s = %q, want Flink's default (no key)", k, v)
				}
				if tt.want != nil && v != tt.want[k] {
					t.Errorf("%s = %q, want %q", k, v, tt.want[k])
				}
			}
		})
	}
}
