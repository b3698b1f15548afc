//go:build !unix

package bench

import "io/fs"

// diskBytes is a file's size where the system gives no block count.
func diskBytes(info fs.FileInfo) int64 { return info.Size() }
