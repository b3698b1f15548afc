package hubmetrics

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"
)

// WithGroupOffsets adds outgoing messages to another source's snapshots: per topic, the sum of
// every consumer group's committed offsets, so that a delta is the records consumers read and
// committed in the interval (the relay commits on each checkpoint, so its figures move in steps
// of the checkpoint interval). Consumers without a group (the verifier, peek) are not counted.
type WithGroupOffsets struct {
	Source
	Admin *kadm.Client
}

// Snapshot implements Source.
func (w WithGroupOffsets) Snapshot(ctx context.Context) (Snapshot, error) {
	snap, err := w.Source.Snapshot(ctx)
	if err != nil {
		return snap, err
	}
	read, err := committedPerTopic(ctx, w.Admin)
	if err != nil {
		return snap, fmt.Errorf("consumer group offsets: %w", err)
	}
	for topic, n := range read {
		c := snap.Topics[topic]
		c.MessagesOut = float64(n)
		snap.Topics[topic] = c
	}
	return snap, nil
}

func committedPerTopic(ctx context.Context, adm *kadm.Client) (map[string]int64, error) {
	groups, err := adm.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	if len(groups) == 0 {
		return out, nil
	}
	for _, resp := range adm.FetchManyOffsets(ctx, groups.Groups()...) {
		if resp.Err != nil {
			continue // a group being deleted or rebalancing; the next sample catches up
		}
		resp.Fetched.Each(func(o kadm.OffsetResponse) {
			if o.Err == nil && o.At >= 0 {
				out[o.Topic] += o.At
			}
		})
	}
	return out, nil
}
