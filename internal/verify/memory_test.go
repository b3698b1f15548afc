package verify

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// heapHeld returns how much more heap is live after fill than before it, with what fill
// returns kept alive until measured.
func heapHeld(fill func() any) int64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	keep := fill()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(keep)
	return int64(after.HeapAlloc) - int64(before.HeapAlloc)
}

// runKey is the identity group of one generator run.
var runKey = eventKey{group: 0x123456789abc}

func deviceIDs(n int) [][]byte {
	ids := make([][]byte, n)
	for d := range ids {
		ids[d] = []byte("contoso://device-id-" + strconv.Itoa(d))
	}
	return ids
}

// TestReconcileTenMillionEventsInBoundedMemory feeds 10 million input and output events over
// 1,000 devices through the tracker and the reconciler and checks the heap they hold stays far
// below the 1 GiB the design allows.
func TestReconcileTenMillionEventsInBoundedMemory(t *testing.T) {
	const devices, perDevice = 1000, 10_000
	ids := deviceIDs(devices)
	tr, rec := newTracker(), newReconciler()
	held := heapHeld(func() any {
		for seq := range int64(perDevice) {
			for d := range devices {
				rec.addInput(runKey, ids[d], seq, int32(d%8), content{})
				rec.addOutput(runKey, ids[d], seq)
				tr.add(runKey, ids[d], seq, int32(d%8))
			}
		}
		rec.inputDone()
		return nil
	})
	res := rec.result()
	if res != (reconciliation{inputEvents: devices * perDevice, runs: 1}) || tr.events != devices*perDevice || tr.missing(true) != 0 {
		t.Fatalf("reconciliation of 10M events = %+v, tracker events %d", res, tr.events)
	}
	t.Logf("10M events: %.1f MB held by tracker + reconciler", float64(held)/1e6)
	if held > 256<<20 {
		t.Fatalf("10M events hold %d MB, want well under 1 GiB (256 MB budget: 160 MB of them the content check's 16 bytes per event)", held>>20)
	}
	runtime.KeepAlive(tr)
	runtime.KeepAlive(rec)
}

// TestReconcileMemoryFollowsEventsNotSequenceNumbers checks that memory grows with the events
// in the window, not with how high their sequence numbers are: a window late in a long run,
// and stray records with sequence numbers near maxSeq (dense per-sequence storage would need
// gigabytes for either).
func TestReconcileMemoryFollowsEventsNotSequenceNumbers(t *testing.T) {
	const ghostSeq = 2_000_000_000
	tests := []struct {
		name             string
		devices, events  int   // events per device, consecutive from first
		first            int64 // first sequence number of every device
		ghosts           int   // devices 0..ghosts-1 get one output record at ghostSeq+d
		want             reconciliation
		wantMissingFirst int64 // tracker's missing counted from each device's first
		limit            int64
	}{
		{
			name: "one ghost among normal events", devices: 1000, events: 1000, ghosts: 1,
			want:             reconciliation{inputEvents: 1_000_000, unexpected: 1, runs: 1},
			wantMissingFirst: ghostSeq + 1 - 1001,
			limit:            64<<20 + 1_000_000*16,
		},
		{
			name: "a ghost on every device", devices: 1000, events: 1000, ghosts: 1000,
			want:             reconciliation{inputEvents: 1_000_000, unexpected: 1000, runs: 1},
			wantMissingFirst: 1000 * (ghostSeq - 1000), // device d: ghostSeq+d+1 wide, 1001 seen
			limit:            64<<20 + 1_000_000*16,
		},
		{
			name: "late window of a long run", devices: 1000, events: 6000, first: 86_400_000,
			want:  reconciliation{inputEvents: 6_000_000, runs: 1},
			limit: 64<<20 + 6_000_000*16, // and the content check's 16 bytes per input event
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.ghosts > 0 {
				tt.wantMissingFirst += int64(tt.ghosts) * (int64(tt.ghosts) - 1) / 2
			}
			ids := deviceIDs(tt.devices)
			tr, rec := newTracker(), newReconciler()
			held := heapHeld(func() any {
				for i := range int64(tt.events) {
					seq := tt.first + i
					for d := range tt.devices {
						rec.addInput(runKey, ids[d], seq, int32(d%8), content{})
						rec.addOutput(runKey, ids[d], seq)
						tr.add(runKey, ids[d], seq, int32(d%8))
					}
					if i == int64(tt.events)/2 { // mid-stream, as a stray record would come
						for d := range tt.ghosts {
							rec.addOutput(runKey, ids[d], ghostSeq+int64(d))
							tr.add(runKey, ids[d], ghostSeq+int64(d), int32(d%8))
						}
					}
				}
				rec.inputDone()
				return nil
			})
			if got := rec.result(); got != tt.want {
				t.Errorf("reconciliation = %+v, want %+v", got, tt.want)
			}
			wantEvents := int64(tt.devices*tt.events + tt.ghosts)
			if tr.events != wantEvents || tr.duplicates != 0 || tr.outOfOrder != int64(tt.ghosts) || tr.missing(false) != tt.wantMissingFirst {
				t.Errorf("tracker events %d dups %d ooo %d missing %d; want %d 0 %d %d",
					tr.events, tr.duplicates, tr.outOfOrder, tr.missing(false), wantEvents, tt.ghosts, tt.wantMissingFirst)
			}
			t.Logf("%d input events: %.1f MB held by tracker + reconciler", tt.devices*tt.events, float64(held)/1e6)
			if held > tt.limit {
				t.Errorf("held %.1f MB, want under %d MB", float64(held)/1e6, tt.limit>>20)
			}
			runtime.KeepAlive(tr)
			runtime.KeepAlive(rec)
		})
	}
}

