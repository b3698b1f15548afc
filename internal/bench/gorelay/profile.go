package gorelay

import (
	"os"
	"runtime/pprof"
)

// StartCPUProfile starts Go's CPU profiler writing to path and returns what stops it and
// closes the file.
func StartCPUProfile(path string) (stop func(), err error) {
	file, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(file); err != nil {
		file.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		_ = file.Close()
	}, nil
}
