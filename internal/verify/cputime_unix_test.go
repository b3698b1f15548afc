//go:build unix

package verify

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used, every thread (the collector's too): on a
// machine shared with other work, CPU per operation says what wall time per operation cannot.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
