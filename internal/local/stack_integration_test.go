//go:build integration

package local

import (
	"context"
	"path/filepath"
	"runtime"
	"slices"
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
	c.TaskManagers, c.Slots = 2, 1
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
	if !st.Healthy() || st.Flink.TaskManagersRegistered != 2 || st.Flink.SlotsTotal != 2 || len(st.Flink.TaskManagerPIDs) != 2 {
		t.Fatalf("after Up: %+v", st)
	}
	pids = append(pids, st.Kafka.PID, st.Flink.JobManagerPID)
	pids = append(pids, st.Flink.TaskManagerPIDs...)

	// A second Up starts nothing new.
	st2, err := s.Up(ctx, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	if st2.Kafka.PID != st.Kafka.PID || st2.Flink.JobManagerPID != st.Flink.JobManagerPID || !slices.Equal(st2.Flink.TaskManagerPIDs, st.Flink.TaskManagerPIDs) {
		t.Fatalf("second Up restarted processes: before %+v after %+v", st, st2)
	}

	// Kill a TaskManager: the stack is not healthy while it is gone, and Up starts a new one.
	kill := func(pid int) {
		t.Helper()
		start, ok := processStart(pid)
		if !ok {
			t.Fatalf("TaskManager %d: no start time in /proc", pid)
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if !waitGone(ctx, func() bool { return processGone(pid, start) }, 10*time.Second) {
			t.Fatalf("killed TaskManager %d still alive", pid)
		}
	}
	killed := st.Flink.TaskManagerPIDs[1]
	kill(killed)
	if down, err := s.Status(ctx); err != nil || down.Healthy() {
		t.Fatalf("status with one of two TaskManagers dead: healthy=%v (%v), want unhealthy", down.Healthy(), err)
	}
	st3, err := s.Up(ctx, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	if len(st3.Flink.TaskManagerPIDs) != 2 || slices.Contains(st3.Flink.TaskManagerPIDs, killed) || st3.Kafka.PID != st.Kafka.PID {
		t.Fatalf("Up after a TaskManager crash: %+v", st3)
	}
	pids = append(pids, st3.Flink.TaskManagerPIDs...)

	// A TaskManager beyond what --taskmanagers now asks for dies: Up with 1 is healthy with
	// the one left, and does not take the dead one for a failed start.
	kill(st3.Flink.TaskManagerPIDs[1])
	c1 := c
	c1.TaskManagers = 1
	s1, err := New(c1, nil)
	if err != nil {
		t.Fatal(err)
	}
	st4, err := s1.Up(ctx, testWriter{t})
	if err != nil {
		t.Fatalf("Up with fewer TaskManagers after a surplus one died: %v", err)
	}
	if len(st4.Flink.TaskManagerPIDs) != 1 || st4.Flink.TaskManagerPIDs[0] != st3.Flink.TaskManagerPIDs[0] {
		t.Fatalf("Up with --taskmanagers 1: %+v", st4)
	}

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
