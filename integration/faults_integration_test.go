//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/runlog"
	"github.com/streamscale/streamscale/internal/verify"
)

// faultStack is a local stack that the CLI started, on free ports in a home of its own, so
// that a test can kill its processes and bring them back with `local up` as a user would.
type faultStack struct {
	t     *testing.T
	c     *cli
	flags []string // the port and jar flags every command of this stack takes
	// bootstrap and rest are the broker's and Flink's addresses.
	bootstrap, rest string
	// pids holds every process this stack has had, with its start time (procStart), for the
	// cleanup's check.
	pids map[int]string
}

// stackStatus is what `local status --json` prints.
type stackStatus struct {
	Kafka struct {
		Bootstrap string `json:"bootstrap"`
		PID       int    `json:"pid"`
		Healthy   bool   `json:"healthy"`
	} `json:"kafka"`
	Flink struct {
		REST            string `json:"rest"`
		JobManagerPID   int    `json:"jobmanagerPid"`
		TaskManagerPIDs []int  `json:"taskmanagerPids"`
		Healthy         bool   `json:"healthy"`
	} `json:"flink"`
}

// startFaultStack runs `local up` and registers a cleanup that runs `local down` and fails
// the test if any process the stack ever had is still alive.
func startFaultStack(t *testing.T) *faultStack {
	t.Helper()
	c := newCLI(t)
	ports, err := local.FreePorts(5)
	if err != nil {
		t.Fatal(err)
	}
	flinkMetrics, err := freePortRange(2, ports) // the JobManager's and the TaskManager's
	if err != nil {
		t.Fatal(err)
	}
	s := &faultStack{t: t, c: c, pids: map[int]string{}, flags: []string{
		"--kafka-port", strconv.Itoa(ports[0]), "--controller-port", strconv.Itoa(ports[1]),
		"--flink-rest-port", strconv.Itoa(ports[2]), "--flink-rpc-port", strconv.Itoa(ports[3]),
		"--metrics-port", strconv.Itoa(ports[4]), "--flink-metrics-port", strconv.Itoa(flinkMetrics),
	}}
	t.Cleanup(s.down)
	s.up(context.Background())
	return s
}

// down runs `local down` and fails the test if any process the stack ever had is still alive.
func (s *faultStack) down() {
	if _, errOut, code := s.c.run(context.Background(), "local", "down"); code != 0 {
		s.t.Errorf("local down exited %d:\n%s", code, errOut)
	}
	s.checkGone()
}

// track records pid and its start time for the cleanup's check (0: none).
func (s *faultStack) track(pid int) {
	if _, ok := s.pids[pid]; ok || pid <= 0 {
		return
	}
	if start, ok := procStart(pid); ok {
		s.pids[pid] = start
	}
}

