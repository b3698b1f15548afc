package verify

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// TestReconcileTenMillionEventsInBoundedMemory feeds 10 million input and output events over
// 1,000 devices through the tracker and the reconciler and checks the heap they hold stays far
// below the 1 GiB the design allows.
func TestReconcileTenMillionEventsInBoundedMemory(t *testing.T) {
	const devices, perDevice = 1000, 10_000
	ids := make([][]byte, devices)
	for d := range ids {
		ids[d] = []byte("contoso://device-id-" + strconv.Itoa(d))
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	tr, rec := newTracker(), newReconciler()
	for seq := range int64(perDevice) {
		for d := range devices {
			rec.addInput(ids[d], seq)
			rec.addOutput(ids[d], seq)
			tr.add(ids[d], seq, int32(d%8))
		}
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	res := rec.result()
	if res.inputEvents != devices*perDevice || res.missing != 0 || tr.events != devices*perDevice {
		t.Fatalf("reconciliation of 10M events = %+v, tracker events %d", res, tr.events)
	}
	t.Logf("10M events: %.1f MB held by tracker + reconciler", float64(held)/1e6)
	if held > 256<<20 {
		t.Fatalf("10M events hold %d MB, want well under 1 GiB (256 MB budget)", held>>20)
	}
	runtime.KeepAlive(tr)
	runtime.KeepAlive(rec)
}

// BenchmarkVerifyRecord is the verifier's per-record cost on the output side: field
// extraction, sequence tracking, reconciliation and three latency histograms.
func BenchmarkVerifyRecord(b *testing.B) {
	v := &verifier{cfg: DefaultConfig(), tracker: newTracker(), lat: newLatencyRecorder(), rec: newReconciler(), series: newIntervalRecorder(10 * time.Second)}
	recs := kgoRecords(1000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		v.add(recs[i%len(recs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
