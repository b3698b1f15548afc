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

// maxSeq bounds the sequence numbers the tracker accepts (its bitsets grow with them).
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
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config { return Config{Topic: "out", IdleTimeout: 10 * time.Second} }

// Result is what the verifier found; its JSON names are part of the CLI's contract.
type Result struct {
	Records           int64     `json:"records"`
	Events            int64     `json:"events"`
	Missing           int64     `json:"missing"`
	Duplicates        int64     `json:"duplicates"`
	OutOfOrder        int64     `json:"outOfOrder"`
	Malformed         int64     `json:"malformed"`
	MissingFields     int64     `json:"missingFields"`
	Devices           int       `json:"devices"`
	FirstTimestamp    time.Time `json:"firstTimestamp"`
	LastTimestamp     time.Time `json:"lastTimestamp"`
	RatePerSec        float64   `json:"ratePerSec"`
	LatencyMs         Latencies `json:"latencyMs"`
	NegativeLatencies int64     `json:"negativeLatencies"`
}

// Run reads cfg.Topic with client (a plain client: Run adds the partitions to consume) and
// checks every record. progress (nil for none) gets a line every few seconds.
func Run(ctx context.Context, client *kgo.Client, cfg Config, progress io.Writer) (Result, error) {
	if cfg.Topic == "" {
		return Result{}, errors.New("topic: must not be empty")
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 10 * time.Second
	}
	remaining, err := startConsuming(ctx, client, cfg)
	if err != nil {
		return Result{}, err
	}
	v := &verifier{cfg: cfg, tracker: newTracker(), lat: newLatencyRecorder()}
	lastProgress := time.Now()
	for len(remaining) > 0 || cfg.Bounds == nil {
		pctx, cancel := ctx, context.CancelFunc(func() {})
		if cfg.Bounds == nil {
			pctx, cancel = context.WithTimeout(ctx, cfg.IdleTimeout)
		}
		fs := client.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			return Result{}, ctx.Err()
		}
		if fs.IsClientClosed() {
			return Result{}, errors.New("client closed while verifying")
		}
		n := 0
		var fetchErr error
		fs.EachError(func(_ string, _ int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && fetchErr == nil {
				fetchErr = err
			}
		})
		if fetchErr != nil {
			return Result{}, fmt.Errorf("fetch %q: %w", cfg.Topic, fetchErr)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if cfg.Bounds != nil {
				end, ok := remaining[r.Partition]
				if !ok || r.Offset >= end {
					return
				}
				if r.Offset == end-1 {
					delete(remaining, r.Partition)
				}
			}
			v.add(r)
			n++
		})
		if cfg.Bounds == nil && n == 0 {
			break // idle
		}
		if progress != nil && time.Since(lastProgress) > 5*time.Second {
			fmt.Fprintf(progress, "verified %d records\n", v.records)
			lastProgress = time.Now()
		}
	}
	return v.result(), nil
}

// startConsuming adds the partitions to the client and returns, in bounded mode, the end
// offset still to reach per partition.
func startConsuming(ctx context.Context, client *kgo.Client, cfg Config) (map[int32]int64, error) {
	offsets := map[int32]kgo.Offset{}
	remaining := map[int32]int64{}
	if cfg.Bounds != nil {
		for p, r := range cfg.Bounds {
			if r.End > r.Start {
				offsets[p] = kgo.NewOffset().At(r.Start)
				remaining[p] = r.End
			}
		}
	} else {
		ends, err := kadm.NewClient(client).ListEndOffsets(ctx, cfg.Topic)
		if err != nil {
			return nil, fmt.Errorf("list partitions of %q: %w", cfg.Topic, err)
		}
		ends.Each(func(o kadm.ListedOffset) {
			if o.Topic == cfg.Topic && o.Err == nil {
				offsets[o.Partition] = kgo.NewOffset().AtStart()
			}
		})
		if len(offsets) == 0 {
			return nil, fmt.Errorf("topic %q not found", cfg.Topic)
		}
	}
	if len(offsets) > 0 {
		client.AddConsumePartitions(map[string]map[int32]kgo.Offset{cfg.Topic: offsets})
	}
	return remaining, nil
}

type verifier struct {
	cfg           Config
	tracker       *tracker
	lat           *latencyRecorder
	fields        Fields
	records       int64
	malformed     int64
	missingFields int64
	first, last   time.Time
}

func (v *verifier) add(r *kgo.Record) {
	v.records++
	if v.first.IsZero() || r.Timestamp.Before(v.first) {
		v.first = r.Timestamp
	}
	if r.Timestamp.After(v.last) {
		v.last = r.Timestamp
	}
	f := &v.fields
	if err := Extract(r.Value, f); err != nil || f.DeviceID == nil || !f.HasSeq || f.Seq >= maxSeq {
		v.malformed++
		return
	}
	v.tracker.add(f.DeviceID, f.Seq, r.Partition)
	if f.EnqueuedAt == 0 || f.ProcessedAt == 0 {
		v.missingFields++
		return
	}
	outTS := r.Timestamp.UnixMicro()
	v.lat.record(v.lat.pipeline, outTS-f.EnqueuedAt)
	v.lat.record(v.lat.inJob, f.ProcessedAt-f.EnqueuedAt)
	if f.CreatedAt != 0 {
		v.lat.record(v.lat.endToEnd, outTS-f.CreatedAt)
	}
}

func (v *verifier) result() Result {
	res := Result{
		Records: v.records, Events: v.tracker.events, Missing: v.tracker.missing(v.cfg.SequencesStartAtZero),
		Duplicates: v.tracker.duplicates, OutOfOrder: v.tracker.outOfOrder, Malformed: v.malformed,
		MissingFields: v.missingFields, Devices: len(v.tracker.devices),
		FirstTimestamp: v.first.UTC(), LastTimestamp: v.last.UTC(),
		LatencyMs: v.lat.result(), NegativeLatencies: v.lat.negative,
	}
	if span := v.last.Sub(v.first).Seconds(); span > 0 {
		res.RatePerSec = float64(v.records) / span
	}
	return res
}
