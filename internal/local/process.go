package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// homeMarker is the JVM system property that ties a process to its stack's home. A recorded
// pid counts as ours only while its command line carries the marker, so a pid reused by an
// unrelated process after a reboot is never signalled.
func homeMarker(home string) string { return "-Dstreamscale.home=" + home }

// startDetached starts argv in its own session (so Ctrl-C in the terminal that ran `up` does
// not reach the stack), with stdout and stderr appended to outPath. The child is reaped in the
// background so that it never lingers as a zombie while this process lives. It returns once
// the child's command line carries marker (or the child has died): the kernel lets the parent
// go on while exec is still replacing the child's memory, and until then /proc shows the
// parent's command line, so an immediate processAlive could call a healthy start dead.
func startDetached(argv []string, env []string, dir, outPath, marker string) (int, error) {
	out, err := os.OpenFile(outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", outPath, err)
	}
	defer out.Close()
	closeInheritedOnExec()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start %s: %w", argv[0], err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	pid := cmd.Process.Pid
	deadline := time.Now().Add(5 * time.Second)
	for !processAlive(pid, marker) && time.Now().Before(deadline) {
		select {
		case <-exited:
			return pid, nil // died at once; the caller's health check reports it with its log
		case <-time.After(time.Millisecond):
		}
	}
	return pid, nil
}

// closeInheritedOnExec marks every descriptor above stderr close-on-exec, so that a stack's
// JVMs, which outlive this process, do not inherit what it inherited: a lock file held by the
// command that ran streamscale (flock(1)) would otherwise stay locked for as long as the stack
// runs. Go's own descriptors are close-on-exec already; this only catches inherited ones.
func closeInheritedOnExec() {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return // no /proc: nothing to do portably
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}

// processAlive reports whether pid runs, is not a zombie, and carries marker in its command
// line.
func processAlive(pid int, marker string) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		// The state is the field after the parenthesised command name.
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return false
		}
		cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if err != nil {
			return false
		}
		// A whole argument, so that the marker of home /tmp/a does not match /tmp/ab's.
		for _, arg := range bytes.Split(cmdline, []byte{0}) {
			if string(arg) == marker {
				return true
			}
		}
		return false
	}
	// No /proc (macOS): ask ps for the command line (arguments separated by spaces).
	out, err := exec.Command("ps", "-p", strconv.Itoa(pid), "-o", "state=,command=").Output()
	if err != nil {
		return false
	}
	s := strings.TrimSpace(string(out))
	return !strings.HasPrefix(s, "Z") && slices.Contains(strings.Fields(s), marker)
}

// stopProcess sends SIGTERM to pid (only if it is still ours), waits up to timeout for it to
// exit, then sends SIGKILL and waits again. It returns an error only if the process survives.
func stopProcess(ctx context.Context, pid int, marker string, timeout time.Duration) error {
	if !processAlive(pid, marker) {
		return nil
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	if waitExit(ctx, pid, marker, timeout) {
		return nil
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	if waitExit(ctx, pid, marker, 10*time.Second) {
		return nil
	}
	return fmt.Errorf("process %d did not exit after SIGKILL", pid)
}

func waitExit(ctx context.Context, pid int, marker string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if !processAlive(pid, marker) {
			return true
		}
		select {
		case <-ctx.Done():
			return !processAlive(pid, marker)
		case <-time.After(100 * time.Millisecond):
		}
	}
	return !processAlive(pid, marker)
}

// tailFile returns the last n lines of path, for error messages about a process that died.
func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// processesWithMarker lists the processes whose command line carries marker as a whole
// argument (see processAlive), this process excluded.
func processesWithMarker(marker string) []int {
	var pids []int
	if entries, err := os.ReadDir("/proc"); err == nil {
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == os.Getpid() {
				continue
			}
			if processAlive(pid, marker) {
				pids = append(pids, pid)
			}
		}
		return pids
	}
	// No /proc (macOS): ps lists every process with its command line.
	out, err := exec.Command("ps", "-A", "-o", "pid=,command=").Output()
	if err != nil {
		return nil
	}
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 || !slices.Contains(fields[1:], marker) {
			continue
		}
		if pid, err := strconv.Atoi(fields[0]); err == nil && pid != os.Getpid() && processAlive(pid, marker) {
			pids = append(pids, pid)
		}
	}
	return pids
}
