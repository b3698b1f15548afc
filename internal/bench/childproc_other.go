//go:build !linux

package bench

import "os/exec"

// dieWithParent is a no-op where the kernel offers no parent-death signal: the child is
// stopped by Stop, or by the terminal's Ctrl-C, which reaches its process group too.
func dieWithParent(*exec.Cmd) {}
