package verify

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/event"
)

func TestKeyTellsRunsForeignAndLegacyApart(t *testing.T) {
	keys := newKeyer()
	key := func(eventID string) eventKey {
		f := Fields{DeviceID: []byte("d"), HasSeq: true}
		if eventID != "-" {
			f.EventID = []byte(eventID)
		}
		return keys.key(&f)
	}
	tests := []struct {
		name, eventID string
		group         uint64
		foreign       bool
	}{
		{"ours", "12345678-9abc-45ca-a1e5-0123456789ab", 0x123456789abc, false},
		{"ours, another event of the run", "12345678-9abc-45ca-a1e5-fedcba987654", 0x123456789abc, false},
		{"ours, another run", "00000000-0001-45ca-a1e5-0123456789ab", 1, false},
		{"a foreign random UUID", "a4e5c2c6-1d2b-4b8e-9a0f-0b9f3f2d7c11", groupForeign, true},
		{"a foreign id that is no UUID", "event-42", groupForeign, true},
		{"no eventId", "-", groupNoEventID, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := key(tt.eventID)
			if k.group != tt.group || k.foreign() != tt.foreign {
				t.Fatalf("key(%s) = %+v, want group %x foreign %v", tt.eventID, k, tt.group, tt.foreign)
			}
		})
	}
	if a, b := key("event-42"), key("event-42"); a != b || a == key("event-43") {
		t.Fatal("a foreign non-UUID eventId must key the same each time and apart from another")
	}
	if key("a4e5c2c6-1d2b-4b8e-9a0f-0b9f3f2d7c11") == key("a4e5c2c6-1d2b-4b8e-9a0f-0b9f3f2d7c12") {
		t.Fatal("two foreign UUIDs keyed alike")
	}
}

// TestReconcilerAcrossRuns reconciles windows holding several generator runs that reuse the
// same devices and sequence numbers, foreign events, and events without an eventId.
func TestReconcilerAcrossRuns(t *testing.T) {
	type ev struct {
		key eventKey
		dev string
		seq int64
	}
	runA, runB := eventKey{group: 0xaaa}, eventKey{group: 0xbbb}
	f1, f2 := eventKey{group: groupForeign, id: [2]uint64{1, 1}}, eventKey{group: groupForeign, id: [2]uint64{2, 2}}
	legacy := eventKey{}
	both := func(evs ...ev) []ev { return evs }
	tests := []struct {
		name    string
		in, out []ev
		want    reconciliation
	}{
		{"two runs, same device and seq, both out", both(ev{runA, "d", 0}, ev{runB, "d", 0}), both(ev{runA, "d", 0}, ev{runB, "d", 0}),
			reconciliation{inputEvents: 2, runs: 2}},
		{"the second run's event lost is missing", both(ev{runA, "d", 0}, ev{runB, "d", 0}), both(ev{runA, "d", 0}),
			reconciliation{inputEvents: 2, missing: 1, runs: 2}},
		{"a pipeline copy of the first run is a duplicate, not the second run's event", both(ev{runA, "d", 0}, ev{runB, "d", 0}), both(ev{runA, "d", 0}, ev{runA, "d", 0}),
			reconciliation{inputEvents: 2, missing: 1, duplicates: 1, runs: 2}},
		{"two runs' events are no source duplicates", both(ev{runA, "d", 0}, ev{runB, "d", 0}, ev{runB, "d", 0}), both(ev{runA, "d", 0}, ev{runB, "d", 0}, ev{runB, "d", 0}),
			reconciliation{inputEvents: 2, sourceDuplicates: 1, runs: 2}},
		{"an output run never input is unexpected", both(ev{runA, "d", 0}), both(ev{runA, "d", 0}, ev{runB, "d", 0}),
			reconciliation{inputEvents: 1, unexpected: 1, runs: 2}},
		{"foreign events by eventId", both(ev{f1, "d", 0}, ev{f2, "d", 0}, ev{f2, "d", 0}), both(ev{f2, "d", 0}, ev{f2, "d", 0}, ev{f2, "d", 0}),
			reconciliation{inputEvents: 2, foreignEvents: 2, missing: 1, sourceDuplicates: 1, duplicates: 1}},
		{"a foreign event out, never in", nil, both(ev{f1, "d", 0}, ev{f1, "d", 0}), reconciliation{unexpected: 2}},
		{"legacy, run and foreign events of one device and seq", both(ev{legacy, "d", 0}, ev{runA, "d", 0}, ev{f1, "d", 0}), both(ev{legacy, "d", 0}, ev{runA, "d", 0}, ev{f1, "d", 0}),
			reconciliation{inputEvents: 3, foreignEvents: 1, runs: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReconciler()
			for _, e := range tt.in {
				r.addInput(e.key, []byte(e.dev), e.seq, 0, content{})
			}
			for _, e := range tt.out {
				r.addOutput(e.key, []byte(e.dev), e.seq)
			}
			if got := r.result(); got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			if r.outstanding != tt.want.missing {
				t.Fatalf("outstanding %d, want the %d missing", r.outstanding, tt.want.missing)
			}
		})
	}
}

