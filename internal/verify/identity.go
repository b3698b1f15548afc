package verify

import (
	"hash/maphash"

	"github.com/streamscale/streamscale/internal/event"
)

// An event's identity in the verifier. Every generator run restarts each device's sequence at
// 0, so (deviceId, deviceSequenceNumber) alone names several events once several runs share
// a window. Events of this generator carry their run in the eventId (event.RunOf): their
// identity is (run, deviceId, deviceSequenceNumber), kept per (run, device) in Roaring bitmaps
// of sequence numbers. An event with an eventId of another layout (a foreign producer's) is
// identified by its eventId: the UUID's 128 bits, or a 128-bit hash of any other string, in a
// hash map (about 60 bytes per event, counted in Result.ForeignEvents). An event without an
// eventId falls back to (deviceId, deviceSequenceNumber), the identity of older versions.
type eventKey struct {
	// group is the run (event.RunID) of the generator's events, groupNoEventID for events
	// without an eventId, groupForeign for foreign ones.
	group uint64
	// id is a foreign event's eventId (group groupForeign).
	id [2]uint64
}

const (
	// groupNoEventID holds events without an eventId (no RunID is 0).
	groupNoEventID = 0
	// groupForeign holds foreign events for the order and gap heuristics; a RunID has 48 bits.
	groupForeign = 1 << 63
)

// foreign reports whether k identifies its event by eventId.
func (k eventKey) foreign() bool { return k.group == groupForeign }

// keyer derives event keys; its hash seeds are the process's, which is all a key needs.
type keyer struct{ seed1, seed2 maphash.Seed }

func newKeyer() keyer { return keyer{seed1: maphash.MakeSeed(), seed2: maphash.MakeSeed()} }

// key is the identity of an event with these fields (an event: it has deviceId and seq).
func (k keyer) key(f *Fields) eventKey {
	if f.EventID == nil {
		return eventKey{group: groupNoEventID}
	}
	if run, ours := event.RunOfEventID(f.EventID); ours {
		return eventKey{group: uint64(run)}
	}
	hi, lo, ok := event.ParseUUID(f.EventID)
	if !ok {
		return eventKey{group: groupForeign, id: [2]uint64{maphash.Bytes(k.seed1, f.EventID), maphash.Bytes(k.seed2, f.EventID)}}
	}
	return eventKey{group: groupForeign, id: [2]uint64{hi, lo}}
}
