package verify

import (
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// kgoRecords builds n output records of the data contract for benchmarks.
func kgoRecords(n int) []*kgo.Record {
	now := time.Now().UTC()
	ts := now.Format("2006-01-02T15:04:05.000Z")
	out := make([]*kgo.Record, n)
	for i := range out {
		v := fmt.Sprintf(`{"eventId":"a4e5c2c6-1d2b-4b8e-9a0f-0b9f3f2d7c11","complexData":{"moreData0":57.739726013343247,"moreData1":12.345678901234567},"value":49.02278128887753,"deviceId":"contoso://device-id-%d","deviceSequenceNumber":%d,"type":"CO2","createdAt":"%s","enqueuedAt":"%s","processedAt":"%s"}`,
			i%100, i/100, now.Format("2006-01-02T15:04:05.000000Z"), ts, ts)
		out[i] = &kgo.Record{Value: []byte(v), Timestamp: now.Add(5 * time.Millisecond), Partition: int32(i % 2)}
	}
	return out
}
