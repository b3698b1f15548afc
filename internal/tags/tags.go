// Package tags recomputes in Go the tags the complex Flink job (jvm/relay-job ComplexJob) must
// write for a window of input records, and reconciles them with the tags it wrote: missing,
// unexpected and duplicated tags, each by (deviceId, tag, triggerEventId). The rules are the
// Azure sample's own (ComplexEventProcessingLogic and SampleState in
// Azure-Samples/streaming-at-scale, components/apache-flink/flink-kafka-consumer, commit
// 4a2c4b8), written here from the sample, not from the job, with the job's documented
// deviations (docs/architecture.md, "The complex job"); a differential test
// (integration/tags_differential_integration_test.go) runs random sequences through both.
package tags

import (
	"bytes"
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"time"
)

// Tag names, as the job writes them.
const (
	First               = "FirstTagForThisKey"
	RecordsSuffix       = "RecordsForThisKey"
	SeveralTemperatures = "SeveralTemperaturesIn70s"
	HighCO2             = "HighCO2WithSeveralTemperaturesIn70s"
	NoNews              = "NoNewsForAtLeast45000ms"
)

// Job constants.
const (
	// Buffer is how many events the job keeps per device.
	Buffer = 10
	// NoNewsMillis is the event-time quiet period after an event that makes a NoNews tag.
	NoNewsMillis = 45_000
	// OutOfOrdernessMillis is the job's bounded out-of-orderness.
	OutOfOrdernessMillis = 60_000
)

// Record is one input record of the window: where it was and its value.
type Record struct {
	Partition int32
	Offset    int64
	Value     []byte
	// EnqueuedAt is the record's Kafka timestamp in µs since the epoch (the job's enqueuedAt
	// for a relayed event), 0 when unknown.
	EnqueuedAt int64
}

// Event is the part of an input event the tags depend on.
type Event struct {
	DeviceID, EventID, Type, CreatedAt string
	Value                              float64
	// CreatedAtMillis is CreatedAt in Unix milliseconds, sub-millisecond digits dropped.
	CreatedAtMillis int64
	// EnqueuedAt is its record's Record.EnqueuedAt.
	EnqueuedAt int64
	// before says the event came before the window (Expecter.AddBefore).
	before bool
}

// Key identifies a tag: the job never writes the same key twice.
type Key struct {
	DeviceID, Tag, TriggerEventID string
}

// String is the key as "deviceId tag triggerEventId".
func (k Key) String() string { return k.DeviceID + " " + k.Tag + " " + k.TriggerEventID }

// Expected is what the job must write for a window: Must holds the tags it must write exactly
// once, Pending the NoNews tags it may or may not have written yet (the watermark did not
// certainly pass their deadline, or passed it while the device's next event was on its way).
type Expected struct {
	Must    map[Key]bool
	Pending map[Key]bool
	// Before holds the tags (must or pending) triggered by events before the window
	// (Expecter.AddBefore): the job may have written them before the output window or in it.
	Before map[Key]bool
	// EnqueuedAt is, for the keys of Must and Pending whose record had one, the
	// Record.EnqueuedAt of the event whose processing writes the tag (the trigger event: the
	// event itself for the tags an event makes, the device's last event for NoNews).
	EnqueuedAt map[Key]int64
	// Repeats counts, per key, the times the job writes it again by its rules (an eventId that
	// comes back after its first copy left the device's buffer makes its tags anew; see
	// docs/architecture.md): written 1 + Repeats times, it is no duplicate.
	Repeats map[Key]int
}

// ParseEvent returns the event in a record's value, or false when the job would dead-letter
// it: not a JSON object, or without a string deviceId, eventId, type and createdAt (RFC 3339)
// and a number value.
func ParseEvent(value []byte) (Event, bool) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(value, &raw); err != nil || raw == nil {
		return Event{}, false
	}
	var e Event
	for name, dst := range map[string]*string{"deviceId": &e.DeviceID, "eventId": &e.EventID, "type": &e.Type, "createdAt": &e.CreatedAt} {
		r, ok := raw[name]
		if !ok || len(r) == 0 || r[0] != '"' || json.Unmarshal(r, dst) != nil {
			return Event{}, false
		}
	}
	v, ok := raw["value"]
	if !ok || len(v) == 0 || !(v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) {
		return Event{}, false
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return Event{}, false
	}
	e.Value = f
	ms, ok := parseMillis(e.CreatedAt)
	if !ok {
		return Event{}, false
	}
	e.CreatedAtMillis = ms
	return e, true
}

func parseMillis(s string) (int64, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, false
	}
	return t.UnixMilli(), true
}

var createdAtField = []byte(`"createdAt":"`)

// recordTime is the record's event time as the job's watermarks see it: the first
// "createdAt":"…" in its bytes (EventTime.ofRecord), or false.
func recordTime(value []byte) (int64, bool) {
	i := bytes.Index(value, createdAtField)
	if i < 0 {
		return 0, false
	}
	rest := value[i+len(createdAtField):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 || j > 64 {
		return 0, false
	}
	return parseMillis(string(rest[:j]))
}

// Expect recomputes the tags for records, the input window: each partition's records in
// offset order (the order the job reads them; a device's events are all in one partition).
// The window must start where the devices' state starts (a fresh job, or every device's
// first event inside it); events before it are not known here (see Expecter for a window
// with the records before it).
func Expect(records []Record) Expected {
	rs := append([]Record(nil), records...)
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Partition != rs[j].Partition {
			return rs[i].Partition < rs[j].Partition
		}
		return rs[i].Offset < rs[j].Offset
	})
	x := NewExpecter()
	for _, r := range rs {
		x.Add(r)
	}
	return x.Expected()
}

