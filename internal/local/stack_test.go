package local

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testConfig(t *testing.T) Config {
	t.Helper()
	c := DefaultConfig()
	c.Home = t.TempDir()
	c.RuntimeDir = t.TempDir()
	for _, name := range []string{"kafka", "flink"} {
		if err := os.MkdirAll(filepath.Join(c.RuntimeDir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(c.RuntimeDir, name, "x.jar"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Six free ports, drawn again while the ports derived from them (brokers 2 and 3 at +10 and
	// +20, a metrics port per TaskManager) would collide with another for a three-broker stack
	// with a few TaskManagers: tests raise those counts, and a collision is a usage error.
	drawPorts(t, 6, func(ports []int) error {
		c.KafkaPort, c.ControllerPort, c.FlinkRESTPort, c.FlinkRPCPort, c.MetricsPort = ports[0], ports[1], ports[2], ports[3], ports[4]
		// Not the default 9249, which another stack on the machine may hold.
		c.FlinkMetricsPort = ports[5]
		wide := c
		wide.KafkaBrokers, wide.TaskManagers, wide.StandbyTaskManagers = 3, 4, 2
		return validPorts(wide.flagPorts())
	})
	return c
}

// drawPorts draws n free ports and hands them to use, again while use says they collide with
// a port derived from them or given before (FreePorts releases what it found, so a second
// draw may return one of the first); the test fails after 20 draws.
func drawPorts(t *testing.T, n int, use func([]int) error) {
	t.Helper()
	for try := 0; ; try++ {
		ports, err := FreePorts(n)
		if err != nil {
			t.Fatal(err)
		}
		err = use(ports)
		if err == nil {
			return
		}
		if try == 20 {
			t.Fatalf("no %d free ports without collisions after 20 draws: %v", n, err)
		}
	}
}

func TestUpFailsOnMissingRuntime(t *testing.T) {
	c := testConfig(t)
	c.RuntimeDir = filepath.Join(t.TempDir(), "nothing")
	s, err := New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Up(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "make build") {
		t.Fatalf("Up without runtime jars = %v, want a hint to run make build", err)
	}
}

func TestUpFailsOnPortInUse(t *testing.T) {
	c := testConfig(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c.FlinkRESTPort = ln.Addr().(*net.TCPAddr).Port
	s, err := New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Up(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "--flink-rest-port") {
		t.Fatalf("Up with the REST port taken = %v, want an error naming --flink-rest-port", err)
	}
	st, _ := loadState(layout{home: s.cfg.Home})
	if st != nil && (st.Kafka != nil || st.JobManager != nil) {
		t.Fatalf("a failed Up recorded running processes: %+v", st)
	}
}

func TestStateFromAnotherVersion(t *testing.T) {
	c := testConfig(t)
	if err := os.WriteFile(filepath.Join(c.Home, "stack.json"), []byte(`{"version": 99}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Status(context.Background())
	if err == nil || !strings.Contains(err.Error(), "another streamscale version") || !strings.Contains(err.Error(), "--purge") {
		t.Fatalf("Status on a foreign state dir = %v, want a version error naming the fix", err)
	}
}

func TestStatusWithoutStack(t *testing.T) {
	c := testConfig(t)
	s, err := New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Running() || st.Healthy() {
		t.Fatalf("empty home reported running: %+v", st)
	}
	if err := s.Down(context.Background(), false, nil); err != nil {
		t.Fatalf("Down on an empty home = %v, want nil", err)
	}
}

// TestUpFailsClearlyWhenKafkaCannotStart points Up at runtime directories whose jars are
// empty: the broker's storage tool cannot start, and Up must say so with the JVM's own
// message and leave nothing recorded as running.
func TestUpFailsClearlyWhenKafkaCannotStart(t *testing.T) {
	if _, _, err := FindJava(""); err != nil {
		t.Fatalf("this test needs a JDK 17+: %v", err)
	}
	c := testConfig(t)
	s, err := New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Up(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "format Kafka storage") || !strings.Contains(err.Error(), "kafka.tools.StorageTool") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Up with empty jars = %v, want the storage tool's failure on one line", err)
	}
	st, err := s.Status(context.Background())
	if err != nil || st.Running() {
		t.Fatalf("after a failed Up: %+v, %v; want nothing running", st, err)
	}
}

// TestPurgeStopsUnrecordedProcesses: down --purge on a home whose state file it cannot read
// (another version's) stops the processes that carry the home's marker before deleting it,
// instead of orphaning them with their ports.
func TestPurgeStopsUnrecordedProcesses(t *testing.T) {
	c := testConfig(t)
	if err := os.WriteFile(filepath.Join(c.Home, "stack.json"), []byte(`{"version": 99}`), 0o644); err != nil {
		t.Fatal(err)
	}
	marker := homeMarker(c.Home)
	out := filepath.Join(t.TempDir(), "out")
	pid, err := startDetached([]string{"/bin/sh", "-c", "sleep 60; exit 0", marker}, os.Environ(), t.TempDir(), out, marker)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killGroup(pid) })
	other, err := startDetached([]string{"/bin/sh", "-c", "sleep 60; exit 0", marker + "-other"}, os.Environ(), t.TempDir(), out, marker+"-other")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killGroup(other) })
	s, err := New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Down(context.Background(), true, nil); err != nil {
		t.Fatal(err)
	}
	if processAlive(pid, marker) {
		t.Fatal("a process of the purged home still runs")
	}
	if !processAlive(other, marker+"-other") {
		t.Fatal("a process of another home was stopped")
	}
	if _, err := os.Stat(c.Home); !os.IsNotExist(err) {
		t.Fatalf("home not removed: %v", err)
	}
}
