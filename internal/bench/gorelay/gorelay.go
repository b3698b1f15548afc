// Package gorelay is a benchmark contender, not a product path: the relay a Go engineer would
// write with franz-go instead of a Flink job. It consumes a topic in a consumer group,
// validates each record the way the relay job does (exactly one JSON object in UTF-8; anything
// else goes to the dead-letter topic), splices enqueuedAt (the input record's timestamp) and
// processedAt (now) into the object, and produces it asynchronously while the next poll runs.
// A committer off the poll path commits each input partition's offset once every earlier
// record of that partition is acknowledged (at-least-once); in-flight records and bytes are
// bounded, and the poll waits while they are at their bound.
package gorelay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// Config says what to relay.
type Config struct {
	// Conn reaches the broker.
	Conn kafkaconn.Conn
	// InTopic is read in consumer group Group; OutTopic is written, and DeadLetterTopic
	// (default InTopic + "-dead-letter") gets what is not one JSON object.
	InTopic, OutTopic, DeadLetterTopic, Group string
	// InstanceID makes the relay a static group member (default "go-relay"): a relay that
	// crashed and restarts within the session timeout takes its partitions back at once
	// instead of waiting for the dead member to time out.
	InstanceID string
	// Linger is the producer's linger (default 2 ms).
	Linger time.Duration
	// MaxInFlightRecords and MaxInFlightBytes bound the records polled but not yet
	// acknowledged (default 20,000 and 32 MiB); at the bound the relay stops polling.
	MaxInFlightRecords int
	MaxInFlightBytes   int
	// CommitInterval is how often the committer commits what became committable (default
	// 100 ms).
	CommitInterval time.Duration
	// TestOnlyDropEvery, when positive, drops every n-th record polled: it is neither
	// produced nor dead-lettered, and its offset is committed as if it were. For tests that
	// check a benchmark reports a loss; never for a measurement.
	TestOnlyDropEvery int64
}

func (c *Config) defaults() error {
	if c.InTopic == "" || c.OutTopic == "" || c.Group == "" {
		return errors.New("go relay: input topic, output topic and group must be set")
	}
	if c.DeadLetterTopic == "" {
		c.DeadLetterTopic = c.InTopic + "-dead-letter"
	}
	if c.InstanceID == "" {
		c.InstanceID = "go-relay"
	}
	if c.Linger <= 0 {
		c.Linger = 2 * time.Millisecond
	}
	if c.MaxInFlightRecords <= 0 {
		c.MaxInFlightRecords = 20_000
	}
	if c.MaxInFlightBytes <= 0 {
		c.MaxInFlightBytes = 32 << 20
	}
	if c.CommitInterval <= 0 {
		c.CommitInterval = 100 * time.Millisecond
	}
	if c.TestOnlyDropEvery < 0 {
		return fmt.Errorf("go relay: drop-every %d must not be negative", c.TestOnlyDropEvery)
	}
	return nil
}

