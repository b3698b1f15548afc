package verify

// reconciler matches input and output events by (deviceId, deviceSequenceNumber). It keeps a
// saturating one-byte copy count per sequence number and side, in slices indexed by sequence
// number, so memory is two bytes per event of the densest device (10 M events ≈ 20 MB), with
// no map entry per event.
type reconciler struct {
	devices map[string]*pair
}

type pair struct{ in, out []uint8 }

func newReconciler() *reconciler { return &reconciler{devices: map[string]*pair{}} }

func (r *reconciler) device(id []byte) *pair {
	p := r.devices[string(id)]
	if p == nil {
		p = &pair{}
		r.devices[string(id)] = p
	}
	return p
}

func bump(counts []uint8, seq int64) []uint8 {
	for int64(len(counts)) <= seq {
		counts = append(counts, 0)
	}
	if counts[seq] < 255 {
		counts[seq]++
	}
	return counts
}

func (r *reconciler) addInput(device []byte, seq int64) {
	p := r.device(device)
	p.in = bump(p.in, seq)
}

func (r *reconciler) addOutput(device []byte, seq int64) {
	p := r.device(device)
	p.out = bump(p.out, seq)
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
		n := max(len(p.in), len(p.out))
		for seq := range n {
			var in, out int64
			if seq < len(p.in) {
				in = int64(p.in[seq])
			}
			if seq < len(p.out) {
				out = int64(p.out[seq])
			}
			switch {
			case in == 0:
				res.unexpected += out
			case out == 0:
				res.missing++
			case out > in:
				res.duplicates += out - in
			}
			if in > 0 {
				res.inputEvents++
				res.sourceDuplicates += in - 1
			}
		}
	}
	return res
}
