package verify

import "github.com/RoaringBitmap/roaring/v2"

// reconciler matches input and output events by (deviceId, deviceSequenceNumber). Per device
// and side it keeps the sequence numbers seen at least once and at least twice in Roaring
// bitmaps, and the exact copy count of the rare ones seen three times or more in a map, so
// memory grows with the number of distinct events (10 M events over 1,000 devices ≈ 25 MB
// with the tracker), not with the highest sequence number, and there is no map entry per
// event. result works with set operations and visits only the rare events seen twice.
type reconciler struct {
	devices map[string]*pair
}

type pair struct{ in, out copies }

// copies counts how often each sequence number was seen on one side.
type copies struct {
	once, twice roaring.Bitmap    // seen ≥ 1 and ≥ 2 times
	more        map[uint32]uint32 // exact count of those seen ≥ 3 times
}

// add counts one copy of seq.
func (c *copies) add(seq uint32) {
	if c.once.CheckedAdd(seq) || c.twice.CheckedAdd(seq) {
		return
	}
	if c.more == nil {
		c.more = map[uint32]uint32{}
	}
	if n, ok := c.more[seq]; ok {
		c.more[seq] = n + 1
	} else {
		c.more[seq] = 3
	}
}

// count is the number of copies of seq seen.
func (c *copies) count(seq uint32) int64 {
	switch {
	case !c.once.Contains(seq):
		return 0
	case !c.twice.Contains(seq):
		return 1
	}
	if n, ok := c.more[seq]; ok {
		return int64(n)
	}
	return 2
}

// beyondTwo is the number of copies past the second, over every sequence number.
func (c *copies) beyondTwo() int64 {
	var n int64
	for _, k := range c.more {
		n += int64(k) - 2
	}
	return n
}

func newReconciler() *reconciler { return &reconciler{devices: map[string]*pair{}} }

func (r *reconciler) device(id []byte) *pair {
	p := r.devices[string(id)]
	if p == nil {
		p = &pair{}
		r.devices[string(id)] = p
	}
	return p
}

// addInput counts one input copy of (device, seq); seq must lie in [0, maxSeq).
func (r *reconciler) addInput(device []byte, seq int64) {
	r.device(device).in.add(uint32(seq))
}

// addOutput counts one output copy of (device, seq); seq must lie in [0, maxSeq).
func (r *reconciler) addOutput(device []byte, seq int64) {
	r.device(device).out.add(uint32(seq))
}

// reconciliation is what matching found.
type reconciliation struct {
	// inputEvents is the number of distinct events in the input window.
	inputEvents int64
	// missing: in the input, never in the output.
	missing int64
	// unexpected: output records whose event was never in the input window.
	unexpected int64
	// duplicates: output copies beyond the number of input copies (made by the pipeline).
	duplicates int64
	// sourceDuplicates: input copies beyond the first (sent twice on purpose by the generator).
	sourceDuplicates int64
}

func (r *reconciler) result() reconciliation {
	var res reconciliation
	for _, p := range r.devices {
		in, out := &p.in, &p.out
		inCard := int64(in.once.GetCardinality())
		res.inputEvents += inCard
		res.missing += inCard - int64(in.once.AndCardinality(&out.once))
		res.sourceDuplicates += int64(in.twice.GetCardinality()) + in.beyondTwo()
		// Every output copy of an event never input: the first, the second and the rest.
		res.unexpected += int64(out.once.GetCardinality()) - int64(out.once.AndCardinality(&in.once))
		res.unexpected += int64(out.twice.GetCardinality()) - int64(out.twice.AndCardinality(&in.once))
		for seq, n := range out.more {
			if !in.once.Contains(seq) {
				res.unexpected += int64(n) - 2
			}
		}
		// More output copies than input copies needs at least two output copies.
		out.twice.Iterate(func(seq uint32) bool {
			if nIn := in.count(seq); nIn > 0 {
				res.duplicates += max(out.count(seq)-nIn, 0)
			}
			return true
		})
	}
	return res
}
