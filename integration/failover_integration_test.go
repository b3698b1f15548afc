//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/local"
)

// TestIntegrationBenchFailover runs `bench failover --kills 1` on a stack the benchmark starts
// itself (tuned: one standby TaskManager): a TaskManager running the relay's tasks is killed
// with kill -9 under load, the output recovers, and the verifier finds nothing missing. The
// stall's size is a benchmark figure (docs/benchmarks.md), not asserted here.
func TestIntegrationBenchFailover(t *testing.T) {
	c := newCLI(t)
	ports, err := local.FreePorts(5)
	if err != nil {
		t.Fatal(err)
	}
	flinkMetrics, err := freePortRange(3, ports) // the JobManager's, the TaskManager's and the standby's
	if err != nil {
		t.Fatal(err)
	}
	flags := []string{
		"--kafka-port", strconv.Itoa(ports[0]), "--controller-port", strconv.Itoa(ports[1]),
		"--flink-rest-port", strconv.Itoa(ports[2]), "--flink-rpc-port", strconv.Itoa(ports[3]),
		"--metrics-port", strconv.Itoa(ports[4]), "--flink-metrics-port", strconv.Itoa(flinkMetrics),
	}
	pids := map[int]bool{}
	t.Cleanup(func() {
		c.run(context.Background(), "local", "down")
		for pid := range pids {
			if alive(pid) {
				t.Errorf("process %d alive after `local down`", pid)
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "failover.json")
	args := append([]string{"bench", "failover", "--kills", "1", "--rate", "3000", "--duration", "12s", "--kill-after", "4s", "--drain-timeout", "60s",
		"--json-file", out, "--job-jar", filepath.Join(buildDir(t), "jobs", "relay-job.jar")}, flags...)
	stdout, stderr, code := c.run(ctx, args...)
	// Every process the stack had, the killed TaskManager's replacement included, for the
	// cleanup's check.
	st, _, _ := c.run(ctx, "local", "status", "--json")
	var status stackStatus
	if err := json.Unmarshal([]byte(st), &status); err == nil {
		for _, pid := range append([]int{status.Kafka.PID, status.Flink.JobManagerPID}, status.Flink.TaskManagerPIDs...) {
			pids[pid] = pid > 0
		}
	}
	t.Logf("bench failover:\n%s\n%s", stdout, stderr)
	if code != 0 {
		t.Fatalf("bench failover exited %d", code)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res bench.FailoverResult
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Kills) != 1 {
		t.Fatalf("%d kills in the result, want 1", len(res.Kills))
	}
	k := res.Kills[0]
	switch {
	case k.PID <= 0 || k.Subtasks < 1:
		t.Fatalf("killed pid %d running %d subtasks: the kill missed the job", k.PID, k.Subtasks)
	case alive(k.PID):
		t.Fatalf("TaskManager %d is still alive", k.PID)
	case k.Events < 12*3000 || k.Missing != 0:
		t.Fatalf("%d events out, %d missing: want all 36000 out", k.Events, k.Missing)
	case !k.Stall.Recovered || k.Stall.Ms <= 0:
		t.Fatalf("stall %+v: the output did not come back after the kill", k.Stall)
	case res.Settings.StandbyTaskManagers != 1 || res.Flink["heartbeat.rpc-failure-threshold"] != "1":
		t.Fatalf("settings %+v, Flink %v: want the tuned stack", res.Settings, res.Flink)
	}
	if len(status.Flink.TaskManagerPIDs) != 2 {
		t.Fatalf("after the benchmark the stack runs TaskManagers %v, want the killed one back beside the standby", status.Flink.TaskManagerPIDs)
	}
}
