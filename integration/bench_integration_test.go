//go:build integration

package integration

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
)

// TestIntegrationBenchToolsRun runs both benchmarks small on the real stack: each must measure
// both sides (Kafka's own perf tools included), the relay bench must relay every record, and
// both must leave no topic and no running job behind. Their rates are for docs, not asserted.
func TestIntegrationBenchToolsRun(t *testing.T) {
	st := sharedStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	java, _, err := local.FindJava("")
	if err != nil {
		t.Fatal(err)
	}
	conn := kafkaconn.Conn{Brokers: []string{st.Kafka.Bootstrap}}
	classpath := filepath.Join(buildDir(t), "runtime", "kafka", "*")

	p, err := bench.Producer(ctx, bench.ProducerConfig{Conn: conn, Java: java, KafkaClasspath: classpath, Records: 20_000, Rounds: 1, Partitions: 1}, logWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Measurements) != 2 || p.Measurements[0].Records != 20_000 || p.Measurements[1].Records != 20_000 || p.Ratio <= 0 {
		t.Fatalf("bench producer = %+v, want both producers to send 20,000 records", p)
	}

	fc := sharedFlink(t, st)
	spec := relay.Spec{JarPath: filepath.Join(buildDir(t), "jobs", "relay-job.jar"), Brokers: st.Kafka.Bootstrap, CheckpointInterval: 2 * time.Second}
	r, err := bench.Relay(ctx, bench.RelayConfig{Conn: conn, Flink: fc, Job: spec, Java: java, KafkaClasspath: classpath, Records: 20_000, Partitions: 1}, logWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	if r.Records != 20_000 || r.Kafka.Records != 20_000 || r.Relay.RecordsPerSec <= 0 || r.Ratio <= 0 {
		t.Fatalf("bench relay = %+v, want 20,000 records read by the perf tool and relayed", r)
	}

	cl, err := conn.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	// Topic deletion reaches the broker's metadata asynchronously: wait up to 15 s for it.
	var left []string
	for deadline := time.Now().Add(15 * time.Second); ; {
		topics, err := kadm.NewClient(cl).ListTopics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		left = left[:0]
		for _, name := range topics.Names() {
			if strings.HasPrefix(name, "bench-") {
				left = append(left, name)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(left) > 0 {
		t.Errorf("benchmark topics left behind: %v", left)
	}
	jobs, err := fc.Jobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if strings.Contains(j.Name, "bench-relay") && j.State == flink.StateRunning {
			t.Errorf("benchmark job %s (%s) still running", j.ID, j.Name)
		}
	}
}
