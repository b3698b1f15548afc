package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/latency"
	"github.com/streamscale/streamscale/internal/tags"
)

// The jobs whose output Run verifies (Config.Job). verify imports nothing of the jobs it
// verifies; TestJobNamesAreRelays pins these to relay.JobRelay and relay.JobComplex.
const (
	// JobRelay's output is the input's events, each with enqueuedAt and processedAt.
	JobRelay = "relay"
	// JobComplex's output is per-device tags (docs/tag.schema.json), recomputed from the input
	// window by internal/tags.
	JobComplex = "complex"
)

// TagResult is the reconciliation of the complex job's tags with the tags recomputed from the
// input window; its JSON names are part of the CLI's contract (docs/architecture.md, "The
// complex job", its verification; README, "Verifying the complex job's tags").
type TagResult struct {
	// Expected counts the tags the job must have written for the window (count and value
	// tags, and the NoNews tags whose deadline the watermark certainly passed).
	Expected int `json:"expected"`
	// Written counts the tag records read, Distinct the distinct (deviceId, tag,
	// triggerEventId) among them.
	Written  int `json:"written"`
	Distinct int `json:"distinct"`
	// Missing, Unexpected and Duplicated count the expected tags not written, the tags written
	// that the window does not make, and the tags written more than once; the examples name up
	// to five of each as "deviceId tag triggerEventId" (a duplicate with its count).
	Missing            int      `json:"missing"`
	Unexpected         int      `json:"unexpected"`
	Duplicated         int      `json:"duplicated"`
	MissingExamples    []string `json:"missingExamples,omitempty"`
	UnexpectedExamples []string `json:"unexpectedExamples,omitempty"`
	DuplicatedExamples []string `json:"duplicatedExamples,omitempty"`
	// PendingWritten and PendingOpen count the NoNews tags that may or may not be written yet
	// (the watermark did not certainly pass their deadline inside the window), written and not.
	PendingWritten int `json:"pendingWritten"`
	PendingOpen    int `json:"pendingOpen"`
	// BeforeWindow counts distinct tags read whose trigger event came before the input window
	// (it rebuilt the devices' state): left out, neither expected nor unexpected.
	BeforeWindow int `json:"beforeWindow"`
	// StateRecords counts the input records read before the window to rebuild the devices'
	// state, from StateStart per partition.
	StateRecords int64           `json:"stateRecords"`
	StateStart   map[int32]int64 `json:"stateStart,omitempty"`
	// ByKind counts the window's tag records read (not the BeforeWindow ones) per kind:
	// FirstTagForThisKey, <n>RecordsForThisKey,
	// SeveralTemperaturesIn70s, HighCO2WithSeveralTemperaturesIn70s, NoNewsForAtLeast45000ms.
	ByKind map[string]int `json:"byKind"`
	// TimerLatencyMs is the NoNews tags' latency: output append time − the trigger event's
	// enqueuedAt, at least 45 s of event time by design, so kept apart from Result.LatencyMs.
	TimerLatencyMs Percentiles `json:"timerLatencyMs"`
}

// TagKinds are the tag kinds in the job's order, for tables (TagResult.ByKind's keys).
var TagKinds = []string{tags.First, "<n>" + tags.RecordsSuffix, tags.SeveralTemperatures, tags.HighCO2, tags.NoNews}

// tagRecord is a tag as the complex job writes it.
type tagRecord struct {
	DeviceID              string `json:"deviceId"`
	ProcessedAt           string `json:"processedAt"`
	TriggerEventCreatedAt string `json:"triggerEventCreatedAt"`
	TriggerEventID        string `json:"triggerEventId"`
	Tag                   string `json:"tag"`
}

