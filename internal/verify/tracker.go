package verify

import "github.com/RoaringBitmap/roaring/v2"

// tracker follows each (run, device)'s sequence numbers in a Roaring bitmap, so memory grows
// with the number of distinct events read, not with the highest sequence number: a window late
// in a long run, or one stray record with a huge sequence number, costs a few containers, not
// a bitset reaching back to 0. A device's events fill Roaring's 2^16-wide chunks densely, which
// costs at most 8 KiB per chunk (one bit per sequence number), and a sparse chunk two bytes per
// event. Each generator run is a group of its own (eventKey), so a device's sequence starting
// again at 0 in the next run is neither a duplicate nor out of order. Foreign events count as
// duplicates by eventId; their order and gaps are followed per device in one group, as they
// carry no run.
type tracker struct {
	groups map[uint64]map[string]*deviceState
	// foreign counts the copies of each foreign event read, unless rec does.
	foreign map[[2]uint64]uint32
	// rec, when set, is the reconciler that counts the output copies of foreign events (so
	// they cost one map entry, not two); add must then follow rec.addOutput.
	rec *reconciler
	// last caches the group of the previous add.
	last       map[string]*deviceState
	lastGroup  uint64
	events     int64
	duplicates int64
	outOfOrder int64
}

type deviceState struct {
	seen roaring.Bitmap
	// last is the last sequence number read from each partition the device was read from;
	// almost always one entry, as a device's events go to one partition.
	last []partitionSeq
}

type partitionSeq struct {
	partition int32
	seq       uint32
}

func newTracker() *tracker {
	return &tracker{groups: map[uint64]map[string]*deviceState{}, foreign: map[[2]uint64]uint32{}}
}

// add records one event k of (device, seq) read from partition; seq must lie in [0, maxSeq).
// It reports a duplicate when the event was read before, and out-of-order when the device's
// sequence in k's run goes backwards within a partition: below the last one read for that run
// and device from that partition.
func (t *tracker) add(k eventKey, device []byte, seq int64, partition int32) {
	g := t.last
	if g == nil || t.lastGroup != k.group {
		g = t.groups[k.group]
		if g == nil {
			g = map[string]*deviceState{}
			t.groups[k.group] = g
		}
		t.last, t.lastGroup = g, k.group
	}
	d := g[string(device)]
	if d == nil {
		d = &deviceState{}
		g[string(device)] = d
	}
	s := uint32(seq)
	newSeq := d.seen.CheckedAdd(s)
	if k.foreign() {
		if t.rec != nil {
			newSeq = t.rec.foreign[k.id].out == 1
		} else {
			n := t.foreign[k.id]
			t.foreign[k.id] = n + 1
			newSeq = n == 0
		}
	}
	if newSeq {
		t.events++
	} else {
		t.duplicates++
	}
	for i := range d.last {
		if d.last[i].partition == partition {
			if s < d.last[i].seq {
				t.outOfOrder++
			}
			d.last[i].seq = s
			return
		}
	}
	d.last = append(d.last, partitionSeq{partition: partition, seq: s})
}

// missing counts the sequence numbers never seen between each (run, device)'s lowest (or 0,
// when fromZero) and highest: the width of that range less the distinct sequence numbers
// seen, all of which lie in it.
func (t *tracker) missing(fromZero bool) int64 {
	var n int64
	for _, g := range t.groups {
		for _, d := range g {
			if d.seen.IsEmpty() {
				continue
			}
			lo, hi := int64(d.seen.Minimum()), int64(d.seen.Maximum())
			if fromZero {
				lo = 0
			}
			n += hi - lo + 1 - int64(d.seen.GetCardinality())
		}
	}
	return n
}

// devices is the number of distinct deviceIds read, over all runs.
func (t *tracker) devices() int {
	if len(t.groups) == 1 {
		for _, g := range t.groups {
			return len(g)
		}
	}
	names := map[string]struct{}{}
	for _, g := range t.groups {
		for d := range g {
			names[d] = struct{}{}
		}
	}
	return len(names)
}

// runs is the number of generator runs (and instances) read.
func (t *tracker) runs() int64 {
	var n int64
	for group := range t.groups {
		if group != groupNoEventID && group != groupForeign {
			n++
		}
	}
	return n
}

// foreignEvents is the number of distinct foreign events read.
func (t *tracker) foreignEvents() int64 { return int64(len(t.foreign)) }