// checkGone fails the test for each tracked process that has not exited entirely, and kills
// it: only the very process tracked (same pid and start time), never one that got its pid
// since.
func (s *faultStack) checkGone() {
	for pid, start := range s.pids {
		if stillRuns(pid, start) {
			s.t.Errorf("process %d alive after `local down`", pid)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// up runs `local up` (which starts whatever part is not running) and records the pids.
func (s *faultStack) up(ctx context.Context) stackStatus {
	s.t.Helper()
	args := append([]string{"local", "up", "--taskmanagers", "1", "--slots", "2"}, s.flags...)
	if _, errOut, code := s.c.run(ctx, args...); code != 0 {
		s.t.Fatalf("local up exited %d:\n%s", code, errOut)
	}
	st := s.status(ctx)
	s.bootstrap, s.rest = st.Kafka.Bootstrap, st.Flink.REST
	return st
}

// status runs `local status --json`.
func (s *faultStack) status(ctx context.Context) stackStatus {
	s.t.Helper()
	out, errOut, _ := s.c.run(ctx, "local", "status", "--json")
	var st stackStatus
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		s.t.Fatalf("local status --json: %v\n%s\n%s", err, out, errOut)
	}
	for _, pid := range append([]int{st.Kafka.PID, st.Flink.JobManagerPID}, st.Flink.TaskManagerPIDs...) {
		s.track(pid)
	}
	return st
}

// jobFlags are the flags that put the relay of this test on its own topics with the jar
// under test.
func (s *faultStack) jobFlags(in, out string) []string {
	return []string{"--in-topic", in, "--out-topic", out, "--job-jar", filepath.Join(buildDir(s.t), "jobs", "relay-job.jar")}
}

// background is a CLI command running while the test acts on the stack.
type background struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan error
}

// start runs the CLI with args without waiting for it.
func (s *faultStack) start(ctx context.Context, args ...string) *background {
	s.t.Helper()
	b := &background{done: make(chan error, 1)}
	b.cmd = exec.CommandContext(ctx, s.c.bin, args...)
	b.cmd.Env = s.c.env
	b.cmd.Stdout, b.cmd.Stderr = &b.stdout, &b.stderr
	if err := b.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	go func() { b.done <- b.cmd.Wait() }()
	return b
}

// wait returns the command's output and exit code once it has ended.
func (b *background) wait(t *testing.T) (string, string, int) {
	t.Helper()
	err := <-b.done
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return b.stdout.String(), b.stderr.String(), exit.ExitCode()
	case err != nil:
		t.Fatalf("%v: %v", b.cmd.Args, err)
	}
	return b.stdout.String(), b.stderr.String(), 0
}

// waitForRecords waits until topic holds at least n records, so that a fault lands in the
// middle of the load; it fails the test if the background command ends first.
func (s *faultStack) waitForRecords(ctx context.Context, b *background, topic string, n int64) {
	s.t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(s.bootstrap, ",")...))
	if err != nil {
		s.t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if ends, err := adm.ListEndOffsets(ctx, topic); err == nil {
			var sum int64
			ends.Each(func(o kadm.ListedOffset) { sum += o.Offset })
			if sum >= n {
				return
			}
		}
		select {
		case err := <-b.done:
			b.done <- err
			s.t.Fatalf("%v ended before %q held %d records: %v\nstdout:\n%s\nstderr:\n%s", b.cmd.Args, topic, n, err, b.stdout.String(), b.stderr.String())
		case <-ctx.Done():
			s.t.Fatalf("%q did not reach %d records: %v", topic, n, ctx.Err())
		case <-tick.C:
		}
	}
}

