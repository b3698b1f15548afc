package kafkaconn

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"
)

// EndOffsets returns the next offset to be written in every partition of topic (the "high
// watermark"), which marks the end of a window.
func EndOffsets(ctx context.Context, adm *kadm.Client, topic string) (map[int32]int64, error) {
	lo, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("list end offsets of %q: %w", topic, err)
	}
	if err := lo.Error(); err != nil {
		return nil, fmt.Errorf("list end offsets of %q: %w", topic, err)
	}
	out := map[int32]int64{}
	lo.Each(func(o kadm.ListedOffset) {
		if o.Topic == topic {
			out[o.Partition] = o.Offset
		}
	})
	if len(out) == 0 {
		return nil, fmt.Errorf("topic %q not found: create it first (streamscale run does)", topic)
	}
	return out, nil
}
