package gorelay

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestTransform(t *testing.T) {
	enq := time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
	proc := enq.Add(1500 * time.Millisecond)
	fields := `"enqueuedAt":"2026-01-02T03:04:05.006Z","processedAt":"2026-01-02T03:04:06.506Z"}`
	for _, tc := range []struct {
		name, in, want, reason string
		nilValue               bool
		enqueued               time.Time
	}{
		{name: "object", in: `{"a":1}`, want: `{"a":1,` + fields},
		{name: "trailing space", in: "{\"a\":1} \n", want: `{"a":1,` + fields},
		{name: "space before the brace", in: `{"a":1 }`, want: `{"a":1 ,` + fields},
		{name: "byte-order mark and leading space", in: "\xef\xbb\xbf \t{\"a\":[1,{}]}", want: `{"a":[1,{}],` + fields},
		{name: "empty object", in: `{}`, want: `{` + fields},
		{name: "empty object with space", in: `{ }`, want: `{ ` + fields},
		{name: "array", in: `[1]`, reason: "not a JSON object"},
		{name: "empty value", in: ``, reason: "empty value"},
		{name: "tombstone", nilValue: true, reason: "tombstone (null value)"},
		{name: "two objects", in: `{"a":1}{"b":2}`, reason: "not exactly one JSON object"},
		{name: "unterminated string", in: `{"a":"1}`, reason: "not exactly one JSON object"},
		{name: "NaN", in: `{"a":NaN}`, reason: "not exactly one JSON object"},
		{name: "comment", in: `{"a":1 /* c */}`, reason: "not exactly one JSON object"},
		{name: "invalid UTF-8", in: "{\"a\":\"\xff\"}", reason: "invalid UTF-8"},
		{name: "year 10000", in: `{"a":1}`, enqueued: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), reason: "record timestamp outside the years 0000-9999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(tc.in)
			if tc.nilValue {
				in = nil
			}
			e := enq
			if !tc.enqueued.IsZero() {
				e = tc.enqueued
			}
			got, reason := Transform(in, e, proc)
			if string(got) != tc.want || reason != tc.reason {
				t.Fatalf("Transform(%q) = %q, %q; want %q, %q", tc.in, got, reason, tc.want, tc.reason)
			}
		})
	}
}

func rec(p int32, off int64) *kgo.Record {
	return &kgo.Record{Topic: "in", Partition: p, Offset: off, LeaderEpoch: 3}
}

// TestTrackerCommitsOnlyBehindEveryAck: a partition's offset moves only past records whose
// every predecessor is acknowledged, acknowledgements arriving in any order, partitions apart.
func TestTrackerCommitsOnlyBehindEveryAck(t *testing.T) {
	tr := newTracker(100, 1<<20)
	a0, a1, a2 := tr.add(rec(0, 10), 5), tr.add(rec(0, 11), 5), tr.add(rec(0, 12), 5)
	b0 := tr.add(rec(1, 7), 5)
	commit := func() map[int32]int64 {
		out := map[int32]int64{}
		for p, o := range tr.committable()["in"] {
			out[p] = o.Offset
		}
		tr.committed(tr.committable())
		return out
	}
	if got := commit(); len(got) != 0 {
		t.Fatalf("committable before any ack = %v, want none", got)
	}
	tr.done(a1, nil)
	tr.done(a2, nil)
	if got := commit(); len(got) != 0 {
		t.Fatalf("committable with offset 10 unacknowledged = %v, want none", got)
	}
	tr.done(b0, nil)
	if got := commit(); got[1] != 8 || len(got) != 1 {
		t.Fatalf("committable = %v, want partition 1 at 8 only", got)
	}
	tr.done(a0, nil)
	if got := commit(); got[0] != 13 || len(got) != 1 {
		t.Fatalf("committable = %v, want partition 0 at 13 (1 committed already)", got)
	}
	if tr.inFlight != 0 || tr.bytes != 0 {
		t.Fatalf("in flight %d records %d bytes after every ack, want 0", tr.inFlight, tr.bytes)
	}
}

// TestTrackerNeverCommitsPastAFailure: a refused record holds its partition's offset.
func TestTrackerNeverCommitsPastAFailure(t *testing.T) {
	tr := newTracker(100, 1<<20)
	a0, a1 := tr.add(rec(0, 0), 1), tr.add(rec(0, 1), 1)
	boom := errors.New("record too large")
	tr.done(a0, boom)
	tr.done(a1, nil)
	if got := tr.committable(); len(got) != 0 {
		t.Fatalf("committable after a failed first record = %v, want none", got)
	}
	if !errors.Is(tr.failed(), boom) {
		t.Fatalf("failed = %v, want the produce error", tr.failed())
	}
}

// TestTrackerBackpressure: at the bound, waitRoom blocks until an acknowledgement frees room.
func TestTrackerBackpressure(t *testing.T) {
	tr := newTracker(2, 1<<20)
	a := tr.add(rec(0, 0), 1)
	tr.add(rec(0, 1), 1)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := tr.waitRoom(ctx); err == nil {
		t.Fatal("waitRoom returned with 2 of 2 records in flight")
	}
	tr.done(a, nil)
	room, err := tr.waitRoom(t.Context())
	if err != nil || room != 1 {
		t.Fatalf("waitRoom after an ack = %d, %v; want 1", room, err)
	}
	big := newTracker(100, 10)
	big.add(rec(0, 0), 10)
	if _, err := big.waitRoom(ctx); err == nil {
		t.Fatal("waitRoom returned with the byte bound reached")
	}
}

// TestTrackerForgetsRevokedPartitions: a late acknowledgement of a revoked partition's record
// does not touch the partition's new track.
func TestTrackerForgetsRevokedPartitions(t *testing.T) {
	tr := newTracker(100, 1<<20)
	old := tr.add(rec(0, 5), 1)
	tr.forget(map[string][]int32{"in": {0}})
	fresh := tr.add(rec(0, 3), 1)
	tr.done(old, nil)
	if got := tr.committable(); len(got) != 0 {
		t.Fatalf("committable = %v after the revoked record's ack, want none", got)
	}
	tr.done(fresh, nil)
	if got := tr.committable()["in"][0].Offset; got != 4 {
		t.Fatalf("committable = %d, want 4", got)
	}
}
