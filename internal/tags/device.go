package tags

import (
	"slices"
	"strconv"
)

// device is one device's state: the sample's SampleState (its records and its tags), bounded
// as docs/architecture.md says the job bounds it.
type device struct {
	buf []Event // the last Buffer events, oldest first (SampleState.records)
	// emitted holds, per buffered eventId, the tags emitted with that event as trigger: the
	// sample's SampleState.tags, forgetting an event's tags when it leaves the buffer.
	emitted map[string][]string
	tagged  bool   // the device emitted a tag (the sample's tags.size() > 0)
	last    *Event // the device's last event
	// lastBound is the job's watermark bound when the last event arrived: its partition's
	// largest event time then − the out-of-orderness − 1 ms (the job's watermark cannot have
	// been above it), or math.MinInt64.
	lastBound int64
}

// emission is a tag the job emits: its name and its trigger event.
type emission struct {
	tag     string
	trigger Event
}

func (d *device) has(eventID string) bool {
	for _, b := range d.buf {
		if b.EventID == eventID {
			return true
		}
	}
	return false
}

// equivalentExists is the sample's SampleState.equivalentTagExists: a tag of the same name for
// the same trigger event was emitted (the device is the same by construction).
func (d *device) equivalentExists(tag, eventID string) bool {
	return slices.Contains(d.emitted[eventID], tag)
}

// emit records the tag as emitted (SampleState.addTag) and appends it to out (collect).
func (d *device) emit(out []emission, tag string, trigger Event) []emission {
	if d.emitted == nil {
		d.emitted = map[string][]string{}
	}
	d.emitted[trigger.EventID] = append(d.emitted[trigger.EventID], tag)
	d.tagged = true
	return append(out, emission{tag, trigger})
}

// add is the sample's ComplexEventProcessingLogic.processElement for e (not a buffered
// duplicate: the job ignores those): it returns the tags emitted, in order.
func (d *device) add(e Event) []emission {
	// state.addRecord: drop the oldest record when the buffer is full (and forget its tags).
	if len(d.buf) >= Buffer {
		delete(d.emitted, d.buf[0].EventID)
		d.buf = d.buf[1:]
	}
	d.buf = append(d.buf, e)

	var out []emission
	if !d.tagged {
		out = d.emit(out, First, e)
	}
	if n := len(d.buf); n > 1 && n < Buffer {
		out = d.emit(out, strconv.Itoa(n)+RecordsSuffix, e)
	}
	// The walk over the buffer, oldest first: the count of TEMP readings in [70, 80) and the
	// flag of a CO2 reading above 80 so far; each tag for the record the walk is at.
	temps, highCO2 := 0, false
	for _, r := range d.buf {
		switch r.Type {
		case "TEMP":
			if r.Value >= 70 && r.Value < 80 {
				temps++
				if temps > 1 && !d.equivalentExists(SeveralTemperatures, r.EventID) {
					out = d.emit(out, SeveralTemperatures, r)
				}
			}
		case "CO2":
			if r.Value > 80 {
				highCO2 = true
			}
		}
		if highCO2 && temps > 1 && !d.equivalentExists(HighCO2, r.EventID) {
			out = d.emit(out, HighCO2, r)
			break // one HighCO2 tag per arriving event
		}
	}
	return out
}
