package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// readSpec says how far readWindow reads a topic.
type readSpec struct {
	topic string
	// bounds is the window per partition; nil reads the whole topic until idle.
	bounds map[int32]OffsetRange
	// drain, when set, reads from the starts of bounds, ignoring their ends, until drain()
	// returns 0 or idle passes without drain() going down.
	drain func() int64
	idle  time.Duration
	// drained, when set, is called after each fetch of a drain with drain().
	drained func(int64)
}

// progressEvery is how often readWindow prints a progress line.
const progressEvery = 5 * time.Second

// readWindow consumes spec.topic as spec says and calls fn for every record in the window
// (transaction markers are skipped); then it stops consuming the topic. It returns the part
// of each partition it read: from its start to the last offset read + 1.
func readWindow(ctx context.Context, client *kgo.Client, spec readSpec, progress io.Writer, fn func(*kgo.Record)) (map[int32]OffsetRange, error) {
	read, remaining, parts, err := startConsuming(ctx, client, spec)
	if err != nil {
		return nil, err
	}
	defer client.RemoveConsumePartitions(map[string][]int32{spec.topic: parts})
	w := &windowRead{spec: spec, read: read, remaining: remaining, fn: fn,
		bounded:      spec.bounds != nil && spec.drain == nil,
		lastProgress: time.Now(),
		lastActivity: time.Now(),
	}
	if spec.drain != nil {
		w.awaited = spec.drain()
	}
	for {
		if done, err := w.finished(); done {
			if err != nil {
				return nil, err
			}
			return w.read, nil
		}
		fs, err := w.poll(ctx, client)
		if err != nil {
			return nil, err
		}
		w.noteActivity(w.take(fs))
		w.report(progress)
	}
}

// windowRead is the state of one readWindow.
type windowRead struct {
	spec      readSpec
	read      map[int32]OffsetRange // per partition, what was read so far
	remaining map[int32]int64       // bounded: the end of each partition not read to its end
	fn        func(*kgo.Record)
	bounded   bool // reading spec.bounds to their ends (no drain)

	lastProgress time.Time
	lastActivity time.Time // of a record (bounded, whole topic) or of an awaited event (drain)
	n            int       // records passed to fn
	awaited      int64     // drain: the events still awaited
}

// finished says whether the read is over: a bounded read when every partition is read to its
// end, a drain when nothing is awaited, any read when idle passes without activity (a bounded
// one then fails with a ShortReadError).
func (w *windowRead) finished() (bool, error) {
	switch {
	case w.bounded && len(w.remaining) == 0:
		return true, nil
	case w.spec.drain != nil && w.awaited == 0:
		return true, nil
	case time.Since(w.lastActivity) >= w.spec.idle:
		if w.bounded {
			return true, &ShortReadError{Topic: w.spec.topic, Idle: w.spec.idle, Where: shortOf(w.remaining, w.read)}
		}
		return true, nil
	}
	return false, nil
}

// poll fetches once, for at most a second and no longer than the idle time left, and fails on
// ctx's end, a closed client or a fetch error other than the poll's own timeout.
func (w *windowRead) poll(ctx context.Context, client *kgo.Client) (kgo.Fetches, error) {
	pctx, cancel := context.WithTimeout(ctx, min(w.spec.idle-time.Since(w.lastActivity), time.Second))
	fs := client.PollFetches(pctx)
	cancel()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if fs.IsClientClosed() {
		return nil, errors.New("client closed while verifying")
	}
	var fetchErr error
	fs.EachError(func(_ string, _ int32, err error) {
		if !errors.Is(err, context.DeadlineExceeded) && fetchErr == nil {
			fetchErr = err
		}
	})
	if fetchErr != nil {
		return nil, fmt.Errorf("fetch %q: %w", w.spec.topic, fetchErr)
	}
	return fs, nil
}

