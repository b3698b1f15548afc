//go:build integration

package integration

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
)

// buildDir is the repository's build/ directory, where `make build` puts the runtime
// classpaths and the job jar.
func buildDir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	d := filepath.Join(filepath.Dir(file), "..", "build")
	if _, err := os.Stat(filepath.Join(d, "jobs", "relay-job.jar")); err != nil {
		t.Fatalf("%s has no relay-job.jar: run `make build` before the integration tests", d)
	}
	return d
}

// shared is one stack for the tests that only need a broker and a cluster, started on first
// use and stopped by TestMain, which fails the run if any of its processes survives.
var shared struct {
	once   sync.Once
	stack  *local.Stack
	status local.Status
	err    error
}

// sharedStack returns the package's shared stack, starting it on first use.
func sharedStack(t *testing.T) local.Status {
	t.Helper()
	shared.once.Do(func() {
		c, err := stackConfig(t)
		if err != nil {
			shared.err = err
			return
		}
		c.Home, err = os.MkdirTemp("", "streamscale-it-")
		if err != nil {
			shared.err = err
			return
		}
		shared.stack, shared.err = local.New(c, nil)
		if shared.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		shared.status, shared.err = shared.stack.Up(ctx, os.Stderr)
	})
	if shared.err != nil {
		t.Fatalf("shared stack: %v", shared.err)
	}
	return shared.status
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.stack != nil {
		st := shared.status
		if err := shared.stack.Down(context.Background(), false, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "stop shared stack:", err)
			code = 1
		}
		for _, pid := range append([]int{st.Kafka.PID, st.Flink.JobManagerPID}, st.Flink.TaskManagerPIDs...) {
			if pid > 0 && alive(pid) {
				fmt.Fprintf(os.Stderr, "process %d still alive after Down\n", pid)
				_ = syscall.Kill(pid, syscall.SIGKILL)
				code = 1
			}
		}
		os.RemoveAll(shared.stack.Config().Home)
	}
	os.Exit(code)
}

func stackConfig(t testing.TB) (local.Config, error) {
	c := local.DefaultConfig()
	c.RuntimeDir = filepath.Join(buildDir(t), "runtime")
	ports, err := local.FreePorts(5)
	if err != nil {
		return c, err
	}
	c.KafkaPort, c.ControllerPort, c.FlinkRESTPort, c.FlinkRPCPort, c.MetricsPort = ports[0], ports[1], ports[2], ports[3], ports[4]
	c.Slots = 4
	c.FlinkMetricsPort, err = freePortRange(c.TaskManagers+1, ports)
	return c, err
}

// freePortRange finds n consecutive free ports on 127.0.0.1 (Flink's metrics ports: the
// JobManager's, then one per TaskManager), none of them in taken.
func freePortRange(n int, taken []int) (int, error) {
	for range 50 {
		first, err := local.FreePorts(1)
		if err != nil {
			return 0, err
		}
		ok := true
		for p := first[0]; p < first[0]+n && ok; p++ {
			ok = p <= 65535 && !slices.Contains(taken, p) && portFree(p)
		}
		if ok {
			return first[0], nil
		}
	}
	return 0, fmt.Errorf("no %d consecutive free ports found", n)
}

func portFree(p int) bool {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
	if err != nil {
		return false
	}
	return ln.Close() == nil
}

// startStack starts a real local stack on free ports in a temp dir. Cleanup stops it and
// fails the test if any process it started is still alive.
func startStack(t *testing.T) (*local.Stack, local.Status) {
	t.Helper()
	return startStackWith(t, func(*local.Config) {})
}

// startStackWith is startStack with the configuration changed by adjust first.
func startStackWith(t *testing.T, adjust func(*local.Config)) (*local.Stack, local.Status) {
	t.Helper()
	c, err := stackConfig(t)
	if err != nil {
		t.Fatal(err)
	}
	c.Home = t.TempDir()
	adjust(&c)
	s, err := local.New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	st, err := s.Up(ctx, logWriter{t})
	pids := append([]int{st.Kafka.PID, st.Flink.JobManagerPID}, st.Flink.TaskManagerPIDs...)
	t.Cleanup(func() {
		if err := s.Down(context.Background(), false, logWriter{t}); err != nil {
			t.Errorf("stop stack: %v", err)
		}
		for _, pid := range pids {
			if pid > 0 && alive(pid) {
				t.Errorf("process %d still alive after Down", pid)
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, st
}

// alive reports whether pid runs and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	for i := len(b) - 1; i > 0; i-- {
		if b[i] == ')' {
			return i+2 < len(b) && b[i+2] != 'Z'
		}
	}
	return true
}

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(trimNL(p)))
	return len(p), nil
}

func trimNL(p []byte) []byte {
	for len(p) > 0 && p[len(p)-1] == '\n' {
		p = p[:len(p)-1]
	}
	return p
}

// sharedFlink is the shared stack's Flink REST client.
func sharedFlink(t *testing.T, st local.Status) *flink.Client {
	t.Helper()
	fc, err := flink.New(st.Flink.REST)
	if err != nil {
		t.Fatal(err)
	}
	return fc
}

// runningRelay is a relay job running between two topics of a real stack, with a producer
// client on the stack's broker.
type runningRelay struct {
	spec relay.Spec
	job  relay.Result
	fc   *flink.Client
	// producer has a 5 ms linger, as the generator's.
	producer *kgo.Client
}

// startRelay creates in, out (both LogAppendTime) and in-dead-letter with 2 partitions each on
// st's broker, makes sure the relay job runs between them (parallelism 2, a checkpoint every
// 2 s) and returns it with a producer client that cleanup closes.
func startRelay(ctx context.Context, t *testing.T, st local.Status, in, out string) runningRelay {
	t.Helper()
	producer, err := kgo.NewClient(kgo.SeedBrokers(st.Kafka.Bootstrap), kgo.ProducerLinger(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(producer.Close)
	dead := in + "-dead-letter"
	specs := []kafkaconn.TopicSpec{
		{Name: in, Partitions: 2, Configs: kafkaconn.LogAppendTime()},
		{Name: out, Partitions: 2, Configs: kafkaconn.LogAppendTime()},
		{Name: dead, Partitions: 1},
	}
	if _, err := kafkaconn.EnsureTopics(ctx, producer, specs); err != nil {
		t.Fatal(err)
	}
	r := runningRelay{fc: sharedFlink(t, st), producer: producer, spec: relay.Spec{
		JarPath: filepath.Join(buildDir(t), "jobs", "relay-job.jar"), Brokers: st.Kafka.Bootstrap,
		InTopic: in, OutTopic: out, DeadLetterTopic: dead, Parallelism: 2, CheckpointInterval: 2 * time.Second,
	}}
	if r.job, err = relay.Ensure(ctx, r.fc, r.spec, logWriter{t}); err != nil {
		t.Fatal(err)
	}
	return r
}
