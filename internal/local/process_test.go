package local

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestProcessLifecycle(t *testing.T) {
	dir := t.TempDir()
	marker := homeMarker(dir)
	// sh -c puts the marker in argv ($0), as the JVMs carry it as a system property.
	pid, err := startDetached([]string{"/bin/sh", "-c", "sleep 60; exit 0", marker}, os.Environ(), dir, filepath.Join(dir, "out"), marker)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killGroup(pid) })
	if !processAlive(pid, marker) {
		t.Fatal("started process is not reported alive")
	}
	if processAlive(pid, homeMarker(filepath.Join(dir, "other"))) {
		t.Fatal("a process without the marker must not count as ours")
	}
	if processAlive(pid, homeMarker(dir[:len(dir)-1])) {
		t.Fatal("the marker of a home whose path is a prefix of ours must not match")
	}
	if err := stopProcess(context.Background(), pid, marker, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if processAlive(pid, marker) {
		t.Fatal("process alive after stopProcess")
	}
}

func TestStopProcessEscalatesToKill(t *testing.T) {
	// Once the shell says its trap is in place, SIGTERM is ignored: only the escalation to
	// SIGKILL can stop it.
	pid, marker := startTrappedShell(t, "trap '' TERM")
	if err := stopProcess(context.Background(), pid, marker, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if processAlive(pid, marker) {
		t.Fatal("process ignoring SIGTERM survived")
	}
}

func TestCheckPortFree(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	err = checkPortFree(port, "the Kafka broker", "--kafka-port")
	if err == nil || !strings.Contains(err.Error(), "--kafka-port") || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("checkPortFree on a taken port = %v, want an error naming --kafka-port", err)
	}
	ports, err := FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ports {
		if err := checkPortFree(p, "x", "--x"); err != nil {
			t.Fatalf("FreePorts returned a taken port: %v", err)
		}
	}
}

func TestTailFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "log")
	if err := os.WriteFile(p, []byte("a\nb\nc\nd\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := tailFile(p, 2); got != "c\nd" {
		t.Fatalf("tailFile = %q, want the last two lines", got)
	}
	if got := tailFile(filepath.Join(t.TempDir(), "missing"), 2); got != "" {
		t.Fatalf("tailFile of a missing file = %q, want empty", got)
	}
}

// TestStartDetachedReturnsOnceExeced starts short-lived shells back to back: each must count
// as ours the moment startDetached returns (CI once saw /proc still showing the parent's
// command line while exec was finishing).
func TestStartDetachedReturnsOnceExeced(t *testing.T) {
	dir := t.TempDir()
	marker := homeMarker(dir)
	for i := 0; i < 40; i++ {
		pid, err := startDetached([]string{"/bin/sh", "-c", "sleep 5; exit 0", marker}, os.Environ(), dir, filepath.Join(dir, "out"), marker)
		if err != nil {
			t.Fatal(err)
		}
		alive := processAlive(pid, marker)
		killGroup(pid)
		if !alive {
			t.Fatalf("start %d: pid %d not reported alive right after startDetached", i, pid)
		}
	}
}

// killGroup kills the session a test's shell leads (startDetached makes each child a session
// leader), so that the shell's own children (sleep) do not outlive the test.
func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }

func TestCloseInheritedOnExec(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc")
	}
	// A descriptor as flock(1) hands one down: open without close-on-exec.
	fd, err := syscall.Open(filepath.Join(t.TempDir(), "lock"), syscall.O_CREAT|syscall.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	flags := func() uintptr {
		r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0)
		if errno != 0 {
			t.Fatal(errno)
		}
		return r
	}
	if flags()&syscall.FD_CLOEXEC != 0 {
		t.Fatal("the test descriptor is close-on-exec from the start")
	}
	closeInheritedOnExec()
	if flags()&syscall.FD_CLOEXEC == 0 {
		t.Fatal("an inherited descriptor would reach the stack's JVMs")
	}
}

// TestStopProcessWaitsUntilGone stops a process whose command line loses the marker on
// SIGTERM while the process lives on under the same pid (the shell's trap execs sleep), as a
// dying JVM's command line reads empty while its last thread still frees its memory and ports:
// stopProcess must not return until the process is gone (here through SIGKILL after the stop
// timeout). The old wait, on processAlive, returned at once, leaving it running. Cost: ~1 s.
func TestStopProcessWaitsUntilGone(t *testing.T) {
	pid, marker := startTrappedShell(t, "trap 'exec sleep 60' TERM")
	start, ok := processStart(pid)
	if !ok {
		t.Skip("no /proc: processes are told apart by their command line only")
	}
	if err := stopProcess(context.Background(), pid, marker, time.Second); err != nil {
		t.Fatal(err)
	}
	if !processGone(pid, start) {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		t.Fatalf("pid %d still runs after stopProcess returned (command line %q)", pid, bytes.ReplaceAll(b, []byte{0}, []byte{' '}))
	}
}

func TestProcessGone(t *testing.T) {
	start, ok := processStart(os.Getpid())
	if !ok {
		t.Skip("no /proc")
	}
	for _, c := range []struct {
		name  string
		pid   int
		start uint64
		want  bool
	}{
		{"this running process", os.Getpid(), start, false},
		{"another process under this pid (start time differs)", os.Getpid(), start + 1, true},
		{"no such pid", 1 << 30, start, true},
	} {
		if got := processGone(c.pid, c.start); got != c.want {
			t.Errorf("%s: processGone = %v, want %v", c.name, got, c.want)
		}
	}
}

// startTrappedShell starts a detached shell carrying a home marker that installs trap, and
// returns once the shell says the trap is in place.
func startTrappedShell(t *testing.T, trap string) (int, string) {
	t.Helper()
	dir := t.TempDir()
	marker := homeMarker(dir)
	out := filepath.Join(dir, "out")
	pid, err := startDetached([]string{"/bin/sh", "-c", trap + "; echo trapped; while :; do sleep 0.1; done", marker}, os.Environ(), dir, out, marker)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killGroup(pid) })
	deadline := time.Now().Add(5 * time.Second)
	for b, _ := os.ReadFile(out); !strings.Contains(string(b), "trapped"); b, _ = os.ReadFile(out) {
		if time.Now().After(deadline) {
			t.Fatalf("the shell did not install its trap within 5 s: %q", b)
		}
		time.Sleep(time.Millisecond)
	}
	return pid, marker
}