// Expecter recomputes the tags record by record, for an input window too large to hold:
// Add each partition's records in offset order (partitions may interleave, as a Kafka
// consumer delivers them), then call Expected once.
//
// Records given to AddBefore come before the window: they rebuild the devices' state (the job
// read them too) and move the watermark, and the tags they trigger land in Expected.Before,
// neither expected nor unexpected in the window's output.
type Expecter struct {
	exp     Expected
	devices map[string]*device
	// maxSeen is each partition's largest event time so far.
	maxSeen    map[int32]int64
	partitions map[int32]bool
}

// NewExpecter starts a recomputation with no device state.
func NewExpecter() *Expecter {
	return &Expecter{
		exp:     Expected{Must: map[Key]bool{}, Pending: map[Key]bool{}, Before: map[Key]bool{}, EnqueuedAt: map[Key]int64{}, Repeats: map[Key]int{}},
		devices: map[string]*device{}, maxSeen: map[int32]int64{}, partitions: map[int32]bool{},
	}
}

// Partitions names every partition of the input topic: one without any record holds the
// job's watermark back, so no NoNews tag is then certain.
func (x *Expecter) Partitions(ps ...int32) {
	for _, p := range ps {
		x.partitions[p] = true
	}
}

// Add is the next record of the window in its partition.
func (x *Expecter) Add(r Record) { x.add(r, false) }

// AddBefore is the next record before the window in its partition (all of a partition's
// records before the window come before its first Add).
func (x *Expecter) AddBefore(r Record) { x.add(r, true) }

func (x *Expecter) add(r Record, before bool) {
	x.partitions[r.Partition] = true
	maxSeen, seen := x.maxSeen[r.Partition]
	t, timed := recordTime(r.Value)
	if timed && (!seen || t > maxSeen) {
		x.maxSeen[r.Partition] = t
	}
	e, ok := ParseEvent(r.Value)
	if !ok {
		return
	}
	e.EnqueuedAt, e.before = r.EnqueuedAt, before
	d := x.devices[e.DeviceID]
	if d == nil {
		d = &device{}
		x.devices[e.DeviceID] = d
	}
	if d.has(e.EventID) {
		return // the job ignores a duplicate of a buffered event
	}
	if d.last != nil {
		// The previous event's timer: certainly not fired yet while this partition's
		// watermark is below its deadline. Past it, the timer may have fired before this
		// event came: pending.
		prev := *d.last
		if seen && maxSeen-OutOfOrdernessMillis-1 >= prev.CreatedAtMillis+NoNewsMillis {
			x.expect(Key{prev.DeviceID, NoNews, prev.EventID}, prev, x.exp.Pending)
		}
	}
	for _, em := range d.add(e) {
		// The tag is written when e is processed: e's window and enqueuedAt are the tag's.
		x.expect(Key{e.DeviceID, em.tag, em.trigger.EventID}, e, x.exp.Must)
	}
	ev := e
	d.last = &ev
	// The job's watermark when e is processed is at most its partition's bound with e (the
	// watermarks that reach the job before e cover only records before it in its partition).
	d.lastBound = math.MinInt64
	if m, ok := x.maxSeen[r.Partition]; ok {
		d.lastBound = m - OutOfOrdernessMillis - 1
	}
}

// expect puts k, emitted when event cause is processed, into set, or into Before when cause
// came before the window; a key expected again counts in Repeats.
func (x *Expecter) expect(k Key, cause Event, set map[Key]bool) {
	if x.exp.Must[k] || x.exp.Pending[k] || x.exp.Before[k] {
		x.exp.Repeats[k]++
	}
	if cause.before {
		x.exp.Before[k] = true
		return
	}
	set[k] = true
	if _, ok := x.exp.EnqueuedAt[k]; !ok && cause.EnqueuedAt != 0 {
		x.exp.EnqueuedAt[k] = cause.EnqueuedAt
	}
}

// Expected finishes the recomputation: each device's last event's NoNews tag is a must when
// the watermark at the end (the minimum over the partitions of their last event time − the
// out-of-orderness − 1 ms; a partition without event time holds it back) reached its
// deadline and is above the watermark the event may have come at, pending otherwise.
func (x *Expecter) Expected() Expected {
	watermark, known := int64(0), len(x.partitions) > 0
	first := true
	for p := range x.partitions {
		m, ok := x.maxSeen[p]
		if !ok {
			known = false
			break
		}
		if w := m - OutOfOrdernessMillis - 1; first || w < watermark {
			watermark, first = w, false
		}
	}
	for _, d := range x.devices {
		if d.last == nil {
			continue
		}
		k := Key{d.last.DeviceID, NoNews, d.last.EventID}
		// A timer fires when the watermark advances past it: for a last event that came
		// when the watermark may already have passed its deadline (a late event), only a
		// watermark above the one it may have come at is certain to fire it.
		if known && watermark >= d.last.CreatedAtMillis+NoNewsMillis && watermark > d.lastBound {
			x.expect(k, *d.last, x.exp.Must)
		} else {
			x.expect(k, *d.last, x.exp.Pending)
		}
	}
	return x.exp
}
