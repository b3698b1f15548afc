package verify

import (
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// logAppendTime is the record batch timestamp type of a broker-stamped record (Kafka's
// attributes bit 3; 0 is CreateTime).
const logAppendTime = 1

type verifier struct {
	cfg            Config
	keys           keyer
	rec            *reconciler
	inputRecords   int64
	inputMalformed int64
	tracker        *tracker
	series         *intervalRecorder
	lat            *latencyRecorder
	fields         Fields
	content        contentCheck
	recordStamps
	malformed     int64
	missingFields int64
	outside       int64
}

// recordStamps counts the output records read and their broker timestamps: how many, how
// many carry the producer's (CreateTime) instead of the append time, the first and the last.
type recordStamps struct {
	records, createTime int64
	first, last         time.Time
}

// see counts r.
func (s *recordStamps) see(r *kgo.Record) {
	s.records++
	if r.Attrs.TimestampType() != logAppendTime {
		s.createTime++
	}
	if s.first.IsZero() || r.Timestamp.Before(s.first) {
		s.first = r.Timestamp
	}
	if r.Timestamp.After(s.last) {
		s.last = r.Timestamp
	}
}

// addInput takes one record of the input window: an event is counted for reconciliation with
// what its output must be (content); anything else is not an event.
func (v *verifier) addInput(r *kgo.Record) {
	f := &v.fields
	v.inputRecords++
	if extractInput(r.Value, f) == nil && f.DeviceID != nil && f.HasSeq && f.Seq < maxSeq {
		v.rec.addInput(v.keys.key(f), f.DeviceID, f.Seq, r.Partition, v.content.hasher.input(r.Value, f, r.Timestamp.UnixMilli()))
	} else {
		v.inputMalformed++
	}
}

// add takes one output record.
func (v *verifier) add(r *kgo.Record) {
	f := &v.fields
	err := Extract(r.Value, f)
	if err == nil && f.EnqueuedAt != 0 && v.outsideWindow(f.EnqueuedAt) { // no enqueuedAt: counted below as missing fields
		v.outside++
		return
	}
	v.see(r)
	if err != nil || f.DeviceID == nil || !f.HasSeq || f.Seq >= maxSeq {
		v.malformed++
		return
	}
	k := v.keys.key(f)
	if v.rec != nil {
		if first, more, ok := v.rec.addOutput(k, f.DeviceID, f.Seq); ok {
			v.content.check(r.Value, f, first, more, func() string { return example(k, f, r) })
		}
	}
	v.tracker.add(k, f.DeviceID, f.Seq, r.Partition)
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
		MissingFields: v.missingFields, Devices: v.tracker.devices(), Isolation: "read_committed",
		Runs: v.tracker.runs(), ForeignEvents: v.tracker.foreignEvents(),
		FirstTimestamp: v.first.UTC(), LastTimestamp: v.last.UTC(),
		LatencyMs: v.lat.result(), NegativeLatencies: v.lat.negative, NegativeByLatency: v.lat.negativeBy, Intervals: v.series.series(v.first, v.last),
		OutsideWindow: v.outside, LatenciesOverADay: v.lat.overDay, CreateTimeRecords: v.createTime,
	}
	if v.rec != nil {
		rc := v.rec.result()
		res.Reconciled, res.InputEvents, res.InputNotEvents, res.InputRecords = true, rc.inputEvents, v.inputMalformed, v.inputRecords
		res.Runs, res.ForeignEvents = rc.runs, rc.foreignEvents
		res.Missing, res.Unexpected, res.Duplicates, res.SourceDuplicates = rc.missing, rc.unexpected, rc.duplicates, rc.sourceDuplicates
		res.Altered, res.Misstamped = v.content.altered, v.content.misstamped
		res.AlteredExamples, res.MisstampedExamples = v.content.alteredEx, v.content.misstampedEx
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