// Run relays until ctx ends; it returns nil then, after flushing what was produced and
// committing what was acknowledged. A record the broker refuses ends it with an error; its
// offset, and every later one of its partition, stays uncommitted.
func Run(ctx context.Context, cfg Config) error {
	if err := cfg.defaults(); err != nil {
		return err
	}
	tr := newTracker(cfg.MaxInFlightRecords, cfg.MaxInFlightBytes)
	var cm *committer
	cl, err := cfg.Conn.NewClient(
		kgo.ConsumeTopics(cfg.InTopic), kgo.ConsumerGroup(cfg.Group), kgo.InstanceID(cfg.InstanceID),
		kgo.DisableAutoCommit(), kgo.BlockRebalanceOnPoll(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxWait(100*time.Millisecond),
		// Before partitions go to another member (or the client closes): everything produced
		// is acknowledged and committed, so the next owner starts after it.
		kgo.OnPartitionsRevoked(func(ctx context.Context, cl *kgo.Client, revoked map[string][]int32) {
			_ = cl.Flush(ctx)
			cm.commit(ctx)
			tr.forget(revoked)
		}),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, lost map[string][]int32) { tr.forget(lost) }),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerLinger(cfg.Linger),
		kgo.MaxBufferedRecords(cfg.MaxInFlightRecords),
		kgo.MaxBufferedBytes(cfg.MaxInFlightBytes),
	)
	if err != nil {
		return fmt.Errorf("go relay: %w", err)
	}
	cm = &committer{cl: cl, tr: tr}
	cctx, stopCommitter := context.WithCancel(context.WithoutCancel(ctx))
	committed := make(chan struct{})
	go func() { defer close(committed); cm.run(cctx, cfg.CommitInterval) }()
	defer func() {
		// Everything produced acknowledged, committed, then the group left.
		stopCommitter()
		<-committed
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = cl.Flush(fctx)
		cm.commit(fctx)
		cl.AllowRebalance()
		cl.Close()
	}()
	r := relayer{cfg: cfg, cl: cl, tr: tr}
	for {
		// Backpressure: no poll while the in-flight records or bytes are at their bound.
		room, err := tr.waitRoom(ctx)
		if err != nil {
			return nil
		}
		fetches := cl.PollRecords(ctx, room)
		if ctx.Err() != nil {
			return nil
		}
		if err := fetchError(fetches); err != nil {
			return fmt.Errorf("go relay: consume %q: %w", cfg.InTopic, err)
		}
		fetches.EachRecord(func(rec *kgo.Record) { r.relay(ctx, rec) })
		cl.AllowRebalance()
		if err := tr.failed(); err != nil {
			return fmt.Errorf("go relay: produce: %w", err)
		}
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

// relayer turns polled records into produced ones.
type relayer struct {
	cfg Config
	cl  *kgo.Client
	tr  *tracker
	// polled counts the records polled, for TestOnlyDropEvery.
	polled int64
}

// relay validates and stamps one input record and produces it (or its dead letter)
// asynchronously; its offset becomes committable when the broker acknowledged it.
func (r *relayer) relay(ctx context.Context, in *kgo.Record) {
	r.polled++
	if r.cfg.TestOnlyDropEvery > 0 && r.polled%r.cfg.TestOnlyDropEvery == 0 {
		r.tr.done(r.tr.add(in, 0), nil)
		return
	}
	value, reason := Transform(in.Value, in.Timestamp, time.Now())
	out := &kgo.Record{Topic: r.cfg.OutTopic, Key: in.Key, Value: value, Headers: in.Headers}
	if reason != "" {
		out = &kgo.Record{Topic: r.cfg.DeadLetterTopic, Key: in.Key, Value: in.Value, Headers: append(append([]kgo.RecordHeader(nil), in.Headers...),
			kgo.RecordHeader{Key: "streamscale.error", Value: []byte(reason)},
			kgo.RecordHeader{Key: "streamscale.source", Value: []byte(in.Topic + "/" + strconv.Itoa(int(in.Partition)) + "/" + strconv.FormatInt(in.Offset, 10))})}
	}
	id := r.tr.add(in, len(out.Value))
	// Not cancelled with ctx: what was polled before an interrupt is still delivered and
	// committed by the shutdown's flush.
	r.cl.Produce(context.WithoutCancel(ctx), out, func(_ *kgo.Record, err error) { r.tr.done(id, err) })
}

// Transform returns the output value for an input record's value: the JSON object from its
// '{' to its '}' (a UTF-8 byte-order mark and surrounding JSON whitespace dropped) with
// ,"enqueuedAt":"…","processedAt":"…" spliced in before the closing brace (UTC, millisecond
// RFC 3339). A value that is not exactly one JSON object in valid UTF-8, or a timestamp
// outside the years 0000–9999, gives no output and the reason for its dead letter instead.
//
// Unlike the relay job it does not remove enqueuedAt/processedAt members the input object
// already has, and does not cut a dead letter to a maximum record size.
func Transform(value []byte, enqueued, processed time.Time) (out []byte, reason string) {
	switch {
	case value == nil:
		return nil, "tombstone (null value)"
	case len(value) == 0:
		return nil, "empty value"
	case enqueued.UTC().Year() < 0 || enqueued.UTC().Year() > 9999:
		return nil, "record timestamp outside the years 0000-9999"
	}
	obj := bytes.TrimPrefix(value, []byte("\xef\xbb\xbf"))
	obj = bytes.Trim(obj, " \t\r\n")
	if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' {
		return nil, "not a JSON object"
	}
	if !utf8.Valid(obj) {
		return nil, "invalid UTF-8"
	}
	if !json.Valid(obj) {
		return nil, "not exactly one JSON object"
	}
	return splice(obj, enqueued, processed), ""
}

// splice inserts the two stamps before obj's closing brace; obj is a valid JSON object.
func splice(obj []byte, enqueued, processed time.Time) []byte {
	body := bytes.TrimRight(obj[:len(obj)-1], " \t\r\n")
	out := make([]byte, 0, len(obj)+70)
	out = append(out, obj[:len(obj)-1]...)
	if body[len(body)-1] != '{' {
		out = append(out, ',')
	}
	out = append(out, `"enqueuedAt":"`...)
	out = enqueued.UTC().AppendFormat(out, stamp)
	out = append(out, `","processedAt":"`...)
	out = processed.UTC().AppendFormat(out, stamp)
	return append(out, `"}`...)
}

const stamp = "2006-01-02T15:04:05.000Z"

// committer commits the tracker's committable offsets, off the poll path.
type committer struct {
	cl *kgo.Client
	tr *tracker
	mu sync.Mutex
}

// run commits every interval until ctx ends.
func (c *committer) run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			c.commit(ctx)
		}
	}
}

// commit commits each partition's offset that moved since its last commit.
func (c *committer) commit(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	offsets := c.tr.committable()
	if len(offsets) == 0 {
		return
	}
	c.cl.CommitOffsetsSync(ctx, offsets, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		if err != nil {
			return // committed again at the next tick
		}
		ok := map[string]map[int32]kgo.EpochOffset{}
		for _, t := range resp.Topics {
			for _, p := range t.Partitions {
				if p.ErrorCode == 0 {
					if ok[t.Topic] == nil {
						ok[t.Topic] = map[int32]kgo.EpochOffset{}
					}
					ok[t.Topic][p.Partition] = offsets[t.Topic][p.Partition]
				}
			}
		}
		c.tr.committed(ok)
	})
}
