package local

import (
	"strings"
	"testing"
)

func TestAddressesWriteText(t *testing.T) {
	base := Status{Home: "/h", Kafka: KafkaStatus{Bootstrap: "127.0.0.1:9092"},
		Flink: FlinkStatus{REST: "http://127.0.0.1:8081", TaskManagersRegistered: 2, SlotsTotal: 4}}
	withYarn := base
	withYarn.Yarn = &YarnStatus{ResourceManagerURL: "http://127.0.0.1:8088", Applications: []YarnApplication{{ID: "application_1_0001", State: "RUNNING", Containers: make([]YarnContainer, 2)}}}
	withMetrics := base
	withMetrics.Flink.JobManagerMetrics, withMetrics.Flink.TaskManagerMetrics = "http://127.0.0.1:9249/", []string{"http://127.0.0.1:9250/", "http://127.0.0.1:9251/"}
	for _, tc := range []struct {
		name      string
		s         Status
		want, not []string
	}{
		{"standalone", base, []string{"Kafka bootstrap   127.0.0.1:9092\n", "Flink REST / UI   http://127.0.0.1:8081\n", "TaskManagers      2 (4 slots)\n", "State directory   /h\n"},
			[]string{"YARN", "Flink metrics"}},
		{"on YARN", withYarn, []string{"YARN RM / UI      http://127.0.0.1:8088\n", "YARN application  application_1_0001 (RUNNING, 2 containers)\n"}, nil},
		{"with metrics", withMetrics, []string{"Flink metrics     http://127.0.0.1:9249/ (JobManager), http://127.0.0.1:9250/, http://127.0.0.1:9251/ (TaskManagers)\n"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			if err := Addresses(tc.s).WriteText(&b); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("missing %q in:\n%s", w, b.String())
				}
			}
			for _, n := range tc.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("unexpected %q in:\n%s", n, b.String())
				}
			}
		})
	}
}
