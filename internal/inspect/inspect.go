// Package inspect reads records of a topic for a person to look at (`streamscale peek`): the
// last or first few of each partition, or every new one as it arrives.
package inspect

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// Config says which records Peek reads.
type Config struct {
	// Topic is the topic to read.
	Topic string
	// Records is how many records per partition: the latest, or the first with FromBeginning.
	Records int
	// FromBeginning starts at the oldest records instead of the latest.
	FromBeginning bool
	// Follow keeps reading new records until the context ends, which is then no error.
	Follow bool
	// Timeout is how long to wait for records without Follow.
	Timeout time.Duration
}

// Validate names the first bad setting by its flag.
func (c Config) Validate() error {
	if c.Records < 1 {
		return fmt.Errorf("-n: %d must be at least 1", c.Records)
	}
	return nil
}

// Record is one record read, as a person is shown it.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	// Timestamp is the record's timestamp (its append time on a LogAppendTime topic).
	Timestamp time.Time
	Key       []byte
	Value     []byte
	Headers   []Header
}

// Header is one record header.
type Header struct {
	Key   string
	Value []byte
}

// ErrEmpty is Peek's answer for a topic without a record to show (and Follow unset).
var ErrEmpty = errors.New("the topic is empty")

// Peek reads the records c names from the cluster conn reaches and hands each to show, in the
// order they arrive. Without Follow it returns once each partition's records have been shown,
// and fails if none arrive within c.Timeout.
func Peek(ctx context.Context, conn kafkaconn.Conn, c Config, show func(Record)) error {
	if err := c.Validate(); err != nil {
		return err
	}
	cl, err := conn.NewClient()
	if err != nil {
		return err
	}
	defer cl.Close()
	spans, err := kafkaconn.Spans(ctx, kadm.NewClient(cl), c.Topic)
	if err != nil {
		return fmt.Errorf("peek %q: %w", c.Topic, err)
	}
	from := map[int32]kgo.Offset{}
	remaining := map[int32]int64{} // records still to show per partition (without Follow)
	for p, s := range spans {
		start := max(s.End-int64(c.Records), s.Start)
		if c.FromBeginning {
			start = s.Start
		}
		from[p] = kgo.NewOffset().At(start)
		if n := min(s.End-start, int64(c.Records)); n > 0 {
			remaining[p] = n
		}
	}
	if len(remaining) == 0 && !c.Follow {
		return ErrEmpty
	}
	cl.AddConsumePartitions(map[string]map[int32]kgo.Offset{c.Topic: from})
	return consume(ctx, cl, c, remaining, show)
}

// consume polls until every partition's remaining count is shown (or, with Follow, until ctx
// ends).
func consume(ctx context.Context, cl *kgo.Client, c Config, remaining map[int32]int64, show func(Record)) error {
	shown := 0
	for c.Follow || len(remaining) > 0 {
		pctx, cancel := ctx, context.CancelFunc(func() {})
		if !c.Follow {
			pctx, cancel = context.WithTimeout(ctx, c.Timeout)
		}
		fs := cl.PollFetches(pctx)
		timedOut := pctx.Err() != nil // read before cancel, which sets it
		cancel()
		if ctx.Err() != nil {
			if c.Follow && errors.Is(ctx.Err(), context.Canceled) {
				return nil
			}
			return ctx.Err()
		}
		if timedOut && fs.NumRecords() == 0 {
			if shown > 0 {
				// Offsets without records (transaction markers, compaction) made the count
				// of what was left too high: what there was has been shown.
				return nil
			}
			return fmt.Errorf("peek %q: no records arrived within %s", c.Topic, c.Timeout)
		}
		for _, fe := range fs.Errors() {
			if !errors.Is(fe.Err, context.DeadlineExceeded) && !errors.Is(fe.Err, context.Canceled) {
				return fmt.Errorf("peek %q partition %d: %w", fe.Topic, fe.Partition, fe.Err)
			}
		}
		fs.EachRecord(func(r *kgo.Record) {
			if !c.Follow {
				if remaining[r.Partition] <= 0 {
					return
				}
				if remaining[r.Partition]--; remaining[r.Partition] == 0 {
					delete(remaining, r.Partition)
				}
			}
			show(record(r))
			shown++
		})
	}
	return nil
}

func record(r *kgo.Record) Record {
	out := Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp, Key: r.Key, Value: r.Value}
	for _, h := range r.Headers {
		out.Headers = append(out.Headers, Header{Key: h.Key, Value: h.Value})
	}
	return out
}