// runTags is Run for the complex job: read the input from cfg.StateStart (default: the log
// start) to the window's start to rebuild the devices' state, recompute the window's tags,
// then read the output (draining until every expected tag came out, with cfg.Drain) and
// reconcile.
func runTags(ctx context.Context, client *kgo.Client, cfg Config, progress io.Writer) (Result, error) {
	if cfg.InputBounds == nil || cfg.InputTopic == "" {
		return Result{}, errors.New("the complex job's tags are recomputed from an input window: set InputTopic and InputBounds")
	}
	if !cfg.EnqueuedFrom.IsZero() || !cfg.EnqueuedTo.IsZero() {
		return Result{}, errors.New("the complex job's tags carry no enqueuedAt to filter a time window by: verify a recorded run's window")
	}
	in := client
	if cfg.InputClient != nil { // the input on another cluster (Azure's namespace #1)
		in = cfg.InputClient
	}
	stateStart, err := tagStateStart(ctx, in, cfg)
	if err != nil {
		return Result{}, err
	}
	tr := &TagResult{StateStart: stateStart}
	exp, inputRecords, inputEvents, err := expectTags(ctx, in, cfg, tr, progress)
	if err != nil {
		return Result{}, err
	}

	v := newTagVerifier(exp, cfg.Interval)
	v.prefix = cfg.DevicePrefix
	out := readSpec{topic: cfg.Topic, bounds: cfg.Bounds, idle: cfg.IdleTimeout}
	if cfg.Drain {
		out.drain, out.drained = func() int64 { return int64(v.outstanding) }, cfg.drained
		fmt.Fprintf(progress, "waiting for the %d tags the input window makes in %q (read_committed)\n", v.outstanding, cfg.Topic)
	}
	read, err := readWindow(ctx, client, out, progress, v.add)
	if err != nil {
		return Result{}, err
	}
	res := v.result(tr)
	res.OutputWindow, res.InputRecords, res.InputEvents, res.InputNotEvents = read, inputRecords, inputEvents, inputRecords-inputEvents
	if cfg.Drain && v.outstanding > 0 {
		// Per input partition is not known here: partition -1 ("unknown") holds them all.
		res.Awaited, res.AwaitedExamples = map[int32]int64{-1: int64(v.outstanding)}, res.Tags.MissingExamples
		fmt.Fprintf(progress, "no more of the window's tags came out of %q for %s: still waiting for %d (e.g. %v); verifying what arrived\n",
			cfg.Topic, cfg.IdleTimeout, v.outstanding, res.Tags.MissingExamples)
	}
	return res, nil
}

// tagStateStart is where rebuilding the devices' state starts per input partition:
// cfg.StateStart, else the start of the input topic's log.
func tagStateStart(ctx context.Context, in *kgo.Client, cfg Config) (map[int32]int64, error) {
	if cfg.StateStart != nil {
		return cfg.StateStart, nil
	}
	spans, err := kafkaconn.Spans(ctx, kadm.NewClient(in), cfg.InputTopic)
	if err != nil {
		return nil, err
	}
	stateStart := map[int32]int64{}
	for p, sp := range spans {
		stateStart[p] = sp.Start
	}
	return stateStart, nil
}

// expectTags recomputes the tags the input window makes: it rebuilds the devices' state from
// tr.StateStart to the window's start (counting those records in tr.StateRecords), reads the
// window and keeps the tags of cfg.DevicePrefix's devices. It also returns how many records
// the window held and how many of them were events.
func expectTags(ctx context.Context, in *kgo.Client, cfg Config, tr *TagResult, progress io.Writer) (exp tags.Expected, inputRecords, inputEvents int64, err error) {
	x := tags.NewExpecter()
	before := map[int32]OffsetRange{}
	for p, w := range cfg.InputBounds {
		x.Partitions(p)
		if s, ok := tr.StateStart[p]; ok && s < w.Start {
			before[p] = OffsetRange{Start: s, End: w.Start}
		}
	}
	record := func(r *kgo.Record) tags.Record {
		return tags.Record{Partition: r.Partition, Offset: r.Offset, Value: r.Value, EnqueuedAt: r.Timestamp.UnixMicro()}
	}
	if len(before) > 0 {
		fmt.Fprintf(progress, "rebuilding the devices' state from %q before the window (read_committed)\n", cfg.InputTopic)
		_, err := readWindow(ctx, in, readSpec{topic: cfg.InputTopic, bounds: before, idle: cfg.IdleTimeout}, progress, func(r *kgo.Record) {
			tr.StateRecords++
			x.AddBefore(record(r))
		})
		if err != nil {
			return tags.Expected{}, 0, 0, err
		}
	}
	_, err = readWindow(ctx, in, readSpec{topic: cfg.InputTopic, bounds: cfg.InputBounds, idle: cfg.IdleTimeout}, progress, func(r *kgo.Record) {
		inputRecords++
		if _, ok := tags.ParseEvent(r.Value); ok {
			inputEvents++
		}
		x.Add(record(r))
	})
	if err != nil {
		return tags.Expected{}, 0, 0, err
	}
	exp = x.Expected()
	if cfg.DevicePrefix != "" {
		for _, set := range []map[tags.Key]bool{exp.Must, exp.Pending} {
			for k := range set {
				if !strings.HasPrefix(k.DeviceID, cfg.DevicePrefix) {
					delete(set, k)
				}
			}
		}
	}
	return exp, inputRecords, inputEvents, nil
}

// tagVerifier checks the output records against the expected tags as they are read.
type tagVerifier struct {
	exp         tags.Expected
	prefix      string // Config.DevicePrefix
	outstanding int    // expected tags not read yet
	seen        map[tags.Key]bool
	written     []tags.Key
	devices     map[string]bool
	lat         *latencyRecorder
	timer       *hdrhistogram.Histogram
	series      *intervalRecorder
	recordStamps
	malformed int64
	outside   int64
}

