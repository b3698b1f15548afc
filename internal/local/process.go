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
//
// Once signalled, the process is waited for until it is gone (see processGone), not just until
// processAlive turns false: a dying JVM's command line reads empty as soon as the thread that
// tears down its memory has let go of it, hundreds of milliseconds (more on a loaded machine)
// before its last thread exits and frees its ports and memory. Its start time, read before the
// first signal, keeps a pid reused meanwhile from being waited for or killed.
func stopProcess(ctx context.Context, pid int, marker string, timeout time.Duration) error {
	if !processAlive(pid, marker) {
		return nil
	}
	start, byStart := processStart(pid)
	gone := func() bool {
		if byStart {
			return processGone(pid, start)
		}
		return !processAlive(pid, marker) // no /proc (macOS): the command line is all there is
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	if waitGone(ctx, gone, timeout) {
		return nil
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	if waitGone(ctx, gone, 10*time.Second) {
		return nil
	}
	return fmt.Errorf("process %d did not exit after SIGKILL", pid)
}

func waitGone(ctx context.Context, gone func() bool, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if gone() {
			return true
		}
		select {
		case <-ctx.Done():
			return gone()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return gone()
}

// procStat returns the fields of /proc/<pid>/stat after the parenthesised command name (which
// may hold spaces): the state first, the start time at index 19.
func procStat(pid int) ([]string, bool) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil, false
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return nil, false
	}
	return strings.Fields(string(stat[i+1:])), true
}

// processStart returns pid's start time (clock ticks after boot), which tells a process from
// a later one given the same pid; false without /proc or when pid does not exist.
func processStart(pid int) (uint64, bool) {
	f, ok := procStat(pid)
	if !ok || len(f) < 20 {
		return 0, false
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	return start, err == nil
}

// processGone reports whether the process that started at start with pid has exited
// entirely: no such pid (or another process under it), or a zombie whose threads are all gone.
// A JVM's main thread turns zombie, and its command line empty, while its other threads still
// hold its open files (listening sockets) and memory.
func processGone(pid int, start uint64) bool {
	f, ok := procStat(pid)
	if !ok || len(f) < 20 || f[19] != strconv.FormatUint(start, 10) {
		return true
	}
	if f[0] != "Z" && f[0] != "X" {
		return false
	}
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	return err != nil || len(tasks) <= 1
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
