package verify

import "github.com/RoaringBitmap/roaring/v2"

// tracker follows each device's sequence numbers in a Roaring bitmap, so memory grows with the
// number of distinct events read, not with the highest sequence number: a window late in a
// long run, or one stray record with a huge sequence number, costs a few containers, not a
// bitset reaching back to 0. A device's events fill Roaring's 2^16-wide chunks densely, which
// costs at most 8 KiB per chunk (one bit per sequence number), and a sparse chunk two bytes per
// event.
type tracker struct {
	devices    map[string]*deviceState
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

func newTracker() *tracker { return &tracker{devices: map[string]*deviceState{}} }

// add records one (device, seq) read from partition; seq must lie in [0, maxSeq). It reports
// a duplicate when the pair was seen before, and out-of-order when the device's sequence goes
// backwards within a partition: below the last one read for that device from that partition.
func (t *tracker) add(device []byte, seq int64, partition int32) {
	d := t.devices[string(device)]
	if d == nil {
		d = &deviceState{}
		t.devices[string(device)] = d
	}
	s := uint32(seq)
	if d.seen.CheckedAdd(s) {
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

// missing counts the sequence numbers never seen between each device's lowest (or 0, when
// fromZero) and highest: the width of that range less the distinct sequence numbers seen,
// all of which lie in it.
func (t *tracker) missing(fromZero bool) int64 {
	var n int64
	for _, d := range t.devices {
		if d.seen.IsEmpty() {
			continue
		}
		lo, hi := int64(d.seen.Minimum()), int64(d.seen.Maximum())
		if fromZero {
			lo = 0
		}
		n += hi - lo + 1 - int64(d.seen.GetCardinality())
	}
	return n
}
