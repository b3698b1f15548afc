//go:build integration

package local

import (
	"context"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// repoBuildDir finds build/ at the repository root from this source file.
func repoBuildDir(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "build")
}

// TestIntegrationStackLifecycle starts the real stack (Kafka + Flink JVMs) on free ports,
// checks it is idempotent and restarts a killed TaskManager, then stops it and checks that no
// process it started is alive.
func TestIntegrationStackLifecycle(t *testing.T) {
	c := DefaultConfig()
	c.Home = t.TempDir()
	c.RuntimeDir = filepath.Join(repoBuildDir(t), "runtime")
	ports, err := FreePorts(5)
	if err != nil {
		t.Fatal(err)
	}
	c.KafkaPort, c.ControllerPort, c.FlinkRESTPort, c.FlinkRPCPort, c.MetricsPort = ports[0], ports[1], ports[2], ports[3], ports[4]
	c.TaskManagers, c.Slots = 1, 2
	s, err := New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	var pids []int
	t.Cleanup(func() {
		_ = s.Down(context.Background(), false, nil)
		for _, pid := range pids {
			if processAlive(pid, homeMarker(s.cfg.Home)) {
				t.Errorf("process %d still alive after Down", pid)
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})

	st, err := s.Up(ctx, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	if !st.Healthy() || st.Flink.TaskManagersRegistered != 1 || st.Flink.SlotsTotal != 2 {
		t.Fatalf("after Up: %+v", st)
	}
	pids = append(pids, st.Kafka.PID, st.Flink.JobManagerPID)
	pids = append(pids, st.Flink.TaskManagerPIDs...)

	// A second Up starts nothing new.
	st2, err := s.Up(ctx, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	if st2.Kafka.PID != st.Kafka.PID || st2.Flink.JobManagerPID != st.Flink.JobManagerPID || st2.Flink.TaskManagerPIDs[0] != st.Flink.TaskManagerPIDs[0] {
		t.Fatalf("second Up restarted processes: before %+v after %+v", st, st2)
	}

	// Kill the TaskManager: Up starts a new one and the cluster is healthy again.
	killed := st.Flink.TaskManagerPIDs[0]
	if err := syscall.Kill(killed, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if !waitExit(ctx, killed, homeMarker(s.cfg.Home), 10*time.Second) {
		t.Fatal("killed TaskManager still alive")
	}
	st3, err := s.Up(ctx, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	if len(st3.Flink.TaskManagerPIDs) != 1 || st3.Flink.TaskManagerPIDs[0] == killed || st3.Kafka.PID != st.Kafka.PID {
		t.Fatalf("Up after a TaskManager crash: %+v", st3)
	}
	pids = append(pids, st3.Flink.TaskManagerPIDs...)

	if err := s.Down(ctx, false, testWriter{t}); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if processAlive(pid, homeMarker(s.cfg.Home)) {
			t.Errorf("process %d alive after Down", pid)
		}
	}
	after, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Running() {
		t.Fatalf("status after Down reports running: %+v", after)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}
