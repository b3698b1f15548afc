package bench

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on every Linux
// architecture Go supports.
const clockTicks = 100

// ProcSample is a process's CPU time so far and its resident memory, from /proc.
type ProcSample struct {
	CPUSeconds float64
	RSSBytes   int64
}

// readProc samples pid; a process that is gone or unreadable is an error.
func readProc(pid int) (ProcSample, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ProcSample{}, fmt.Errorf("cpu of pid %d: %w", pid, err)
	}
	cpu, err := parseStatCPU(stat)
	if err != nil {
		return ProcSample{}, fmt.Errorf("cpu of pid %d: %w", pid, err)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ProcSample{}, fmt.Errorf("memory of pid %d: %w", pid, err)
	}
	return ProcSample{CPUSeconds: cpu, RSSBytes: parseVmRSS(status)}, nil
}

// parseStatCPU returns utime+stime in seconds from a /proc/<pid>/stat line. The command name
// (field 2) may hold spaces, so fields are counted after its closing parenthesis.
func parseStatCPU(stat []byte) (float64, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("unexpected stat %q", stat)
	}
	f := strings.Fields(string(stat[i+1:]))
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected stat %q", stat)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected stat %q", stat)
	}
	return float64(ut+st) / clockTicks, nil
}

// parseVmRSS returns VmRSS in bytes from /proc/<pid>/status (0 when absent).
func parseVmRSS(status []byte) int64 {
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// procGroup samples a set of processes together.
type procGroup []int

// sample sums the CPU of the group's processes and their RSS; processes that cannot be read
// count as zero (they may have exited).
func (g procGroup) sample() ProcSample {
	var s ProcSample
	for _, pid := range g {
		p, err := readProc(pid)
		if err != nil {
			continue
		}
		s.CPUSeconds += p.CPUSeconds
		s.RSSBytes += p.RSSBytes
	}
	return s
}
