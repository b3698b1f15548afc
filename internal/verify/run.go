package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

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
	// IdleTimeout ends an unbounded read and a drain (no awaited event for this long), and
	// fails a bounded read that gets no record for this long short of its end with a
	// ShortReadError (default 10s).
	IdleTimeout time.Duration
	// SequencesStartAtZero counts sequence numbers below a device's first seen one as missing
	// (true for a window that holds a whole generator run).
	SequencesStartAtZero bool
	// InputTopic and InputBounds, when InputBounds is set, switch to exact reconciliation:
	// the input window is read first and every input event is matched with the output by its
	// identity (run, deviceId, deviceSequenceNumber; eventKey), replacing the gap heuristic.
	InputTopic  string
	InputBounds map[int32]OffsetRange
	// InputClient, when set, reads InputTopic: the input lives on another cluster than the
	// output (Event Hubs' two namespaces). Default: the client Run is given. Make it with
	// ClientOpts too.
	InputClient *kgo.Client
	// Drain, with InputBounds, reads the output from the starts of Bounds (their ends are
	// ignored) until every input event of the window has come out, or until IdleTimeout passes
	// without one more of them arriving; Result.OutputWindow says how far it read. For a
	// window whose output may still be on its way: at-least-once replays can fill the output
	// with as many records as the input before its last events arrive.
	Drain bool
	// Interval is the width of the per-interval series in Result.Intervals (default 10s).
	Interval time.Duration
	// EnqueuedFrom and EnqueuedTo, when set, keep only output records whose enqueuedAt (their
	// input record's timestamp) lies in [EnqueuedFrom, EnqueuedTo): a time window's output,
	// read with some slack past its end, without the neighbours' records.
	EnqueuedFrom, EnqueuedTo time.Time

	// Job is the Flink job that wrote the output: JobRelay (or "") or JobComplex. For
	// JobComplex the output is tags: with InputBounds (required) Run recomputes from the input
	// window every tag the job must write and reconciles the output with them (Result.Tags);
	// Drain then waits for those tags. Bounds, Drain and Interval apply as for the relay;
	// EnqueuedFrom/To and SequencesStartAtZero do not.
	Job string
	// StateStart, for JobComplex, is where the job's keyed state starts per input partition:
	// the input from there to InputBounds' starts is read first to rebuild the devices' state
	// (its tags are left out). nil: the input topic's log start, for a job that has read the
	// topic from its beginning (a job started fresh reads from the earliest offset).
	StateStart map[int32]int64
	// DevicePrefix, for JobComplex, reconciles only the tags of devices whose id starts with
	// it; other tags read count as OutsideWindow, and the tags the input makes for other
	// devices are not expected (a benchmark step's own devices, apart from the earlier steps'
	// late NoNews tags). "": every device.
	DevicePrefix string

	// drained, when set (tests), is called after each fetch of a drain with the number of
	// input events still awaited.
	drained func(awaited int64)
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config {
	return Config{Topic: "out", IdleTimeout: 10 * time.Second, Interval: 10 * time.Second}
}

// Result is what the verifier found; its JSON names are part of the CLI's contract.
type Result struct {
	// Reconciled is true when the output was matched against the input window; then Missing,
	// Unexpected, Duplicates and SourceDuplicates are exact.
	Reconciled bool `json:"reconciled"`
	// Isolation is how the topics were read: always read_committed, so a transactional
	// output shows only committed records (a non-transactional one reads the same).
	Isolation   string `json:"isolation"`
	InputEvents int64  `json:"inputEvents,omitempty"`
	// InputRecords counts the input records read (transaction markers are not records).
	InputRecords int64 `json:"inputRecords,omitempty"`
	// InputNotEvents counts input records in the window that are not events (not JSON, or
	// without deviceId/deviceSequenceNumber): the relay dead-letters what is not a JSON
	// object, so they are not expected in the output and not counted as missing.
	InputNotEvents   int64 `json:"inputNotEvents,omitempty"`
	Records          int64 `json:"records"`
	Events           int64 `json:"events"`
	Missing          int64 `json:"missing"`
	Unexpected       int64 `json:"unexpected"`
	Duplicates       int64 `json:"duplicates"`
	SourceDuplicates int64 `json:"sourceDuplicates"`
	OutOfOrder       int64 `json:"outOfOrder"`
	Malformed        int64 `json:"malformed"`
	MissingFields    int64 `json:"missingFields"`
	Devices          int   `json:"devices"`
	// Runs is the number of generator runs (one per instance) whose events were read, told
	// apart by the run identity in their eventIds.
	Runs int64 `json:"runs"`
	// ForeignEvents counts distinct events identified by their eventId, as it does not carry
	// a run identity of this generator (a foreign producer's, or an older version's).
	ForeignEvents int64 `json:"foreignEvents,omitempty"`
	// OutputWindow is the part of the output read, per partition: [start, last offset read
	// + 1). A drain sets its ends; they cover every record read.
	OutputWindow map[int32]OffsetRange `json:"outputWindow,omitempty"`
	// Altered, when Reconciled, counts output records whose value is not their input's as
	// the relay promises (docs/architecture.md, "Data contract"): the input object less its
	// top-level enqueuedAt/processedAt, then the two stamps, last, in UTC with milliseconds.
	// Misstamped counts output records whose enqueuedAt is not their input record's append
	// time to the millisecond. A few examples of each name the event and the output record
	// (partition/offset) and say what differs.
	Altered            int64    `json:"altered"`
	Misstamped         int64    `json:"misstamped"`
	AlteredExamples    []string `json:"alteredExamples,omitempty"`
	MisstampedExamples []string `json:"misstampedExamples,omitempty"`
	// Awaited, after a drain that ran out of time, is how many input events had not come out
	// per input partition, and AwaitedExamples a few of them.
	Awaited         map[int32]int64 `json:"awaited,omitempty"`
	AwaitedExamples []string        `json:"awaitedExamples,omitempty"`
	FirstTimestamp  time.Time       `json:"firstTimestamp"`
	LastTimestamp   time.Time       `json:"lastTimestamp"`
	RatePerSec      float64         `json:"ratePerSec"`
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
	// Tags, for the complex job (Config.Job), is the tags' reconciliation. Then Missing,
	// Unexpected and Duplicates (extra copies) count tags, Events the distinct tags read,
	// Records the tag records, and LatencyMs is the tags' latency: pipeline = output append
	// time − the trigger event's enqueuedAt, end-to-end = − its createdAt, in-job = the tag's
	// processedAt − enqueuedAt, for the tags an event triggers (NoNews apart:
	// Tags.TimerLatencyMs).
	Tags *TagResult `json:"tags,omitempty"`
}

