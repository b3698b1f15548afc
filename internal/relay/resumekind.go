package relay

import (
	"context"
	"fmt"
	"io"

	"github.com/streamscale/streamscale/internal/flink"
)

// ResumeKind is NewestKind, saying on progress when it is the complex job (the relay being
// what one would expect).
func ResumeKind(ctx context.Context, fc *flink.Client, in, out string, src ResumeSources, progress io.Writer) (Job, error) {
	k, err := NewestKind(ctx, fc, in, out, src)
	if err == nil && k == JobComplex {
		fmt.Fprintln(progress, "the newest savepoint or checkpoint for these topics is the complex job's: resuming it (--job relay picks the relay)")
	}
	return k, err
}
