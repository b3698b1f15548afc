package local

import (
	"fmt"
	"os"
	"syscall"
)

// lockHome takes an exclusive advisory lock on the home directory so that two `up` or `down`
// commands never act on one stack at once. The returned function releases it (idempotent).
func lockHome(l layout) (func(), error) {
	f, err := os.OpenFile(l.lockFile(), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", l.home, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("another streamscale command is starting or stopping the stack in %s: wait for it to finish", l.home)
	}
	released := false
	return func() {
		if !released {
			released = true
			_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
			f.Close()
		}
	}, nil
}
