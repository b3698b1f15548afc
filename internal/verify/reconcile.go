package verify

import (
	"fmt"
	"slices"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/streamscale/streamscale/internal/event"
)

// reconciler matches input and output events by identity (eventKey): the generator's events
// by (run, deviceId, deviceSequenceNumber), foreign ones by eventId. Per (run, device) and
// side it keeps the sequence numbers seen at least once and at least twice in Roaring
// bitmaps, and the exact copy count of the rare ones seen three times or more in a map, so
// memory grows with the number of distinct events (10 M events over 1,000 devices ≈ 25 MB
// with the tracker, 190 MB with the content below), not with the highest sequence number, and
// there is no map entry per event. result works with set operations and visits only the rare events seen twice.
//
// For the content check it also keeps, per distinct input event, what its output must be
// (content: 16 bytes): in a slice per (run, device) ordered by sequence number, so that an
// event's entry is found by its rank in the input bitmap and costs no map entry; the rare
// second input copies of an event keep theirs in a small map.
type reconciler struct {
	groups  map[uint64]*devicePairs
	foreign map[[2]uint64]foreignCopies
	// foreignContent holds the content of foreign events' first input copies, in input order;
	// foreignMore that of their input copies after the first.
	foreignContent []content
	foreignMore    map[[2]uint64][]content
	// last caches the group of the previous call: records come in long runs of one group.
	last      *devicePairs
	lastGroup uint64
	// outstanding counts the distinct input events not seen in the output yet.
	outstanding int64
}

// devicePairs are one group's (run's) devices.
type devicePairs struct{ devices map[string]*pair }

// foreignCopies counts one foreign event's output copies, and says where its first input
// copy's content is in foreignContent (+1; 0: not input). Its input copies are that one and
// those in foreignMore. (8 bytes a value, as before the content check, keep a map slot at 24
// bytes; its input partition is not kept for the same reason.)
type foreignCopies struct{ out, content uint32 }

// in is the number of input copies of the foreign event id.
func (r *reconciler) foreignIn(id [2]uint64, c foreignCopies) int64 {
	if c.content == 0 {
		return 0
	}
	return 1 + int64(len(r.foreignMore[id]))
}

type pair struct {
	in, out copies
	// partition is the input partition of the device's first input event (-1: none), to say
	// where the events still awaited were sent.
	partition int32
	// maxIn is the highest input sequence number (valid when content is not empty).
	maxIn uint32
	// content holds the first input copy's content of each distinct input event, in the
	// order of their sequence numbers: event seq's is at in.once.Rank(seq)-1.
	content []content
	// moreContent holds the content of input copies after the first, by sequence number.
	moreContent map[uint32][]content
}

// copies counts how often each sequence number was seen on one side.
type copies struct {
	once, twice roaring.Bitmap    // seen ≥ 1 and ≥ 2 times
	more        map[uint32]uint32 // exact count of those seen ≥ 3 times
}