// take records what fs read of the window and passes its records (not transaction markers) to
// fn; it returns how many offsets of the window fs held.
func (w *windowRead) take(fs kgo.Fetches) int {
	got := 0
	fs.EachRecord(func(r *kgo.Record) {
		if w.bounded {
			end, ok := w.remaining[r.Partition]
			if !ok || r.Offset >= end {
				return
			}
			if r.Offset == end-1 {
				delete(w.remaining, r.Partition)
			}
		}
		p := w.read[r.Partition]
		if r.Offset >= p.End {
			p.End = r.Offset + 1
		}
		w.read[r.Partition] = p
		got++
		if r.Attrs.IsControl() {
			return // a transaction marker takes an offset but is no record of the topic
		}
		w.fn(r)
		w.n++
	})
	return got
}

// noteActivity moves the idle clock after a fetch that held got offsets: a drain counts an
// awaited event arriving (and reports the count to spec.drained), any other read a record.
func (w *windowRead) noteActivity(got int) {
	if w.spec.drain != nil {
		if now := w.spec.drain(); now < w.awaited {
			w.awaited, w.lastActivity = now, time.Now()
		}
		if w.spec.drained != nil {
			w.spec.drained(w.awaited)
		}
	} else if got > 0 {
		w.lastActivity = time.Now()
	}
}

// report prints a progress line every progressEvery.
func (w *windowRead) report(progress io.Writer) {
	if time.Since(w.lastProgress) <= progressEvery {
		return
	}
	if w.spec.drain != nil {
		fmt.Fprintf(progress, "read %d records of %q (read_committed), waiting for %d more events\n", w.n, w.spec.topic, w.awaited)
	} else {
		fmt.Fprintf(progress, "read %d records of %q (read_committed)\n", w.n, w.spec.topic)
	}
	w.lastProgress = time.Now()
}

// ShortReadError is a bounded read of a window that stopped short of its end: nothing more
// came for Idle, so the window's last records could not be read (deleted by retention, or the
// broker or the network failing) and what was read would verify a part as the whole.
type ShortReadError struct {
	Topic string
	Idle  time.Duration
	// Where names the partitions not read to the end, where each stopped and where it ends.
	Where string
}

func (e *ShortReadError) Error() string {
	return fmt.Sprintf("reading %q stopped short of the window's end: %s; nothing more came for %s (were its records deleted, or is the broker unreachable?)",
		e.Topic, e.Where, e.Idle)
}

// shortOf names the partitions a bounded read did not finish and where it stopped.
func shortOf(remaining map[int32]int64, read map[int32]OffsetRange) string {
	parts := make([]int32, 0, len(remaining))
	for p := range remaining {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == 4 {
			fmt.Fprintf(&b, "%d more", len(parts)-i)
			break
		}
		fmt.Fprintf(&b, "partition %d at offset %d of %d", p, read[p].End, remaining[p])
	}
	return b.String()
}

// startConsuming adds the partitions to the client and returns where each starts (read, with
// End = Start until a record is read), in bounded mode the end offset still to reach per
// partition, and the partitions.
func startConsuming(ctx context.Context, client *kgo.Client, spec readSpec) (map[int32]OffsetRange, map[int32]int64, []int32, error) {
	offsets := map[int32]kgo.Offset{}
	read := map[int32]OffsetRange{}
	remaining := map[int32]int64{}
	if spec.bounds != nil {
		for p, r := range spec.bounds {
			read[p] = OffsetRange{Start: r.Start, End: r.Start}
			if spec.drain != nil || r.End > r.Start {
				offsets[p] = kgo.NewOffset().At(r.Start)
				remaining[p] = r.End
			}
		}
	} else {
		spans, err := kafkaconn.Spans(ctx, kadm.NewClient(client), spec.topic)
		if err != nil {
			return nil, nil, nil, err
		}
		for p, sp := range spans {
			offsets[p] = kgo.NewOffset().At(sp.Start)
			read[p] = OffsetRange{Start: sp.Start, End: sp.Start}
		}
		if len(offsets) == 0 {
			return nil, nil, nil, fmt.Errorf("topic %q not found", spec.topic)
		}
	}
	parts := make([]int32, 0, len(offsets))
	for p := range offsets {
		parts = append(parts, p)
	}
	if len(offsets) > 0 {
		client.AddConsumePartitions(map[string]map[int32]kgo.Offset{spec.topic: offsets})
	}
	return read, remaining, parts, nil
}
