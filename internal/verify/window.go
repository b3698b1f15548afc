package verify

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// Window is a window of records to verify that is not a recorded run's: the input appended
// in [From, To) with its output read up to OutTo, or, with From zero, the whole of both topics
// (the complex job's tags for the whole input).
type Window struct {
	// InputTopic is the topic the output is reconciled against.
	InputTopic string
	// From and To bound the input by the broker's append time (LogAppendTime).
	From, To time.Time
	// OutTo is how far the output is read by append time (To plus a grace, at most now).
	OutTo time.Time
}

// WindowFor sets cfg's offsets for w, reading the topics' offsets on conn, and on in for the
// input topic when it is set (the input on another cluster); cfg.Topic is the output topic. It
// returns the number of input offsets the window holds for the whole topics (0 for a time
// window).
func WindowFor(ctx context.Context, conn kafkaconn.Conn, in *kafkaconn.Conn, w Window, cfg *Config) (int64, error) {
	cl, err := conn.NewClient()
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	adm, inAdm := kadm.NewClient(cl), kadm.NewClient(cl)
	if in != nil {
		icl, err := in.NewClient()
		if err != nil {
			return 0, err
		}
		defer icl.Close()
		inAdm = kadm.NewClient(icl)
	}
	if w.From.IsZero() {
		return wholeTopics(ctx, adm, inAdm, w.InputTopic, cfg)
	}
	if cfg.InputBounds, err = timeBounds(ctx, inAdm, w.InputTopic, w.From, w.To); err != nil {
		return 0, err
	}
	if cfg.Bounds, err = timeBounds(ctx, adm, cfg.Topic, w.From, w.OutTo); err != nil {
		return 0, err
	}
	cfg.InputTopic, cfg.EnqueuedFrom, cfg.EnqueuedTo = w.InputTopic, w.From, w.To
	return 0, nil
}

// wholeTopics sets cfg to reconcile the complex job's tags for the whole input topic (from its
// log start to its last stable offset) with the whole output topic, read from its start until
// every expected tag is there or the idle timeout passes without one more.
func wholeTopics(ctx context.Context, adm, inAdm *kadm.Client, inputTopic string, cfg *Config) (int64, error) {
	in, err := kafkaconn.Spans(ctx, inAdm, inputTopic)
	if err != nil {
		return 0, err
	}
	inEnd, err := kafkaconn.StableEnds(ctx, inAdm, inputTopic)
	if err != nil {
		return 0, err
	}
	out, err := kafkaconn.Spans(ctx, adm, cfg.Topic)
	if err != nil {
		return 0, err
	}
	cfg.InputTopic, cfg.InputBounds, cfg.Bounds, cfg.Drain = inputTopic, map[int32]OffsetRange{}, map[int32]OffsetRange{}, true
	var n int64
	for p, end := range inEnd {
		cfg.InputBounds[p] = OffsetRange{Start: in[p].Start, End: end}
		n += end - in[p].Start
	}
	for p, s := range out {
		cfg.Bounds[p] = OffsetRange{Start: s.Start}
	}
	return n, nil
}

// timeBounds are the offsets of topic appended in [start, end), no further than the last
// stable offset: past it, an open transaction's records may yet be committed or aborted.
func timeBounds(ctx context.Context, adm *kadm.Client, topic string, start, end time.Time) (map[int32]OffsetRange, error) {
	s, err := kafkaconn.OffsetsAt(ctx, adm, topic, start)
	if err != nil {
		return nil, err
	}
	e, err := kafkaconn.OffsetsAt(ctx, adm, topic, end)
	if err != nil {
		return nil, err
	}
	stable, err := kafkaconn.StableEnds(ctx, adm, topic)
	if err != nil {
		return nil, err
	}
	b := make(map[int32]OffsetRange, len(e))
	for p, off := range e {
		if lso, ok := stable[p]; ok {
			off = min(off, lso)
		}
		b[p] = OffsetRange{Start: s[p], End: max(off, s[p])}
	}
	return b, nil
}

// RunOn verifies cfg with a client of conn, and of in for the input topic when it is set (the
// input on another cluster).
func RunOn(ctx context.Context, conn kafkaconn.Conn, in *kafkaconn.Conn, cfg Config, progress io.Writer) (Result, error) {
	cl, err := conn.NewClient(ClientOpts()...)
	if err != nil {
		return Result{}, err
	}
	defer cl.Close()
	if in != nil {
		icl, err := in.NewClient(ClientOpts()...)
		if err != nil {
			return Result{}, err
		}
		defer icl.Close()
		cfg.InputClient = icl
	}
	res, err := Run(ctx, cl, cfg, progress)
	if err != nil {
		return Result{}, fmt.Errorf("verify %q: %w", cfg.Topic, err)
	}
	return res, nil
}
