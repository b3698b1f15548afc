//go:build unix

package bench

import (
	"io/fs"
	"syscall"
)

// diskBytes is the disk a file takes, its blocks as du counts them (a broker's preallocated,
// sparse index files take less than their size).
func diskBytes(info fs.FileInfo) int64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return int64(st.Blocks) * 512
	}
	return info.Size()
}