// addAgain counts one more copy of seq, which once holds already.
func (c *copies) addAgain(seq uint32) {
	if c.twice.CheckedAdd(seq) {
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

func newReconciler() *reconciler {
	return &reconciler{groups: map[uint64]*devicePairs{}, foreign: map[[2]uint64]foreignCopies{}, foreignMore: map[[2]uint64][]content{}}
}

func (r *reconciler) device(group uint64, id []byte) *pair {
	g := r.last
	if g == nil || r.lastGroup != group {
		g = r.groups[group]
		if g == nil {
			g = &devicePairs{devices: map[string]*pair{}}
			r.groups[group] = g
		}
		r.last, r.lastGroup = g, group
	}
	p := g.devices[string(id)]
	if p == nil {
		p = &pair{partition: -1}
		g.devices[string(id)] = p
	}
	return p
}

// addInput counts one input copy of the event k of (device, seq), read from partition; seq
// must lie in [0, maxSeq). Call it for every input event before the first addOutput.
func (r *reconciler) addInput(k eventKey, device []byte, seq int64, partition int32, ct content) {
	if k.foreign() {
		c := r.foreign[k.id]
		if c.content == 0 {
			r.outstanding++
			r.foreignContent = append(r.foreignContent, ct)
			c.content = uint32(len(r.foreignContent))
			r.foreign[k.id] = c
		} else {
			r.foreignMore[k.id] = append(r.foreignMore[k.id], ct)
		}
		return
	}
	p := r.device(k.group, device)
	if p.partition < 0 {
		p.partition = partition
	}
	s := uint32(seq)
	if !p.in.once.CheckedAdd(s) {
		p.in.addAgain(s)
		if p.moreContent == nil {
			p.moreContent = map[uint32][]content{}
		}
		p.moreContent[s] = append(p.moreContent[s], ct)
		return
	}
	r.outstanding++
	if len(p.content) == 0 || s > p.maxIn {
		p.content, p.maxIn = append(p.content, ct), s // a device's events come in order
		return
	}
	p.content = slices.Insert(p.content, int(p.in.once.Rank(s))-1, ct)
}

// inputDone trims the content slices to their length once the input window is read (append
// leaves up to a quarter of a large slice unused).
func (r *reconciler) inputDone() {
	if cap(r.foreignContent) > len(r.foreignContent) {
		r.foreignContent = slices.Clone(r.foreignContent)
	}
	for _, g := range r.groups {
		for _, p := range g.devices {
			if cap(p.content) > len(p.content) {
				p.content = slices.Clone(p.content)
			}
		}
	}
}

// addOutput counts one output copy of the event k of (device, seq); seq must lie in
// [0, maxSeq). When the event was input, it returns the content of its first input copy,
// that of the others (nil for most events) and true.
func (r *reconciler) addOutput(k eventKey, device []byte, seq int64) (content, []content, bool) {
	if k.foreign() {
		c := r.foreign[k.id]
		if c.out == 0 && c.content > 0 {
			r.outstanding--
		}
		c.out++
		r.foreign[k.id] = c
		if c.content == 0 {
			return content{}, nil, false
		}
		return r.foreignContent[c.content-1], r.foreignMore[k.id], true
	}
	p := r.device(k.group, device)
	s := uint32(seq)
	if p.out.once.CheckedAdd(s) {
		if p.in.once.Contains(s) {
			r.outstanding--
		} else {
			return content{}, nil, false
		}
	} else {
		p.out.addAgain(s)
		if !p.in.once.Contains(s) {
			return content{}, nil, false
		}
	}
	return p.content[p.in.once.Rank(s)-1], p.moreContent[s], true
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
	// foreignEvents: distinct input events identified by their eventId (foreign producers').
	foreignEvents int64
	// runs: the generator runs (and instances) seen, input or output.
	runs int64
}

func (r *reconciler) result() reconciliation {
	var res reconciliation
	for id, c := range r.foreign {
		in, out := r.foreignIn(id, c), int64(c.out)
		if in == 0 {
			res.unexpected += out
			continue
		}
		res.inputEvents++
		res.foreignEvents++
		res.sourceDuplicates += in - 1
		res.duplicates += max(out-in, 0)
		if out == 0 {
			res.missing++
		}
	}
	for group, g := range r.groups {
		if group != groupNoEventID {
			res.runs++
		}
		res.addGroup(g)
	}
	return res
}

// addGroup adds the reconciliation of one group's devices.
func (res *reconciliation) addGroup(g *devicePairs) {
	for _, p := range g.devices {
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
}

// awaited says where the input events not seen in the output were sent: their number per
// input partition (-1: unknown, for foreign events), and up to n examples ("deviceId #seq (run R)", or a foreign eventId).
func (r *reconciler) awaited(n int) (map[int32]int64, []string) {
	perPartition := map[int32]int64{}
	var examples []string
	for id, c := range r.foreign {
		if c.content > 0 && c.out == 0 {
			perPartition[-1]++ // not kept for foreign events
			if len(examples) < n {
				examples = append(examples, fmt.Sprintf("eventId %016x%016x", id[0], id[1]))
			}
		}
	}
	for group, g := range r.groups {
		for dev, p := range g.devices {
			waiting := roaring.AndNot(&p.in.once, &p.out.once)
			if waiting.IsEmpty() {
				continue
			}
			perPartition[p.partition] += int64(waiting.GetCardinality())
			if len(examples) < n {
				ex := fmt.Sprintf("%s #%d", dev, waiting.Minimum())
				if group != groupNoEventID {
					ex += " (run " + event.RunID(group).String() + ")"
				}
				examples = append(examples, ex)
			}
		}
	}
	sort.Strings(examples)
	return perPartition, examples
}
