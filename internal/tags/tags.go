// Package tags recomputes in Go the tags the complex Flink job (jvm/relay-job ComplexJob) must
// write for a window of input records, and reconciles them with the tags it wrote: missing,
// unexpected and duplicated tags, each by (deviceId, tag, triggerEventId). The rules and the
// choices behind them are in docs/architecture.md, "The complex job"; this package must agree
// with the job's DeviceTags.
package tags

import (
	"bytes"
	"encoding/json"
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
}

// Event is the part of an input event the tags depend on.
type Event struct {
	DeviceID, EventID, Type, CreatedAt string
	Value                              float64
	// CreatedAtMillis is CreatedAt in Unix milliseconds, sub-millisecond digits dropped.
	CreatedAtMillis int64
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
// first event inside it); events before it are not known here.
func Expect(records []Record) Expected {
	byPartition := map[int32][]Record{}
	for _, r := range records {
		byPartition[r.Partition] = append(byPartition[r.Partition], r)
	}
	exp := Expected{Must: map[Key]bool{}, Pending: map[Key]bool{}}
	devices := map[string]*device{}
	finalMax := map[int32]int64{} // per partition: max event time in the window
	partitions := make([]int32, 0, len(byPartition))
	for p := range byPartition {
		partitions = append(partitions, p)
	}
	sort.Slice(partitions, func(i, j int) bool { return partitions[i] < partitions[j] })
	for _, p := range partitions {
		rs := byPartition[p]
		sort.Slice(rs, func(i, j int) bool { return rs[i].Offset < rs[j].Offset })
		maxSeen, seen := int64(0), false
		for _, r := range rs {
			if e, ok := ParseEvent(r.Value); ok {
				d := devices[e.DeviceID]
				if d == nil {
					d = &device{}
					devices[e.DeviceID] = d
				}
				if !d.has(e.EventID) {
					if d.last != nil {
						// The previous event's timer: certainly not fired yet while this
						// partition's watermark is below its deadline.
						// Past it, the timer may have fired before this event came: pending.
						prev := *d.last
						if seen && maxSeen-OutOfOrdernessMillis-1 >= prev.CreatedAtMillis+NoNewsMillis {
							exp.Pending[Key{prev.DeviceID, NoNews, prev.EventID}] = true
						}
					}
					for _, t := range d.add(e) {
						exp.Must[Key{e.DeviceID, t, e.EventID}] = true
					}
					ev := e
					d.last = &ev
				}
			}
			if t, ok := recordTime(r.Value); ok && (!seen || t > maxSeen) {
				maxSeen, seen = t, true
			}
		}
		if seen {
			finalMax[p] = maxSeen
		}
	}
	// The watermark at the end, at least: the minimum over the partitions of their last
	// watermark (a partition without event time holds it back).
	watermark, known := int64(0), len(finalMax) == len(partitions) && len(partitions) > 0
	first := true
	for _, m := range finalMax {
		if w := m - OutOfOrdernessMillis - 1; first || w < watermark {
			watermark, first = w, false
		}
	}
	for _, d := range devices {
		if d.last == nil {
			continue
		}
		k := Key{d.last.DeviceID, NoNews, d.last.EventID}
		if known && watermark >= d.last.CreatedAtMillis+NoNewsMillis {
			exp.Must[k] = true
		} else {
			exp.Pending[k] = true
		}
	}
	return exp
}

// device is one device's state as the job keeps it.
type device struct {
	buf  []Event // the last Buffer events, oldest first
	last *Event  // the device's last event
}

func (d *device) has(eventID string) bool {
	for _, b := range d.buf {
		if b.EventID == eventID {
			return true
		}
	}
	return false
}

// add appends e (not a buffered duplicate) and returns the tags it triggers, in the job's
// order.
func (d *device) add(e Event) []string {
	first := len(d.buf) == 0 && d.last == nil
	d.buf = append(d.buf, e)
	if len(d.buf) > Buffer {
		d.buf = d.buf[len(d.buf)-Buffer:]
	}
	var tags []string
	if first {
		tags = append(tags, First)
	}
	if n := len(d.buf); n > 1 && n < Buffer {
		tags = append(tags, strconv.Itoa(n)+RecordsSuffix)
	}
	temps := 0
	for _, b := range d.buf {
		if temperatureIn70s(b) {
			temps++
		}
	}
	if temperatureIn70s(e) && temps >= 2 {
		tags = append(tags, SeveralTemperatures)
	}
	if e.Type == "CO2" && e.Value > 80 && temps >= 2 {
		tags = append(tags, HighCO2)
	}
	return tags
}

func temperatureIn70s(e Event) bool { return e.Type == "TEMP" && e.Value >= 70 && e.Value < 80 }

// Result is the reconciliation of the tags the job wrote with the expected ones.
type Result struct {
	// Expected and Written count the tags that must be written and the tag records read.
	Expected, Written int
	// Missing are tags the job must have written and did not; Unexpected tags it wrote that
	// it must not; Duplicated tags it wrote more than once (with their count).
	Missing, Unexpected []Key
	Duplicated          map[Key]int
	// PendingWritten and PendingOpen count the pending NoNews tags written and not written.
	PendingWritten, PendingOpen int
	// ByTag counts the tags written per tag name (records, not distinct keys).
	ByTag map[string]int
}

// OK reports whether nothing is missing, unexpected or duplicated.
func (r Result) OK() bool {
	return len(r.Missing) == 0 && len(r.Unexpected) == 0 && len(r.Duplicated) == 0
}

// TagName returns a tag's kind for counting: "<n>RecordsForThisKey" for every count tag.
func TagName(tag string) string {
	if len(tag) > len(RecordsSuffix) && tag[len(tag)-len(RecordsSuffix):] == RecordsSuffix {
		return "<n>" + RecordsSuffix
	}
	return tag
}

// Reconcile compares written, the keys of the tag records read from the output window, with
// exp.
func Reconcile(exp Expected, written []Key) Result {
	res := Result{Expected: len(exp.Must), Written: len(written), Duplicated: map[Key]int{}, ByTag: map[string]int{}}
	count := map[Key]int{}
	for _, k := range written {
		count[k]++
		res.ByTag[TagName(k.Tag)]++
	}
	for k, n := range count {
		if n > 1 {
			res.Duplicated[k] = n
		}
		switch {
		case exp.Must[k]:
		case exp.Pending[k]:
			res.PendingWritten++
		default:
			res.Unexpected = append(res.Unexpected, k)
		}
	}
	for k := range exp.Must {
		if count[k] == 0 {
			res.Missing = append(res.Missing, k)
		}
	}
	res.PendingOpen = len(exp.Pending) - res.PendingWritten
	sortKeys(res.Missing)
	sortKeys(res.Unexpected)
	return res
}

func sortKeys(ks []Key) {
	sort.Slice(ks, func(i, j int) bool { return ks[i].String() < ks[j].String() })
}
