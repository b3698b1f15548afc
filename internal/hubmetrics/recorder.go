package hubmetrics

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Recording is a stored series of rows, as `streamscale run` keeps it in run.json so that
// `streamscale report --run/--from/--to` can show a past window.
type Recording struct {
	// Interval is the width the rows were sampled at (the last row may be shorter).
	Interval        Duration `json:"interval"`
	ThroughputUnits int      `json:"throughputUnits,omitempty"`
	Rows            []Row    `json:"rows"`
	// Run is the run id the rows belong to, when they come from one run.
	Run string `json:"run,omitempty"`
}

// Duration is a time.Duration that reads and writes JSON as text ("10s").
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("interval: %w", err)
	}
	*d = Duration(v)
	return nil
}

// Recorder samples a Source every interval in the background and keeps a row per interval.
// A failed sample is skipped (the next row then spans two intervals), so a scrape hiccup does
// not end a run.
type Recorder struct {
	src      Source
	topics   []string
	interval time.Duration
	onRow    func(Row)

	mu      sync.Mutex
	prev    Snapshot
	rows    []Row
	lastErr error

	stop chan struct{}
	done chan struct{}
}

// RecorderOpt is an option of StartRecorder.
type RecorderOpt func(*Recorder)

// OnRow calls fn with each row as its interval closes, from the recorder's goroutine (a
// followed table); the last, partial row that Stop closes is only in Stop's rows. Default:
// no call.
func OnRow(fn func(Row)) RecorderOpt { return func(r *Recorder) { r.onRow = fn } }

// StartRecorder takes the first snapshot (its error is returned: no source, no recording) and
// samples src every interval, on the clock's multiples of it, until Stop.
func StartRecorder(ctx context.Context, src Source, topics []string, interval time.Duration, opts ...RecorderOpt) (*Recorder, error) {
	first, err := src.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	r := &Recorder{src: src, topics: topics, interval: interval, prev: first, stop: make(chan struct{}), done: make(chan struct{})}
	for _, o := range opts {
		o(r)
	}
	go r.loop(ctx)
	return r, nil
}

func (r *Recorder) loop(ctx context.Context) {
	defer close(r.done)
	next := firstSampleAt(r.prev.At, r.interval)
	timer := time.NewTimer(time.Until(next))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.stop:
			return
		case <-timer.C:
		}
		if row, ok := r.sample(ctx); ok && r.onRow != nil {
			r.onRow(row)
		}
		next = next.Add(r.interval)
		timer.Reset(time.Until(next))
	}
}

// sample closes the current row with a fresh snapshot and returns it (false when the
// snapshot failed: the next row then spans this interval too).
func (r *Recorder) sample(ctx context.Context) (Row, bool) {
	cur, err := r.src.Snapshot(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.lastErr = err
		return Row{}, false
	}
	row := Delta(r.prev, cur, r.topics)
	r.rows = append(r.rows, row)
	r.prev = cur
	return row, true
}

// Stop ends sampling, closes the last (partial) row with a final snapshot and returns the
// rows. The error is the last failed sample's, for the caller to mention; the rows are good.
func (r *Recorder) Stop(ctx context.Context) ([]Row, error) {
	close(r.stop)
	<-r.done
	r.sample(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows = mergeSlivers(r.rows, r.interval)
	return r.rows, r.lastErr
}

// firstSampleAt is the first multiple of interval on the clock after start: samples fall on
// …:10, …:20, so that Regroup's minutes are the clock's minutes.
func firstSampleAt(start time.Time, interval time.Duration) time.Time {
	return start.Truncate(interval).Add(interval)
}

// mergeSlivers joins a last row, and a first row, shorter than half an interval to its
// neighbour (which then spans up to 1.5 intervals; capacity scales with the width): a sliver
// row reads as a drop in charts. The first row is the part of a run before the first
// clock-aligned sample, the last the part after the last.
func mergeSlivers(rows []Row, interval time.Duration) []Row {
	if n := len(rows); n >= 2 && rows[n-1].End.Sub(rows[n-1].Start) < interval/2 {
		rows[n-2] = merge(rows[n-2], rows[n-1])
		rows = rows[:n-1]
	}
	if len(rows) >= 2 && rows[0].End.Sub(rows[0].Start) < interval/2 {
		rows[1] = merge(rows[0], rows[1])
		rows = rows[1:]
	}
	return rows
}

// Regroup sums rows into intervals of width aligned to the clock (a row goes to the interval
// its start falls in), for showing 10-second samples per minute as the sample does.
func Regroup(rows []Row, width time.Duration) []Row {
	var out []Row
	for _, r := range rows {
		slot := r.Start.Truncate(width)
		if n := len(out); n > 0 && out[n-1].Start.Truncate(width).Equal(slot) {
			out[n-1] = merge(out[n-1], r)
			continue
		}
		out = append(out, r)
	}
	return out
}

// merge adds b's counters to a's (same topics in any order) and extends a's end.
func merge(a, b Row) Row {
	m := Row{Start: a.Start, End: b.End, Hubs: append([]HubRow(nil), a.Hubs...)}
	for _, hb := range b.Hubs {
		found := false
		for i := range m.Hubs {
			if h := &m.Hubs[i]; h.Topic == hb.Topic {
				h.IncomingMessages += hb.IncomingMessages
				h.IncomingBatches += hb.IncomingBatches
				h.IncomingBytes += hb.IncomingBytes
				h.OutgoingMessages += hb.OutgoingMessages
				h.OutgoingBytes += hb.OutgoingBytes
				h.FetchRequests += hb.FetchRequests
				h.FailedRequests += hb.FailedRequests
				found = true
			}
		}
		if !found {
			m.Hubs = append(m.Hubs, hb)
		}
	}
	if a.Throttle != nil && b.Throttle != nil {
		m.Throttle = &ThrottleRow{ProduceMs: a.Throttle.ProduceMs + b.Throttle.ProduceMs, FetchMs: a.Throttle.FetchMs + b.Throttle.FetchMs}
	}
	return m
}

// Window keeps the rows that overlap [from, to) (a zero bound is open).
func Window(rows []Row, from, to time.Time) []Row {
	var out []Row
	for _, r := range rows {
		if (!from.IsZero() && !r.End.After(from)) || (!to.IsZero() && !r.Start.Before(to)) {
			continue
		}
		out = append(out, r)
	}
	return out
}
