package verify

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// seqWidth is the room a benchmark record leaves for its deviceSequenceNumber: the digits,
// then spaces (JSON whitespace), so the number can be rewritten in place.
const seqWidth = 10

// sequencedRecords are output records of the data contract, one per device, whose
// deviceSequenceNumber is rewritten in place, so a benchmark feeds distinct, growing sequence
// numbers without building a record per iteration.
type sequencedRecords struct {
	recs []*kgo.Record
	at   []int // where each record's sequence number starts in its value
	idAt []int // where each record's eventId's last 12 hex digits start
}

// newSequencedRecords builds one record per device; device d is read from partition d % 2.
// Each record's eventId is idPrefix (its first 24 characters, e.g. a generator run's) and then
// the record's number in 12 hex digits.
func newSequencedRecords(devices int, idPrefix string) *sequencedRecords {
	return sequenced(devices, idPrefix, false)
}

// newSequencedInputs are the input records of newSequencedRecords' (made in the same
// millisecond): the same values without the two stamps, appended at their enqueuedAt.
func newSequencedInputs(devices int, idPrefix string) *sequencedRecords {
	return sequenced(devices, idPrefix, true)
}

// benchEpoch is the benchmark records' enqueuedAt: one instant, so that inputs and outputs made
// apart agree.
var benchEpoch = time.Now().UTC().Truncate(time.Millisecond)

func sequenced(devices int, idPrefix string, input bool) *sequencedRecords {
	now := benchEpoch
	ts := now.Format("2006-01-02T15:04:05.000Z")
	key := []byte(`"deviceSequenceNumber":`)
	s := &sequencedRecords{recs: make([]*kgo.Record, devices), at: make([]int, devices), idAt: make([]int, devices)}
	for d := range devices {
		v := fmt.Sprintf(`{"eventId":"%s000000000000","complexData":{"moreData0":57.739726013343247,"moreData1":12.345678901234567},"value":49.02278128887753,"deviceId":"contoso://device-id-%d","deviceSequenceNumber":%-*d,"type":"CO2","createdAt":"%s","enqueuedAt":"%s","processedAt":"%s"}`,
			idPrefix, d, seqWidth, 0, now.Format("2006-01-02T15:04:05.000000Z"), ts, ts)
		at := now.Add(5 * time.Millisecond)
		if input {
			v = v[:strings.Index(v, `,"enqueuedAt"`)] + "}"
			at = now
		}
		s.recs[d] = &kgo.Record{Value: []byte(v), Timestamp: at, Partition: int32(d % 2)}
		s.at[d] = bytes.Index(s.recs[d].Value, key) + len(key)
		s.idAt[d] = len(`{"eventId":"`) + len(idPrefix)
	}
	return s
}

// record returns the i-th record of a stream that cycles through the devices: device
// i % devices with sequence number i / devices, so every (device, seq) is new.
func (s *sequencedRecords) record(i int) *kgo.Record {
	d := i % len(s.recs)
	r := s.recs[d]
	slot := r.Value[s.at[d] : s.at[d]+seqWidth]
	n := len(strconv.AppendInt(slot[:0], int64(i/len(s.recs)), 10))
	for j := n; j < seqWidth; j++ {
		slot[j] = ' '
	}
	id := r.Value[s.idAt[d] : s.idAt[d]+12]
	for j, x := 11, uint64(i); j >= 0; j, x = j-1, x>>4 {
		id[j] = "0123456789abcdef"[x&0xf]
	}
	return r
}
