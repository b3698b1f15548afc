package relay

import (
	"context"

	"github.com/streamscale/streamscale/internal/flink"
)

// Cancel cancels job id, else the relay or complex job for the topics in and out that runs or
// is starting (kind, when not "", says which; ForTopics), and returns the id cancelled.
func Cancel(ctx context.Context, fc *flink.Client, in, out, kind, id string) (string, error) {
	if id == "" {
		found, _, err := ForTopics(ctx, fc, in, out, kind)
		if err != nil {
			return "", err
		}
		id = found.ID
	}
	return id, fc.Cancel(ctx, id)
}
