package bench

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel stop cmd's process when this one dies, even by SIGKILL, so
// that a benchmark contender never outlives the benchmark.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
