package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// maxSeq bounds the sequence numbers the verifier accepts; larger ones count as malformed.
// The tracker and the reconciler store them as uint32 in Roaring bitmaps, whose memory grows
// with the number of distinct sequence numbers, not with their size.
const maxSeq = 1 << 31

// OffsetRange is a partition's [Start, End) window.
type OffsetRange struct {
	Start int64 `json:"start"`
	End   int64 `json:"end"`
}

// Config says what to verify. Start from DefaultConfig.
type Config struct {
	// Topic is the output topic (default "out").
	Topic string
	// Bounds, when set, is the exact window to read per partition; reading stops when every
	// partition reached its end. When nil, the whole topic is read until IdleTimeout passes
	// without a record.
	Bounds map[int32]OffsetRange
	// IdleTimeout ends an unbounded read (default 10s).
	IdleTimeout time.Duration
	// SequencesStartAtZero counts sequence numbers below a device's first seen one as missing
	// (true for a window that holds a whole generator run).
	SequencesStartAtZero bool
	// InputTopic and InputBounds, when InputBounds is set, switch to exact reconciliation:
	// the input window is read first and every input event is matched with the output by
	// (deviceId, deviceSequenceNumber), replacing the gap heuristic.
	InputTopic  string
	InputBounds map[int32]OffsetRange
	// Interval is the width of the per-interval series in Result.Intervals (default 10s).
	Interval time.Duration
	// EnqueuedFrom and EnqueuedTo, when set, keep only output records whose enqueuedAt (their
	// input record's timestamp) lies in [EnqueuedFrom, EnqueuedTo): a time window's output,
	// read with some slack past its end, without the neighbours' records.
	EnqueuedFrom, EnqueuedTo time.Time
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config {
	return Config{Topic: "out", IdleTimeout: 10 * time.Second, Interval: 10 * time.Second}
}

// Result is what the verifier found; its JSON names are part of the CLI's contract.
type Result struct {
	// Reconciled is true when the output was matched against the input window; then Missing,
	// Unexpected, Duplicates and SourceDuplicates are exact.
	Reconciled  bool  `json:"reconciled"`
	InputEvents int64 `json:"inputEvents,omitempty"`
	// InputNotEvents counts input records in the window that are not events (not JSON, or
	// without deviceId/deviceSequenceNumber): the relay dead-letters what is not a JSON
	// object, so they are not expected in the output and not counted as missing.
	InputNotEvents   int64     `json:"inputNotEvents,omitempty"`
	Records          int64     `json:"records"`
	Events           int64     `json:"events"`
	Missing          int64     `json:"missing"`
	Unexpected       int64     `json:"unexpected"`
	Duplicates       int64     `json:"duplicates"`
	SourceDuplicates int64     `json:"sourceDuplicates"`
	OutOfOrder       int64     `json:"outOfOrder"`
	Malformed        int64     `json:"malformed"`
	MissingFields    int64     `json:"missingFields"`
	Devices          int       `json:"devices"`
	FirstTimestamp   time.Time `json:"firstTimestamp"`
	LastTimestamp    time.Time `json:"lastTimestamp"`
	RatePerSec       float64   `json:"ratePerSec"`
	// SteadyRatePerSec is the slowest interval's rate leaving out the first and last (ramp-up
	// and drain), what --min-rate demands; the whole window's rate below three intervals.
	SteadyRatePerSec  float64   `json:"steadyRatePerSec"`
	LatencyMs         Latencies `json:"latencyMs"`
	NegativeLatencies int64     `json:"negativeLatencies"`
	// NegativeByLatency says which latencies the negative values were: pipeline or
	// end-to-end ones point at a CreateTime topic or clocks apart (the generator's host),
	// in-job ones at the relay host's clock against the broker's.
	NegativeByLatency LatencyCounts `json:"negativeByLatency"`
	// LatenciesOverADay counts latencies recorded as one day because they were longer.
	LatenciesOverADay int64 `json:"latenciesOverADay,omitempty"`
	// OutsideWindow counts output records read but left out because their enqueuedAt lies
	// outside Config.EnqueuedFrom/To.
	OutsideWindow int64 `json:"outsideWindow,omitempty"`
	// Intervals is the output rate and pipeline latency per Config.Interval, by the output
	// records' timestamps.
	Intervals []Interval `json:"intervals"`
	// CreateTimeRecords counts output records whose timestamp the producer set (a topic with
	// message.timestamp.type=CreateTime) rather than the broker on append: their pipeline and
	// end-to-end latencies read the relay's clock, not the broker's, and understate the truth.
	CreateTimeRecords int64 `json:"createTimeRecords"`
}

// Run reads cfg.Topic with client (a plain client: Run adds the partitions to consume) and
// checks every record; with cfg.InputBounds it first reads the input window and reconciles.
// progress (nil for none) gets a line every few seconds.
func Run(ctx context.Context, client *kgo.Client, cfg Config, progress io.Writer) (Result, error) {
	if cfg.Topic == "" {
		return Result{}, errors.New("topic: must not be empty")
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 10 * time.Second
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 10 * time.Second
	}
	v := &verifier{cfg: cfg, tracker: newTracker(), lat: newLatencyRecorder(), series: newIntervalRecorder(cfg.Interval)}
	if cfg.InputBounds != nil {
		if cfg.InputTopic == "" {
			return Result{}, errors.New("input topic: must be set with input bounds")
		}
		v.rec = newReconciler()
		var f Fields
		err := readWindow(ctx, client, cfg.InputTopic, cfg.InputBounds, cfg.IdleTimeout, progress, func(r *kgo.Record) {
			if Extract(r.Value, &f) == nil && f.DeviceID != nil && f.HasSeq && f.Seq < maxSeq {
				v.rec.addInput(f.DeviceID, f.Seq)
			} else {
				v.inputMalformed++
			}
		})
		if err != nil {
			return Result{}, err
		}
	}
	if err := readWindow(ctx, client, cfg.Topic, cfg.Bounds, cfg.IdleTimeout, progress, v.add); err != nil {
		return Result{}, err
	}
	return v.result(), nil
}

// readWindow consumes topic over bounds (or, when bounds is nil, from the start until idle)
// and calls fn for every record in the window; then it stops consuming the topic.
func readWindow(ctx context.Context, client *kgo.Client, topic string, bounds map[int32]OffsetRange, idle time.Duration, progress io.Writer, fn func(*kgo.Record)) error {
	remaining, parts, err := startConsuming(ctx, client, topic, bounds)
	if err != nil {
		return err
	}
	defer client.RemoveConsumePartitions(map[string][]int32{topic: parts})
	lastProgress, n := time.Now(), 0
	for len(remaining) > 0 || bounds == nil {
		pctx, cancel := ctx, context.CancelFunc(func() {})
		if bounds == nil {
			pctx, cancel = context.WithTimeout(ctx, idle)
		}
		fs := client.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if fs.IsClientClosed() {
			return errors.New("client closed while verifying")
		}
		var fetchErr error
		fs.EachError(func(_ string, _ int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && fetchErr == nil {
				fetchErr = err
			}
		})
		if fetchErr != nil {
			return fmt.Errorf("fetch %q: %w", topic, fetchErr)
		}
		got := 0
		fs.EachRecord(func(r *kgo.Record) {
			if bounds != nil {
				end, ok := remaining[r.Partition]
				if !ok || r.Offset >= end {
					return
				}
				if r.Offset == end-1 {
					delete(remaining, r.Partition)
				}
			}
			fn(r)
			got++
		})
		n += got
		if bounds == nil && got == 0 {
			return nil // idle
		}
		if progress != nil && time.Since(lastProgress) > 5*time.Second {
			fmt.Fprintf(progress, "read %d records of %q\n", n, topic)
			lastProgress = time.Now()
		}
	}
	return nil
}

// startConsuming adds the partitions to the client and returns, in bounded mode, the end
// offset still to reach per partition.
func startConsuming(ctx context.Context, client *kgo.Client, topic string, bounds map[int32]OffsetRange) (map[int32]int64, []int32, error) {
	offsets := map[int32]kgo.Offset{}
	remaining := map[int32]int64{}
	if bounds != nil {
		for p, r := range bounds {
			if r.End > r.Start {
				offsets[p] = kgo.NewOffset().At(r.Start)
				remaining[p] = r.End
			}
		}
	} else {
		ends, err := kadm.NewClient(client).ListEndOffsets(ctx, topic)
		if err != nil {
			return nil, nil, fmt.Errorf("list partitions of %q: %w", topic, err)
		}
		ends.Each(func(o kadm.ListedOffset) {
			if o.Topic == topic && o.Err == nil {
				offsets[o.Partition] = kgo.NewOffset().AtStart()
			}
		})
		if len(offsets) == 0 {
			return nil, nil, fmt.Errorf("topic %q not found", topic)
		}
	}
	parts := make([]int32, 0, len(offsets))
	for p := range offsets {
		parts = append(parts, p)
	}
	if len(offsets) > 0 {
		client.AddConsumePartitions(map[string]map[int32]kgo.Offset{topic: offsets})
	}
	return remaining, parts, nil
}

// logAppendTime is the record batch timestamp type of a broker-stamped record (Kafka's
// attributes bit 3; 0 is CreateTime).
const logAppendTime = 1

type verifier struct {
	cfg            Config
	rec            *reconciler
	inputMalformed int64
	tracker        *tracker
	series         *intervalRecorder
	lat            *latencyRecorder
	fields         Fields
	records        int64
	malformed      int64
	missingFields  int64
	outside        int64
	createTime     int64
	first, last    time.Time
}

func (v *verifier) add(r *kgo.Record) {
	f := &v.fields
	err := Extract(r.Value, f)
	if err == nil && f.EnqueuedAt != 0 && v.outsideWindow(f.EnqueuedAt) { // no enqueuedAt: counted below as missing fields
		v.outside++
		return
	}
	v.records++
	if r.Attrs.TimestampType() != logAppendTime {
		v.createTime++
	}
	if v.first.IsZero() || r.Timestamp.Before(v.first) {
		v.first = r.Timestamp
	}
	if r.Timestamp.After(v.last) {
		v.last = r.Timestamp
	}
	if err != nil || f.DeviceID == nil || !f.HasSeq || f.Seq >= maxSeq {
		v.malformed++
		return
	}
	v.tracker.add(f.DeviceID, f.Seq, r.Partition)
	if v.rec != nil {
		v.rec.addOutput(f.DeviceID, f.Seq)
	}
	outTS := r.Timestamp.UnixMicro()
	s := sample{
		pipeline: outTS - f.EnqueuedAt, hasPipeline: f.EnqueuedAt != 0,
		endToEnd: outTS - f.CreatedAt, hasEndToEnd: f.CreatedAt != 0 && f.EnqueuedAt != 0 && f.ProcessedAt != 0,
		inJob: f.ProcessedAt - f.EnqueuedAt, hasInJob: f.EnqueuedAt != 0 && f.ProcessedAt != 0,
	}
	v.series.add(r.Timestamp, s)
	if f.EnqueuedAt == 0 || f.ProcessedAt == 0 {
		v.missingFields++
		return
	}
	v.lat.add(s)
}

// outsideWindow reports whether an enqueuedAt (µs since the epoch) falls outside the
// configured enqueued window; without a window nothing is outside.
func (v *verifier) outsideWindow(enqueuedAt int64) bool {
	from, to := v.cfg.EnqueuedFrom, v.cfg.EnqueuedTo
	if from.IsZero() && to.IsZero() {
		return false
	}
	return (!from.IsZero() && enqueuedAt < from.UnixMicro()) || (!to.IsZero() && enqueuedAt >= to.UnixMicro())
}

func (v *verifier) result() Result {
	res := Result{
		Records: v.records, Events: v.tracker.events, Missing: v.tracker.missing(v.cfg.SequencesStartAtZero),
		Duplicates: v.tracker.duplicates, OutOfOrder: v.tracker.outOfOrder, Malformed: v.malformed,
		MissingFields: v.missingFields, Devices: len(v.tracker.devices),
		FirstTimestamp: v.first.UTC(), LastTimestamp: v.last.UTC(),
		LatencyMs: v.lat.result(), NegativeLatencies: v.lat.negative, NegativeByLatency: v.lat.negativeBy, Intervals: v.series.series(v.first, v.last),
		OutsideWindow: v.outside, LatenciesOverADay: v.lat.overDay, CreateTimeRecords: v.createTime,
	}
	if v.rec != nil {
		rc := v.rec.result()
		res.Reconciled, res.InputEvents, res.InputNotEvents = true, rc.inputEvents, v.inputMalformed
		res.Missing, res.Unexpected, res.Duplicates, res.SourceDuplicates = rc.missing, rc.unexpected, rc.duplicates, rc.sourceDuplicates
	}
	if span := v.last.Sub(v.first).Seconds(); span > 0 {
		res.RatePerSec = float64(v.records) / span
	}
	res.SteadyRatePerSec = steadyRate(res.Intervals, res.RatePerSec)
	return res
}

// steadyRate is the slowest of the inner intervals (without the first and last), or overall
// with fewer than three intervals.
func steadyRate(ivs []Interval, overall float64) float64 {
	if len(ivs) < 3 {
		return overall
	}
	slowest := ivs[1].Rate
	for _, iv := range ivs[2 : len(ivs)-1] {
		slowest = min(slowest, iv.Rate)
	}
	return slowest
}
