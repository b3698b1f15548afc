package kafkaconn

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// EndOffsets returns the next offset to be written in every partition of topic (the "high
// watermark"), which marks the end of a window.
func EndOffsets(ctx context.Context, adm *kadm.Client, topic string) (map[int32]int64, error) {
	lo, err := adm.ListEndOffsets(ctx, topic)
	return perPartition(lo, err, topic, "end offsets")
}

// OffsetsAt returns, per partition of topic, the first offset whose record timestamp is at or
// after t (the end offset where no record is that late): with LogAppendTime, where the broker
// was at time t.
func OffsetsAt(ctx context.Context, adm *kadm.Client, topic string, t time.Time) (map[int32]int64, error) {
	lo, err := adm.ListOffsetsAfterMilli(ctx, t.UnixMilli(), topic)
	return perPartition(lo, err, topic, "offsets at "+t.UTC().Format(time.RFC3339))
}

func perPartition(lo kadm.ListedOffsets, err error, topic, what string) (map[int32]int64, error) {
	if err != nil {
		return nil, fmt.Errorf("list %s of %q: %w", what, topic, err)
	}
	if err := lo.Error(); err != nil {
		return nil, fmt.Errorf("list %s of %q: %w", what, topic, err)
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

// StableEnds is where each partition of topic ends for a reader of committed records: its
// last stable offset, before any open transaction (the high watermark of a topic without
// transactions).
func StableEnds(ctx context.Context, adm *kadm.Client, topic string) (map[int32]int64, error) {
	lo, err := adm.ListCommittedOffsets(ctx, topic)
	return perPartition(lo, err, topic, "last stable offsets")
}

// Span is what one partition holds: Start is its first retained offset (the log start), End
// the next offset to be written (the high watermark). End − Start counts offsets, not records:
// transaction markers take offsets too.
type Span struct{ Start, End int64 }

// Spans returns the span of every partition of topic, the one way to read a topic's start and
// end offsets together. A partition whose start offset the broker did not list starts at 0.
// An error names the topic; one for a partition (a topic that does not exist or may not be
// described) says so.
func Spans(ctx context.Context, adm *kadm.Client, topic string) (map[int32]Span, error) {
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("end offsets of %q: %w", topic, err)
	}
	if err := ends.Error(); err != nil {
		return nil, fmt.Errorf("topic %q not found or not readable: %w", topic, err)
	}
	starts, err := adm.ListStartOffsets(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("start offsets of %q: %w", topic, err)
	}
	out := map[int32]Span{}
	ends.Each(func(o kadm.ListedOffset) {
		s := Span{End: o.Offset}
		if lo, ok := starts.Lookup(o.Topic, o.Partition); ok {
			s.Start = lo.Offset
		}
		out[o.Partition] = s
	})
	return out, nil
}
