package verify

// tracker follows each device's sequence numbers with a bitset, so memory grows with the
// highest sequence number per device, not with a map entry per event.
type tracker struct {
	devices    map[string]*deviceState
	events     int64
	duplicates int64
	outOfOrder int64
}

type deviceState struct {
	seen          []uint64
	min, max      int64
	lastSeq       int64
	lastPartition int32
	started       bool
}

func newTracker() *tracker { return &tracker{devices: map[string]*deviceState{}} }

// add records one (device, seq) read from partition. It reports a duplicate when the pair was
// seen before, and out-of-order when the device's sequence goes backwards within a partition.
func (t *tracker) add(device []byte, seq int64, partition int32) {
	d := t.devices[string(device)]
	if d == nil {
		d = &deviceState{min: seq, max: seq}
		t.devices[string(device)] = d
	}
	word, bit := seq/64, uint64(1)<<(seq%64)
	for int64(len(d.seen)) <= word {
		d.seen = append(d.seen, 0)
	}
	if d.seen[word]&bit != 0 {
		t.duplicates++
	} else {
		d.seen[word] |= bit
		t.events++
	}
	if d.started && d.lastPartition == partition && seq < d.lastSeq {
		t.outOfOrder++
	}
	d.started, d.lastSeq, d.lastPartition = true, seq, partition
	d.min, d.max = min(d.min, seq), max(d.max, seq)
}

// missing counts the sequence numbers never seen between each device's lowest (or 0, when
// fromZero) and highest.
func (t *tracker) missing(fromZero bool) int64 {
	var n int64
	for _, d := range t.devices {
		lo := d.min
		if fromZero {
			lo = 0
		}
		for s := lo; s <= d.max; s++ {
			if d.seen[s/64]&(uint64(1)<<(s%64)) == 0 {
				n++
			}
		}
	}
	return n
}
