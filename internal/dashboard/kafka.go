package dashboard

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/latency"
	"github.com/streamscale/streamscale/internal/verify"
)

// GroupLag is a consumer group's lag on one topic: per partition, the end offset minus the
// group's committed offset (minus the start offset where it committed none), summed.
type GroupLag struct {
	Admin        *kadm.Client
	Group, Topic string
}

// Sample reads the lag now.
func (g GroupLag) Sample(ctx context.Context) (int64, error) {
	spans, err := kafkaconn.Spans(ctx, g.Admin, g.Topic)
	if err != nil {
		return 0, err
	}
	committed, err := g.Admin.FetchOffsets(ctx, g.Group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		committed, err = nil, nil // no commits yet: everything retained is still to read
	}
	if err != nil {
		return 0, fmt.Errorf("offsets of group %q: %w", g.Group, err)
	}
	var lag int64
	for p, s := range spans {
		from := s.Start
		if c, ok := committed.Lookup(g.Topic, p); ok && c.Err == nil && c.At >= 0 {
			from = max(from, c.At)
		}
		lag += max(s.End-from, 0)
	}
	return lag, nil
}

// OutputLatency tails the output topic from its end (read_committed, so that exactly-once
// output counts when committed, as the verifier reads it) and keeps each interval's pipeline
// latency (record timestamp − enqueuedAt) and end-to-end latency (record timestamp −
// createdAt), the verifier's definitions, for records read since the last Take.
type OutputLatency struct {
	mu                 sync.Mutex
	pipeline, endToEnd *hdrhistogram.Histogram
}

// NewOutputLatency returns an empty recorder.
func NewOutputLatency() *OutputLatency {
	return &OutputLatency{pipeline: latency.NewCoarseHistogram(), endToEnd: latency.NewCoarseHistogram()}
}

// Run consumes with cl (which must consume the output topic from its end) until ctx ends.
func (o *OutputLatency) Run(ctx context.Context, cl *kgo.Client) {
	var f verify.Fields
	for ctx.Err() == nil {
		fetches := cl.PollFetches(ctx)
		fetches.EachRecord(func(r *kgo.Record) { o.Add(r, &f) })
	}
}

// Add records one output record's latencies; records without the fields are skipped.
func (o *OutputLatency) Add(r *kgo.Record, f *verify.Fields) {
	if verify.Extract(r.Value, f) != nil {
		return
	}
	ts := r.Timestamp.UnixMicro()
	o.mu.Lock()
	defer o.mu.Unlock()
	if f.EnqueuedAt > 0 {
		latency.Record(o.pipeline, max(ts-f.EnqueuedAt, 0))
	}
	if f.CreatedAt > 0 {
		latency.Record(o.endToEnd, max(ts-f.CreatedAt, 0))
	}
}

// Take returns the percentiles since the last Take and starts a new interval; nil when no
// record came.
func (o *OutputLatency) Take() *LatencyView {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := o.pipeline.TotalCount()
	if n == 0 {
		return nil
	}
	p, e := latency.Summarize(o.pipeline), latency.Summarize(o.endToEnd)
	o.pipeline.Reset()
	o.endToEnd.Reset()
	return &LatencyView{Count: n, PipelineP50: p.P50, PipelineP99: p.P99, EndToEndP50: e.P50, EndToEndP99: e.P99}
}
