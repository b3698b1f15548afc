package gorelay

import (
	"context"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
)

// tracker follows every polled record until the broker acknowledged what it produced for it,
// per input partition in offset order, and bounds how many records and bytes are in flight.
type tracker struct {
	mu         sync.Mutex
	parts      map[partition]*partTrack
	inFlight   int
	bytes      int
	maxRecords int
	maxBytes   int
	// room is signalled (without blocking) when an acknowledgement frees room.
	room chan struct{}
	err  error
}

type partition struct {
	topic string
	p     int32
}

// partTrack is one input partition's records in flight, in poll (= offset) order.
type partTrack struct {
	// pending[i] is the record with sequence number base+i.
	pending []entry
	base    int64
	// next is the offset to commit: every record before it is acknowledged; epoch is its
	// record's leader epoch. committedNext is the last offset committed.
	next, committedNext int64
	epoch               int32
}

type entry struct {
	offset int64
	epoch  int32
	bytes  int
	done   bool
}

// id names a tracked record: its partition's track (a partition revoked and assigned again
// gets a new one) and its sequence number there.
type id struct {
	part partition
	pt   *partTrack
	seq  int64
}

func newTracker(maxRecords, maxBytes int) *tracker {
	return &tracker{parts: map[partition]*partTrack{}, maxRecords: maxRecords, maxBytes: maxBytes, room: make(chan struct{}, 1)}
}

// add tracks a polled record whose output is size bytes.
func (t *tracker) add(r *kgo.Record, size int) id {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := partition{r.Topic, r.Partition}
	pt := t.parts[k]
	if pt == nil {
		pt = &partTrack{next: -1, committedNext: -1}
		t.parts[k] = pt
	}
	pt.pending = append(pt.pending, entry{offset: r.Offset, epoch: r.LeaderEpoch, bytes: size})
	t.inFlight++
	t.bytes += size
	return id{k, pt, pt.base + int64(len(pt.pending)) - 1}
}

// done marks a record acknowledged (err nil) or failed; a failed record is never committed
// past, and the relay stops with its error.
func (t *tracker) done(i id, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	pt := i.pt
	if t.parts[i.part] != pt || i.seq < pt.base {
		return // its partition was revoked or lost meanwhile
	}
	e := &pt.pending[i.seq-pt.base]
	t.inFlight--
	t.bytes -= e.bytes
	if err != nil {
		if t.err == nil {
			t.err = err
		}
	} else {
		e.done = true
		n := 0
		for n < len(pt.pending) && pt.pending[n].done {
			pt.next, pt.epoch = pt.pending[n].offset+1, pt.pending[n].epoch
			n++
		}
		pt.pending = pt.pending[n:]
		pt.base += int64(n)
	}
	select {
	case t.room <- struct{}{}:
	default:
	}
}

// waitRoom waits until fewer records and bytes than the bounds are in flight and returns
// how many more records may be polled.
func (t *tracker) waitRoom(ctx context.Context) (int, error) {
	for {
		t.mu.Lock()
		room := t.maxRecords - t.inFlight
		full := room <= 0 || t.bytes >= t.maxBytes || t.err != nil
		t.mu.Unlock()
		if !full {
			return room, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-t.room:
		}
	}
}

// failed is the first produce error.
func (t *tracker) failed() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// committable is each partition's offset that moved past its last commit.
func (t *tracker) committable() map[string]map[int32]kgo.EpochOffset {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]map[int32]kgo.EpochOffset{}
	for k, pt := range t.parts {
		if pt.next > pt.committedNext {
			if out[k.topic] == nil {
				out[k.topic] = map[int32]kgo.EpochOffset{}
			}
			out[k.topic][k.p] = kgo.EpochOffset{Epoch: pt.epoch, Offset: pt.next}
		}
	}
	return out
}

// committed records offsets as committed.
func (t *tracker) committed(offsets map[string]map[int32]kgo.EpochOffset) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for topic, ps := range offsets {
		for p, o := range ps {
			if pt := t.parts[partition{topic, p}]; pt != nil && o.Offset > pt.committedNext {
				pt.committedNext = o.Offset
			}
		}
	}
}

// forget drops partitions the relay no longer owns; their records in flight no longer count.
func (t *tracker) forget(parts map[string][]int32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for topic, ps := range parts {
		for _, p := range ps {
			k := partition{topic, p}
			if pt := t.parts[k]; pt != nil {
				for _, e := range pt.pending {
					if !e.done {
						t.inFlight--
						t.bytes -= e.bytes
					}
				}
				delete(t.parts, k)
			}
		}
	}
	select {
	case t.room <- struct{}{}:
	default:
	}
}