func newTagVerifier(exp tags.Expected, interval time.Duration) *tagVerifier {
	return &tagVerifier{
		exp: exp, outstanding: len(exp.Must), seen: map[tags.Key]bool{}, devices: map[string]bool{},
		lat: newLatencyRecorder(), timer: latency.NewHistogram(), series: newIntervalRecorder(interval),
	}
}

func (v *tagVerifier) add(r *kgo.Record) {
	var t tagRecord
	err := json.Unmarshal(r.Value, &t)
	if err == nil && v.prefix != "" && t.DeviceID != "" && !strings.HasPrefix(t.DeviceID, v.prefix) {
		v.outside++
		return
	}
	v.see(r)
	if err != nil || t.DeviceID == "" || t.Tag == "" || t.TriggerEventID == "" {
		v.malformed++
		return
	}
	k := tags.Key{DeviceID: t.DeviceID, Tag: t.Tag, TriggerEventID: t.TriggerEventID}
	v.written = append(v.written, k)
	v.devices[k.DeviceID] = true
	if !v.seen[k] {
		v.seen[k] = true
		if v.exp.Must[k] {
			v.outstanding--
		}
	}
	v.series.add(r.Timestamp, v.latencies(r, k, t))
}

// latencies are a tag's latencies, recorded: none for a tag without a trigger event in the
// window (unexpected, or from before the window); a NoNews tag's only in the timer histogram.
func (v *tagVerifier) latencies(r *kgo.Record, k tags.Key, t tagRecord) sample {
	enq, ok := v.exp.EnqueuedAt[k]
	if !ok {
		return sample{}
	}
	outTS := r.Timestamp.UnixMicro()
	if k.Tag == tags.NoNews {
		latency.Record(v.timer, outTS-enq)
		return sample{}
	}
	s := sample{pipeline: outTS - enq, hasPipeline: true}
	if c, err := time.Parse(time.RFC3339Nano, t.TriggerEventCreatedAt); err == nil {
		s.endToEnd, s.hasEndToEnd = outTS-c.UnixMicro(), true
	}
	if p, err := time.Parse(time.RFC3339Nano, t.ProcessedAt); err == nil {
		s.inJob, s.hasInJob = p.UnixMicro()-enq, true
	}
	v.lat.add(s)
	return s
}

// result reconciles what was read and fills the Result: Missing, Unexpected and Duplicates
// count tags, Events the distinct tags read, LatencyMs the tags triggered by an event.
func (v *tagVerifier) result(tr *TagResult) Result {
	rc := tags.Reconcile(v.exp, v.written)
	tr.Expected, tr.Written, tr.Distinct = rc.Expected, rc.Written, len(v.seen)
	tr.Missing, tr.Unexpected, tr.Duplicated = len(rc.Missing), len(rc.Unexpected), len(rc.Duplicated)
	tr.MissingExamples, tr.UnexpectedExamples = examples(rc.Missing), examples(rc.Unexpected)
	var extra int64
	dups := make([]tags.Key, 0, len(rc.Duplicated))
	for k, n := range rc.Duplicated {
		extra += int64(n - 1)
		dups = append(dups, k)
	}
	slices.SortFunc(dups, func(a, b tags.Key) int {
		switch {
		case a.String() < b.String():
			return -1
		case a.String() > b.String():
			return 1
		}
		return 0
	})
	for _, k := range dups[:min(len(dups), 5)] {
		tr.DuplicatedExamples = append(tr.DuplicatedExamples, fmt.Sprintf("%s ×%d", k, rc.Duplicated[k]))
	}
	tr.PendingWritten, tr.PendingOpen, tr.BeforeWindow, tr.ByKind = rc.PendingWritten, rc.PendingOpen, rc.BeforeWindow, rc.ByTag
	tr.TimerLatencyMs = latency.Summarize(v.timer)
	res := Result{
		Reconciled: true, Isolation: "read_committed", Tags: tr,
		Records: v.records, Events: int64(len(v.seen)), Malformed: v.malformed, Devices: len(v.devices),
		Missing: int64(tr.Missing), Unexpected: int64(tr.Unexpected), Duplicates: extra,
		FirstTimestamp: v.first.UTC(), LastTimestamp: v.last.UTC(), CreateTimeRecords: v.createTime,
		LatencyMs: v.lat.result(), NegativeLatencies: v.lat.negative, NegativeByLatency: v.lat.negativeBy, LatenciesOverADay: v.lat.overDay,
		Intervals: v.series.series(v.first, v.last), OutsideWindow: v.outside,
	}
	if span := v.last.Sub(v.first).Seconds(); span > 0 {
		res.RatePerSec = float64(v.records) / span
	}
	res.SteadyRatePerSec = steadyRate(res.Intervals, res.RatePerSec)
	return res
}

// examples are up to five keys as strings.
func examples(ks []tags.Key) []string {
	var out []string
	for _, k := range ks[:min(len(ks), 5)] {
		out = append(out, k.String())
	}
	return out
}