// kill sends SIGKILL to pid, as a crash would.
func (s *faultStack) kill(pid int) {
	s.t.Helper()
	if pid <= 0 {
		s.t.Fatalf("no pid to kill")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		s.t.Fatalf("kill -9 %d: %v", pid, err)
	}
	// The signal is delivered at once, but the process holds its listening sockets until it
	// has exited: `local up` right after would find the broker's port still taken (CI saw
	// it once). Wait until the pid is gone or a zombie (which holds no sockets).
	deadline := time.Now().Add(30 * time.Second)
	for !exited(pid) {
		if time.Now().After(deadline) {
			s.t.Fatalf("pid %d still running 30 s after kill -9", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// exited reports whether pid no longer runs: no such process, or a zombie whose threads have
// all exited. A JVM's main thread turns zombie as soon as it is killed while its other threads
// are still tearing down, holding the open files (and listening sockets) they share.
func exited(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// The state follows the command name, which is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || i+2 >= len(stat) || (stat[i+2] != 'Z' && stat[i+2] != 'X') {
		return i < 0 || i+2 >= len(stat)
	}
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	return err != nil || len(tasks) <= 1
}

// procStart returns pid's start time (field 22 of /proc/<pid>/stat, clock ticks after boot),
// which tells a process from a later one given the same pid.
func procStart(pid int) (string, bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", false
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return "", false
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 20 {
		return "", false
	}
	return f[19], true
}

// stillRuns reports whether the process that started at start with pid has not exited
// entirely: it has a thread left (a JVM's main thread turns zombie, and its command line empty,
// while its other threads still hold its ports and memory). A pid now held by another process
// does not count.
func stillRuns(pid int, start string) bool {
	now, ok := procStart(pid)
	return ok && now == start && !exited(pid)
}

// runResult parses `run --json`: the run record with the verifier's result.
func runResult(t *testing.T, stdout, stderr string) (runlog.Run, verify.Result) {
	t.Helper()
	var rec runlog.Run
	var res verify.Result
	if err := json.Unmarshal([]byte(stdout), &rec); err != nil {
		t.Fatalf("run --json printed no run record: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	if err := json.Unmarshal(rec.Verified, &res); err != nil {
		t.Fatalf("run record without a verification: %v\n%s", err, stdout)
	}
	return rec, res
}

// numRestarts is how often the job restarted, by every sign Flink's REST API gives: its
// numRestarts metric (which the JobManager's metric store may not have fetched yet), the
// failures in its exception history, and whether it ever entered RESTARTING.
func numRestarts(ctx context.Context, t *testing.T, rest, jobID string) int64 {
	t.Helper()
	base := strings.TrimRight(rest, "/") + "/jobs/" + jobID
	var ms []struct {
		ID    string `json:"id"`
		Value string `json:"value"`
	}
	getJSON(ctx, t, base+"/metrics?get=numRestarts", &ms)
	var n int64
	if len(ms) == 1 {
		v, err := strconv.ParseInt(ms[0].Value, 10, 64)
		if err != nil {
			t.Fatalf("numRestarts of %s = %q", jobID, ms[0].Value)
		}
		n = v
	}
	var ex struct {
		History struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"exceptionHistory"`
	}
	getJSON(ctx, t, base+"/exceptions", &ex)
	n = max(n, int64(len(ex.History.Entries)))
	var details struct {
		Timestamps map[string]int64 `json:"timestamps"`
	}
	getJSON(ctx, t, base, &details)
	if details.Timestamps["RESTARTING"] > 0 {
		n = max(n, 1)
	}
	return n
}

// getJSON decodes a GET of url into out, failing the test on any error.
func getJSON(ctx context.Context, t *testing.T, url string, out any) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// faultRun is a `run` of 3,000 events/s during which a fault is injected once a third of the
// load is in the input topic.
type faultRun struct {
	guarantee string
	// inject acts on the stack mid-load.
	inject func(ctx context.Context, s *faultStack, in, out string)
	// wantRestart says the fault must have restarted the job (a lost TaskManager does; a
	// stop-and-resume starts a new job instead).
	wantRestart bool
	// after, if set, inspects the verified run further (the broker fault tests measure there).
	after func(ctx context.Context, t *testing.T, s *faultStack, rec runlog.Run, res verify.Result, in, out string)
}

const (
	faultRate     = 3000
	faultDuration = 30 * time.Second
)

// do runs it on its own topics and checks the verification: nothing missing, and under
// exactly-once no duplicate either.
func (f faultRun) do(ctx context.Context, t *testing.T, s *faultStack, name string) {
	in, out := name+"-in", name+"-out"
	args := append([]string{"run", "--json", "--rate", strconv.Itoa(faultRate), "--duration", faultDuration.String(),
		"--guarantee", f.guarantee, "--duplicate-fraction", "0"}, s.jobFlags(in, out)...)
	args = append(args, s.flags...)
	b := s.start(ctx, args...)
	s.waitForRecords(ctx, b, in, faultRate*int64(faultDuration/time.Second)/3)
	f.inject(ctx, s, in, out)
	stdout, stderr, code := b.wait(t)
	t.Logf("run stderr:\n%s", stderr)
	rec, res := runResult(t, stdout, stderr)
	t.Cleanup(func() {
		s.c.run(context.Background(), append([]string{"job", "cancel"}, s.jobFlags(in, out)[:4]...)...)
	})

	sent := faultRate * int64(faultDuration/time.Second)
	if res.InputEvents != sent || res.Missing != 0 || res.Unexpected != 0 {
		t.Fatalf("%s: %d input events (want %d), %d missing, %d unexpected: want every event out\n%s", name, res.InputEvents, sent, res.Missing, res.Unexpected, stderr)
	}
	if f.guarantee == "exactly-once" && res.Duplicates != 0 {
		t.Fatalf("%s: %d pipeline duplicates under exactly-once, want 0", name, res.Duplicates)
	}
	if code != 0 {
		t.Fatalf("%s: run exited %d\nstdout:\n%s\nstderr:\n%s", name, code, stdout, stderr)
	}
	if f.wantRestart {
		if n := numRestarts(ctx, t, s.rest, rec.JobID); n < 1 {
			t.Fatalf("%s: job %s has %d restarts: the fault did not reach it", name, rec.JobID, n)
		}
	}
	t.Logf("%s: %d events, 0 missing, %d pipeline duplicates, pipeline p99 %.1f ms", name, res.InputEvents, res.Duplicates, res.LatencyMs.Pipeline.P99)
	if f.after != nil {
		f.after(ctx, t, s, rec, res, in, out)
	}
}

// TestIntegrationFaultTaskManagerKill kills the TaskManager JVM (kill -9) while the
// generator sends 3,000 events/s, brings a new one with `local up`, and verifies: the job
// recovered from its checkpoint with 0 events missing; under exactly-once 0 duplicates too.
func TestIntegrationFaultTaskManagerKill(t *testing.T) {
	s := startFaultStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	killTM := func(ctx context.Context, s *faultStack, _, _ string) {
		st := s.status(ctx)
		if len(st.Flink.TaskManagerPIDs) != 1 {
			s.t.Fatalf("want 1 TaskManager, status shows %v", st.Flink.TaskManagerPIDs)
		}
		s.kill(st.Flink.TaskManagerPIDs[0])
		s.up(ctx)
	}
	for _, g := range []string{"at-least-once", "exactly-once"} {
		t.Run(g, func(t *testing.T) {
			faultRun{guarantee: g, inject: killTM, wantRestart: true}.do(ctx, t, s, "tmkill-"+g)
		})
	}
}

// TestIntegrationFaultBrokerKill kills the Kafka broker (kill -9) mid-load and starts it
// again with `local up`: the generator retries, the job reconnects, nothing is missing.
func TestIntegrationFaultBrokerKill(t *testing.T) {
	s := startFaultStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	killBroker := func(ctx context.Context, s *faultStack, _, _ string) {
		s.kill(s.status(ctx).Kafka.PID)
		s.up(ctx)
	}
	faultRun{guarantee: "at-least-once", inject: killBroker}.do(ctx, t, s, "brokerkill")
}

// TestIntegrationFaultSavepointResume stops the relay with a savepoint mid-load (`job stop`)
// and resumes it from there (`job resume`): under exactly-once nothing is missing and
// nothing duplicated.
func TestIntegrationFaultSavepointResume(t *testing.T) {
	s := startFaultStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	stopResume := func(ctx context.Context, s *faultStack, in, out string) {
		jf := s.jobFlags(in, out)
		stdout, stderr, code := s.c.run(ctx, append([]string{"job", "stop"}, jf[:4]...)...)
		if code != 0 || !strings.Contains(stdout+stderr, "savepoint") {
			s.t.Fatalf("job stop exited %d, want a savepoint path:\n%s\n%s", code, stdout, stderr)
		}
		s.t.Logf("job stop: %s", strings.TrimSpace(stdout))
		resume := append([]string{"job", "resume", "--guarantee", "exactly-once"}, jf...)
		if stdout, stderr, code := s.c.run(ctx, resume...); code != 0 {
			s.t.Fatalf("job resume exited %d:\n%s\n%s", code, stdout, stderr)
		}
	}
	faultRun{guarantee: "exactly-once", inject: stopResume}.do(ctx, t, s, "savepoint")
}