// ClientOpts are the consumer settings Run needs of its client: read_committed, so that a
// transactional (exactly-once) output shows only committed records and never aborted ones,
// with the transaction markers kept, so that a window ending on one is seen to end. A
// non-transactional topic reads the same.
func ClientOpts() []kgo.Opt {
	return []kgo.Opt{kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords()}
}

// readCommitted is the isolation level ClientOpts set, as kgo's OptValue reports it.
const readCommitted int8 = 1

// Run reads cfg.Topic with client (made with ClientOpts; Run adds the partitions to consume)
// and checks every record; with cfg.InputBounds it first reads the input window and
// reconciles. For the complex job (cfg.Job) it reconciles the tags instead (Result.Tags).
// progress (nil for none) gets a line every few seconds and notes.
func Run(ctx context.Context, client *kgo.Client, cfg Config, progress io.Writer) (Result, error) {
	if cfg.Topic == "" {
		return Result{}, errors.New("topic: must not be empty")
	}
	lvl, _ := client.OptValue(kgo.FetchIsolationLevel).(int8)
	keep, _ := client.OptValue(kgo.KeepControlRecords).(bool)
	if lvl != readCommitted || !keep {
		return Result{}, errors.New("client: make it with verify.ClientOpts (read_committed, control records kept)")
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 10 * time.Second
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 10 * time.Second
	}
	if progress == nil {
		progress = io.Discard
	}
	switch cfg.Job {
	case "", JobRelay:
	case JobComplex:
		return runTags(ctx, client, cfg, progress)
	default:
		return Result{}, fmt.Errorf("job %q: use %s or %s", cfg.Job, JobRelay, JobComplex)
	}
	v := &verifier{cfg: cfg, keys: newKeyer(), tracker: newTracker(), lat: newLatencyRecorder(), series: newIntervalRecorder(cfg.Interval)}
	if cfg.InputBounds != nil {
		if cfg.InputTopic == "" {
			return Result{}, errors.New("input topic: must be set with input bounds")
		}
		v.rec = newReconciler()
		v.tracker.rec = v.rec
		in := client
		if cfg.InputClient != nil {
			in = cfg.InputClient
		}
		_, err := readWindow(ctx, in, readSpec{topic: cfg.InputTopic, bounds: cfg.InputBounds, idle: cfg.IdleTimeout}, progress, v.addInput)
		if err != nil {
			return Result{}, err
		}
		v.rec.inputDone()
	} else if cfg.Drain {
		return Result{}, errors.New("drain: needs input bounds")
	}
	out := readSpec{topic: cfg.Topic, bounds: cfg.Bounds, idle: cfg.IdleTimeout}
	if cfg.Drain {
		out.drain, out.drained = func() int64 { return v.rec.outstanding }, cfg.drained
		fmt.Fprintf(progress, "waiting for the %d events of the input window in %q (read_committed)\n", v.rec.outstanding, cfg.Topic)
	}
	read, err := readWindow(ctx, client, out, progress, v.add)
	if err != nil {
		return Result{}, err
	}
	res := v.result()
	res.OutputWindow = read
	if cfg.Drain && v.rec.outstanding > 0 {
		res.Awaited, res.AwaitedExamples = v.rec.awaited(5)
		fmt.Fprintf(progress, "no more of the window's events came out of %q for %s: still waiting for %d (%s); verifying what arrived\n",
			cfg.Topic, cfg.IdleTimeout, v.rec.outstanding, describeAwaited(res.Awaited, res.AwaitedExamples))
	}
	return res, nil
}

// describeAwaited says in a few words where the awaited events were sent.
func describeAwaited(perPartition map[int32]int64, examples []string) string {
	parts := make([]int32, 0, len(perPartition))
	for p := range perPartition {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	var b strings.Builder
	b.WriteString("per input partition:")
	for i, p := range parts {
		if i == 8 {
			fmt.Fprintf(&b, " …")
			break
		}
		if p < 0 {
			fmt.Fprintf(&b, " unknown %d", perPartition[p])
		} else {
			fmt.Fprintf(&b, " %d: %d", p, perPartition[p])
		}
	}
	if len(examples) > 0 {
		fmt.Fprintf(&b, "; e.g. %s", strings.Join(examples, ", "))
	}
	return b.String()
}