func TestTrackerAcrossRuns(t *testing.T) {
	type in struct {
		key  eventKey
		dev  string
		seq  int64
		part int32
	}
	runA, runB := eventKey{group: 0xaaa}, eventKey{group: 0xbbb}
	f1, f2 := eventKey{group: groupForeign, id: [2]uint64{1, 1}}, eventKey{group: groupForeign, id: [2]uint64{2, 2}}
	tests := []struct {
		name                       string
		adds                       []in
		events, dups, ooo, missing int64
	}{
		{"a second run restarting at 0 is neither duplicate nor out of order",
			[]in{{runA, "d", 0, 0}, {runA, "d", 1, 0}, {runB, "d", 0, 0}, {runB, "d", 1, 0}}, 4, 0, 0, 0},
		{"a copy within a run is a duplicate", []in{{runA, "d", 0, 0}, {runB, "d", 0, 0}, {runA, "d", 0, 0}}, 2, 1, 0, 0},
		{"gaps per run", []in{{runA, "d", 0, 0}, {runA, "d", 2, 0}, {runB, "d", 0, 0}, {runB, "d", 1, 0}}, 4, 0, 0, 1},
		{"backwards within a run", []in{{runA, "d", 1, 0}, {runB, "d", 0, 0}, {runA, "d", 0, 0}}, 3, 0, 1, 0},
		{"foreign duplicates by eventId", []in{{f1, "d", 0, 0}, {f2, "d", 0, 0}, {f1, "d", 0, 0}}, 2, 1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracker()
			for _, a := range tt.adds {
				tr.add(a.key, []byte(a.dev), a.seq, a.part)
			}
			if tr.events != tt.events || tr.duplicates != tt.dups || tr.outOfOrder != tt.ooo || tr.missing(false) != tt.missing {
				t.Fatalf("events %d dups %d ooo %d missing %d; want %d %d %d %d",
					tr.events, tr.duplicates, tr.outOfOrder, tr.missing(false), tt.events, tt.dups, tt.ooo, tt.missing)
			}
			if tr.devices() != 1 {
				t.Fatalf("devices %d, want 1", tr.devices())
			}
		})
	}
}

// generatedRun is n events of one generator run over devices, as the generator encodes them,
// with enqueuedAt and processedAt spliced in as the relay does for the output.
func generatedRun(n, devices int) (in, out []string) {
	enc := event.NewEncoder(1, event.DefaultDevicePrefix, event.NewRunID())
	for i := range n {
		b := enc.Append(nil, i%devices, int64(i/devices), 1_700_000_000_000_000)
		in = append(in, string(b))
		out = append(out, fmt.Sprintf(`%s,"enqueuedAt":"2023-11-14T22:13:20.000Z","processedAt":"2023-11-14T22:13:20.001Z"}`, b[:len(b)-1]))
	}
	return in, out
}

// TestRun_Kfake_NotFooledBySecondGeneratorRun is the scenario that fooled the verifier: a
// clean run, 100 of its output records copied into the output again, then a second generator
// run (same devices, sequences from 0 again) whose 500 events never come out. Reconciled over
// both runs' input, that is 500 missing and 100 duplicates, and no source duplicates.
func TestRun_Kfake_NotFooledBySecondGeneratorRun(t *testing.T) {
	in1, out1 := generatedRun(2000, 50)
	in2, _ := generatedRun(500, 50)
	out := append(append([]string{}, out1...), out1[:100]...)
	cl := kfakeTopics(t, map[string][]string{"in": append(in1, in2...), "out": out})
	tests := []struct {
		name string
		cfg  func(*Config)
	}{
		{"reconciled", func(c *Config) {
			c.Bounds = map[int32]OffsetRange{0: {Start: 0, End: int64(len(out))}}
			c.InputTopic, c.InputBounds = "in", map[int32]OffsetRange{0: {Start: 0, End: 2500}}
		}},
		{"drained", func(c *Config) {
			c.Bounds = map[int32]OffsetRange{0: {Start: 0}}
			c.InputTopic, c.InputBounds, c.Drain = "in", map[int32]OffsetRange{0: {Start: 0, End: 2500}}, true
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.IdleTimeout, cfg.SequencesStartAtZero = 2*time.Second, true
			tt.cfg(&cfg)
			res, err := Run(context.Background(), cl, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Missing != 500 || res.Duplicates != 100 || res.SourceDuplicates != 0 || res.Unexpected != 0 || res.InputEvents != 2500 || res.Runs != 2 {
				t.Fatalf("result = %+v, want 500 missing, 100 duplicates, 2500 input events of 2 runs", res)
			}
			if fails := res.Check(DefaultChecks()); len(fails) == 0 {
				t.Fatal("no check failed")
			}
		})
	}
}

// TestRun_Kfake_FromBeginningNotFooledBySecondGeneratorRun checks the unreconciled read of a
// whole topic holding two runs: the second run's sequences restarting at 0 are neither
// duplicates nor out of order, a pipeline copy is a duplicate (and the copies going back to
// seq 0 are out of order once per device), and a gap is missing.
func TestRun_Kfake_FromBeginningNotFooledBySecondGeneratorRun(t *testing.T) {
	_, out1 := generatedRun(1000, 10)
	_, out2 := generatedRun(1000, 10)
	out := append(append(append([]string{}, out1...), out1[:100]...), out2[:500]...)
	out = append(out, out2[510:]...) // device d's seq 50 lost in the second run, for each of the 10 devices
	cl := kfakeWith(t, out)
	cfg := DefaultConfig()
	cfg.IdleTimeout = time.Second
	res, err := Run(context.Background(), cl, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Events != 1990 || res.Duplicates != 100 || res.Missing != 10 || res.OutOfOrder != 10 || res.Runs != 2 || res.Devices != 10 {
		t.Fatalf("result = %+v", res)
	}
}

func TestRunNeedsAReadCommittedClient(t *testing.T) {
	cl, err := kgo.NewClient(kgo.SeedBrokers("127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := Run(context.Background(), cl, DefaultConfig(), nil); err == nil {
		t.Fatal("Run took a read_uncommitted client")
	}
}