// BenchmarkVerifyRecord is the verifier's per-record cost on the output side: field
// extraction, the event's identity, sequence tracking, reconciliation and three latency
// histograms. Every record is a new (device, seq) of 100 devices, so the tracker and the
// reconciler really insert: events of one generator run ("run", the common case), and
// foreign events identified by a random-looking eventId each ("foreign", a hash map).
func BenchmarkVerifyRecord(b *testing.B) {
	for _, bc := range []struct{ name, idPrefix string }{
		{"run", "12345678-9abc-45ca-a1e5-"},
		{"foreign", "a4e5c2c6-1d2b-4b8e-9a0f-"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			v := &verifier{cfg: DefaultConfig(), keys: newKeyer(), tracker: newTracker(), lat: newLatencyRecorder(), rec: newReconciler(), series: newIntervalRecorder(10 * time.Second)}
			recs := newSequencedRecords(100, bc.idPrefix)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				v.add(recs.record(i))
				i++
			}
			b.StopTimer()
			if v.tracker.events != int64(i) || v.malformed != 0 {
				b.Fatalf("%d records gave %d distinct events, %d malformed", i, v.tracker.events, v.malformed)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkVerifyWindow is the verifier's per-record cost reconciling a window, each side
// apart: "input" is an input record (fields, identity, reconciliation and, since the content
// check, the hash of what its output must be); "output" an output record of an event input
// before (untimed), with the content check comparing it with its input. Events of one run
// ("run") and foreign ones ("foreign"), as in BenchmarkVerifyRecord. cpu-ns/op is the
// process's CPU time (every thread's, the collector's too) per record: on a shared machine it
// holds where ns/op, wall time, follows the load.
func BenchmarkVerifyWindow(b *testing.B) {
	for _, bc := range []struct{ name, idPrefix string }{
		{"run", "12345678-9abc-45ca-a1e5-"},
		{"foreign", "a4e5c2c6-1d2b-4b8e-9a0f-"},
	} {
		newVerifier := func() *verifier {
			v := &verifier{cfg: DefaultConfig(), keys: newKeyer(), tracker: newTracker(), lat: newLatencyRecorder(), rec: newReconciler(), series: newIntervalRecorder(10 * time.Second)}
			v.tracker.rec = v.rec
			return v
		}
		b.Run(bc.name+"/input", func(b *testing.B) {
			v, ins := newVerifier(), newSequencedInputs(100, bc.idPrefix)
			b.ReportAllocs()
			cpu := processCPU()
			for i := range b.N {
				v.addInput(ins.record(i))
			}
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
			if v.inputMalformed != 0 {
				b.Fatalf("%d input records not events", v.inputMalformed)
			}
		})
		b.Run(bc.name+"/output", func(b *testing.B) {
			v, ins, outs := newVerifier(), newSequencedInputs(100, bc.idPrefix), newSequencedRecords(100, bc.idPrefix)
			for i := range b.N {
				v.addInput(ins.record(i))
			}
			v.rec.inputDone()
			b.ReportAllocs()
			b.ResetTimer()
			cpu := processCPU()
			for i := range b.N {
				v.add(outs.record(i))
			}
			b.StopTimer()
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
			if res := v.result(); res.Missing != 0 || res.Unexpected != 0 || res.Altered != 0 || res.Misstamped != 0 {
				b.Fatalf("%d records: missing %d, unexpected %d, altered %d, misstamped %d (%q %q)", b.N, res.Missing, res.Unexpected, res.Altered, res.Misstamped, res.AlteredExamples, res.MisstampedExamples)
			}
		})
	}
}

// TestReconcileForeignEventsMemory measures what events identified by eventId cost (a hash
// map entry each in the tracker and the reconciler), as docs/architecture.md states it.
func TestReconcileForeignEventsMemory(t *testing.T) {
	const n = 1_000_000
	id := []byte("contoso://device-id-1")
	tr, rec := newTracker(), newReconciler()
	tr.rec = rec // as Run sets them up to reconcile
	held := heapHeld(func() any {
		for i := range uint64(n) {
			k := eventKey{group: groupForeign, id: [2]uint64{i * 0x9e3779b97f4a7c15, i}}
			rec.addInput(k, id, int64(i), 0, content{})
			rec.addOutput(k, id, int64(i))
			tr.add(k, id, int64(i), 0)
		}
		rec.inputDone()
		return nil
	})
	if res := rec.result(); res != (reconciliation{inputEvents: n, foreignEvents: n}) || tr.events != n {
		t.Fatalf("reconciliation = %+v, tracker events %d", res, tr.events)
	}
	perEvent := float64(held) / n
	t.Logf("1M foreign events: %.1f MB held by tracker + reconciler, %.0f bytes per event", float64(held)/1e6, perEvent)
	if perEvent > 80 {
		t.Fatalf("%.0f bytes per foreign event, want under 80", perEvent)
	}
	runtime.KeepAlive(tr)
	runtime.KeepAlive(rec)
}
