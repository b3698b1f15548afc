// Package gorelay is a benchmark contender, not a product path: the minimal relay a user might
// write in Go instead of a Flink job. It consumes a topic in a consumer group, splices
// enqueuedAt (the input record's timestamp) and processedAt (now) into each JSON object the way
// the relay job does, produces the result and commits the input offsets only after the broker
// acknowledged every output record of the poll (at-least-once).
package gorelay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// Config says what to relay.
type Config struct {
	// Conn reaches the broker.
	Conn kafkaconn.Conn
	// InTopic is read in consumer group Group; OutTopic is written.
	InTopic, OutTopic, Group string
}

// Run relays until ctx ends; it returns nil then, after committing what was acknowledged.
func Run(ctx context.Context, cfg Config) error {
	if cfg.InTopic == "" || cfg.OutTopic == "" || cfg.Group == "" {
		return errors.New("go relay: input topic, output topic and group must be set")
	}
	cl, err := cfg.Conn.NewClient(
		kgo.ConsumeTopics(cfg.InTopic), kgo.ConsumerGroup(cfg.Group),
		kgo.DisableAutoCommit(), kgo.BlockRebalanceOnPoll(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DefaultProduceTopic(cfg.OutTopic),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerLinger(0),
		kgo.FetchMaxWait(100*time.Millisecond),
	)
	if err != nil {
		return fmt.Errorf("go relay: %w", err)
	}
	defer cl.Close()
	// With BlockRebalanceOnPoll, Close waits for a rebalance that a poll blocked: allow it
	// first, or an interrupted relay never exits.
	defer cl.AllowRebalance()
	for {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err := fetchError(fetches); err != nil {
			return fmt.Errorf("go relay: consume %q: %w", cfg.InTopic, err)
		}
		if err := relayPoll(ctx, cl, fetches); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		cl.AllowRebalance()
	}
}

// fetchError is the first fetch error that is not the end of the context.
func fetchError(f kgo.Fetches) error {
	var first error
	f.EachError(func(_ string, _ int32, err error) {
		if first == nil && !errors.Is(err, context.Canceled) {
			first = err
		}
	})
	return first
}

// relayPoll produces the spliced records of one poll, waits for all acks and then commits.
func relayPoll(ctx context.Context, cl *kgo.Client, fetches kgo.Fetches) error {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		prodErr error
		recs    []*kgo.Record
	)
	fetches.EachRecord(func(r *kgo.Record) {
		recs = append(recs, r)
		out := &kgo.Record{Key: r.Key, Value: Splice(r.Value, r.Timestamp, time.Now())}
		wg.Add(1)
		cl.Produce(ctx, out, func(_ *kgo.Record, err error) {
			if err != nil {
				mu.Lock()
				if prodErr == nil {
					prodErr = err
				}
				mu.Unlock()
			}
			wg.Done()
		})
	})
	if len(recs) == 0 {
		return nil
	}
	wg.Wait()
	if prodErr != nil {
		return fmt.Errorf("go relay: produce: %w", prodErr)
	}
	if err := cl.CommitRecords(ctx, recs...); err != nil {
		return fmt.Errorf("go relay: commit: %w", err)
	}
	return nil
}

// Splice returns value with ,"enqueuedAt":"…","processedAt":"…" inserted before its final
// closing brace (UTC, millisecond RFC 3339); a value that is not an object ending in '}' is
// returned as it is.
func Splice(value []byte, enqueued, processed time.Time) []byte {
	end := len(bytes.TrimRight(value, " \t\r\n"))
	if end == 0 || value[end-1] != '}' {
		return value
	}
	body := bytes.TrimRight(value[:end-1], " \t\r\n")
	out := make([]byte, 0, end+70)
	out = append(out, value[:end-1]...)
	if len(body) > 0 && body[len(body)-1] != '{' {
		out = append(out, ',')
	}
	out = append(out, `"enqueuedAt":"`...)
	out = enqueued.UTC().AppendFormat(out, stamp)
	out = append(out, `","processedAt":"`...)
	out = processed.UTC().AppendFormat(out, stamp)
	return append(out, `"}`...)
}

const stamp = "2006-01-02T15:04:05.000Z"
