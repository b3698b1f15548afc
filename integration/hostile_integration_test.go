//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/event"
	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/generate"
)

const (
	hostileCount = 20_000
	hostileSeed  = 20261129
	// hostileIDHeader numbers each hostile input record, so that its output or dead letter can
	// be traced back to it (the relay keeps input headers).
	hostileIDHeader = "hostile-id"
	// maxRecordBytes is the largest record value the test sends: under the broker's default
	// message.max.bytes (1,048,588) with the batch's overhead and a small key.
	maxRecordBytes = 1_047_950
)

// TestIntegrationRelayHostileInput sends tens of thousands of hostile records — arbitrary
// bytes up to the broker's maximum record size, truncated and mutated events, other
// encodings, deep nesting, numbers beyond double range, invalid UTF-8 in strings — between
// valid events from the generator at 3,000 events/s. The job must never restart; every
// valid event and every JSON object must come out with exactly one enqueuedAt and
// processedAt, everything else must be a dead letter with a reason, and the counts must
// reconcile exactly.
func TestIntegrationRelayHostileInput(t *testing.T) {
	st := sharedStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	r := startRelay(ctx, t, st, "hostile-in", "hostile-out")
	fc, job := r.fc, r.job
	t.Cleanup(func() { _ = fc.Cancel(context.Background(), job.JobID) })

	// Valid events from the generator, while the hostile records go in beside them.
	genDone := make(chan error, 1)
	var gen generate.Summary
	go func() {
		gcfg := generate.DefaultConfig()
		gcfg.Topic, gcfg.Count, gcfg.Rate, gcfg.DuplicateFraction, gcfg.Seed = "hostile-in", 30_000, 3000, 0, 7
		var err error
		gen, err = generate.Run(ctx, r.producer, gcfg, nil)
		genDone <- err
	}()

	hostile := hostileRecords(hostileSeed, hostileCount)
	pcl, err := kgo.NewClient(kgo.SeedBrokers(st.Kafka.Bootstrap), kgo.DefaultProduceTopic("hostile-in"),
		kgo.ProducerBatchMaxBytes(1_048_576), kgo.ProducerLinger(2*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer pcl.Close()
	for i, r := range hostile {
		r.Headers = append(r.Headers, kgo.RecordHeader{Key: hostileIDHeader, Value: []byte(strconv.Itoa(i))})
		pcl.Produce(ctx, r, func(r *kgo.Record, err error) {
			if err != nil {
				t.Errorf("produce hostile record %s (%d bytes): %v", r.Headers[len(r.Headers)-1].Value, len(r.Value), err)
			}
		})
		if i%500 == 0 {
			time.Sleep(100 * time.Millisecond) // spread them over the generator's run
		}
	}
	if err := pcl.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-genDone; err != nil || gen.Acked != 30_000 {
		t.Fatalf("generate: %+v, %v", gen, err)
	}
	if t.Failed() {
		t.FailNow()
	}

	want := int(gen.Acked) + len(hostile)
	outs, ok := consumeUntil(ctx, t, st.Kafka.Bootstrap, []string{"hostile-out", "hostile-in-dead-letter"}, want)
	if !ok {
		t.Fatalf("%d of %d records in hostile-out and the dead-letter topic after 3 minutes; the relay restarted %d times: %s",
			len(outs), want, numRestarts(ctx, t, st.Flink.REST, job.JobID), exceptionsOf(ctx, fc, job.JobID))
	}
	var eventsOut, relayed, deadLettered int
	seen := make([]int, len(hostile))
	for _, r := range outs {
		id, hostileRec := header(r, hostileIDHeader)
		if !hostileRec {
			if r.Topic != "hostile-out" {
				t.Fatalf("a generated event was dead-lettered: %s: %s", headerText(r), r.Value)
			}
			checkRelayed(t, nil, r.Value)
			eventsOut++
			continue
		}
		i, err := strconv.Atoi(string(id))
		if err != nil || i < 0 || i >= len(hostile) {
			t.Fatalf("record with hostile-id %q", id)
		}
		seen[i]++
		in := hostile[i].Value
		switch r.Topic {
		case "hostile-out":
			relayed++
			if !relayable(in) {
				t.Fatalf("hostile record %d is not a JSON object but was relayed:\nin:  %q\nout: %q", i, clip(in), clip(r.Value))
			}
			checkRelayed(t, in, r.Value)
		default:
			deadLettered++
			reason, ok := header(r, "streamscale.error")
			if !ok {
				t.Fatalf("dead letter %d has no reason header: %s", i, headerText(r))
			}
			tooLarge := len(in) > 1_000_000 && strings.Contains(string(reason), "max-record-bytes")
			if relayable(in) && !tooLarge {
				t.Fatalf("hostile record %d is a JSON object but was dead-lettered (%s):\n%q", i, reason, clip(in))
			}
			if !bytes.Equal(r.Value, in) && !hasHeaderKey(r, "streamscale.truncated") {
				t.Fatalf("dead letter %d does not keep the input's bytes (%d bytes, input %d)", i, len(r.Value), len(in))
			}
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("hostile record %d is in the output and dead-letter topics %d times, want once: %q", i, n, clip(hostile[i].Value))
		}
	}
	if eventsOut != int(gen.Acked) {
		t.Fatalf("%d of %d generated events in the output", eventsOut, gen.Acked)
	}
	if extra := consumeFor(ctx, t, st.Kafka.Bootstrap, "hostile-out", 3*time.Second); len(extra) != eventsOut+relayed {
		t.Fatalf("hostile-out holds %d records after settling, want %d", len(extra), eventsOut+relayed)
	}
	if n := numRestarts(ctx, t, st.Flink.REST, job.JobID); n != 0 {
		t.Fatalf("the relay restarted %d times on hostile input: %s", n, exceptionsOf(ctx, fc, job.JobID))
	}
	t.Logf("%d generated events relayed; of %d hostile records %d relayed, %d dead-lettered; 0 restarts", eventsOut, len(hostile), relayed, deadLettered)
}

// relayable reports whether the relay must pass v on: one JSON object (RFC 8259, UTF-8),
// after an optional byte-order mark.
func relayable(v []byte) bool {
	v = bytes.TrimPrefix(v, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(v, " \t\r\n")
	return len(t) > 0 && t[0] == '{' && utf8.Valid(v) && json.Valid(v)
}

// checkRelayed checks an output record: valid UTF-8 JSON starting with '{', whose top-level
// keys end with exactly one enqueuedAt and one processedAt, and which equals the input
// object (when given) without its own top-level enqueuedAt and processedAt.
func checkRelayed(t *testing.T, in, out []byte) {
	t.Helper()
	if len(out) == 0 || out[0] != '{' || !utf8.Valid(out) || !json.Valid(out) {
		t.Fatalf("output is not a UTF-8 JSON object starting with '{': %q", clip(out))
	}
	keys := topLevelKeys(t, out)
	if len(keys) < 2 || keys[len(keys)-2] != "enqueuedAt" || keys[len(keys)-1] != "processedAt" ||
		count(keys, "enqueuedAt") != 1 || count(keys, "processedAt") != 1 {
		t.Fatalf("output keys %v: want exactly one enqueuedAt and one processedAt, at the end\n%q", keys, clip(out))
	}
	if in == nil {
		return
	}
	got, wantObj := decodeObject(t, out), decodeObject(t, bytes.TrimPrefix(in, []byte("\xef\xbb\xbf")))
	delete(got, "enqueuedAt")
	delete(got, "processedAt")
	delete(wantObj, "enqueuedAt")
	delete(wantObj, "processedAt")
	if !reflect.DeepEqual(got, wantObj) {
		t.Fatalf("output is not the input object plus the two fields:\nin:  %q\nout: %q", clip(in), clip(out))
	}
}

func decodeObject(t *testing.T, v []byte) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("decode %q: %v", clip(v), err)
	}
	return m
}

// topLevelKeys lists the keys of a JSON object in order, duplicates included.
func topLevelKeys(t *testing.T, v []byte) []string {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	var keys []string
	depth := 0
	expectKey := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return keys
		}
		if err != nil {
			t.Fatalf("tokens of %q: %v", clip(v), err)
		}
		switch x := tok.(type) {
		case json.Delim:
			if x == '{' || x == '[' {
				depth++
			} else {
				depth--
			}
			expectKey = depth == 1
			continue
		case string:
			if depth == 1 && expectKey {
				keys = append(keys, x)
				expectKey = false
				continue
			}
		}
		if depth == 1 {
			expectKey = true
		}
	}
}

func count(keys []string, k string) int {
	n := 0
	for _, x := range keys {
		if x == k {
			n++
		}
	}
	return n
}

func header(r *kgo.Record, key string) ([]byte, bool) {
	for _, h := range r.Headers {
		if h.Key == key {
			return h.Value, true
		}
	}
	return nil, false
}

func hasHeaderKey(r *kgo.Record, key string) bool {
	_, ok := header(r, key)
	return ok
}

func headerText(r *kgo.Record) string {
	var b strings.Builder
	for _, h := range r.Headers {
		b.WriteString(h.Key + "=" + string(h.Value) + " ")
	}
	return b.String()
}

// clip shortens a value for a failure message.
func clip(v []byte) []byte {
	if len(v) > 300 {
		return append(append([]byte(nil), v[:300]...), "…"...)
	}
	return v
}

// consumeUntil reads topics from the start until they hold n records in all; ok is false
// when 3 minutes pass first.
func consumeUntil(ctx context.Context, t *testing.T, bootstrap string, topics []string, n int) (records []*kgo.Record, ok bool) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxBytes(64<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return out, false
		}
		out = append(out, fs.Records()...)
	}
	return out, true
}

func exceptionsOf(ctx context.Context, fc *flink.Client, jobID string) string {
	ex, err := fc.Exceptions(ctx, jobID)
	if err != nil {
		return err.Error()
	}
	return ex.RootCause()
}

// hostileRecords makes n records of every kind the relay must survive, from seed.
func hostileRecords(seed uint64, n int) []*kgo.Record {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	enc := event.NewEncoder(seed, "contoso://device-id-", event.NewRunID())
	valid := func() []byte {
		return enc.Append(nil, rng.IntN(1000), rng.Int64N(1_000_000), time.Now().UnixMicro())
	}
	randomBytes := func(max int) []byte {
		b := make([]byte, rng.IntN(max))
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	kinds := []func() []byte{
		func() []byte { return randomBytes(2000) },
		func() []byte { v := valid(); return v[:rng.IntN(len(v))] }, // truncated
		func() []byte { // a few random bytes flipped
			v := valid()
			for range 1 + rng.IntN(3) {
				v[rng.IntN(len(v))] = byte(rng.UintN(256))
			}
			return v
		},
		func() []byte { return append([]byte("\xef\xbb\xbf"), valid()...) },
		func() []byte { // the two fields already there, at the top level and nested
			v := valid()
			return append([]byte(`{"enqueuedAt":"1999-01-01T00:00:00.000Z","nested":{"processedAt":1},`), v[1:len(v)-1]...)
		},
		func() []byte {
			v := valid()
			return append(v[:len(v)-1], `,"processedAt":"x","enqueuedAt":null,"enqueuedAt":[1,{"a":2}]}`...)
		},
		func() []byte { // deep nesting
			d := 1 + rng.IntN(3000)
			return []byte(`{"deep":` + strings.Repeat("[", d) + "1" + strings.Repeat("]", d) + "}")
		},
		func() []byte { // unbalanced deep nesting
			d := 1 + rng.IntN(3000)
			return []byte(`{"deep":` + strings.Repeat(`{"a":`, d) + "1}")
		},
		func() []byte { // numbers beyond double range
			return []byte(`{"big":1e999,"small":-1e-999,"long":` + strings.Repeat("9", 1+rng.IntN(5000)) + `.5}`)
		},
		func() []byte { // invalid UTF-8 inside a string
			bad := [][]byte{{0xff}, {0xc0, 0x80}, {0xed, 0xa0, 0x80}, {0xe2, 0x82}, {0xf8, 0x88, 0x80, 0x80, 0x80}}
			return append(append([]byte(`{"s":"a`), bad[rng.IntN(len(bad))]...), `b"}`...)
		},
		func() []byte { // UTF-16LE with a BOM, and without
			v := valid()
			var b []byte
			if rng.IntN(2) == 0 {
				b = []byte{0xff, 0xfe}
			}
			for _, c := range v {
				b = append(b, c, 0)
			}
			return b
		},
		func() []byte { return []byte(strings.ReplaceAll(string(valid()), "o", "\xf6")) }, // Latin-1 bytes
		func() []byte { // whitespace around, valid and not
			ws := []string{" \n\t\r", "\f", "\u00a0", "\x00", "\v"}
			return append(append([]byte(ws[rng.IntN(len(ws))]), valid()...), ws[rng.IntN(len(ws))]...)
		},
		func() []byte { return nil }, // a tombstone
		func() []byte { return []byte{} },
		func() []byte { // JSON that is not an object
			xs := []string{`[1,2]`, `"str"`, `123`, `null`, `true`, `{}{}`, `{"a":1}x`, `{"a":1`, `}`, `{`, `{"a" 1}`}
			return []byte(xs[rng.IntN(len(xs))])
		},
		func() []byte { // valid oddities
			xs := []string{`{}`, ` { } `, `{"a":1,"a":2}`, `{"\ud800":"\udc00"}`, `{"":""}`, "{\"t\":\"\\u0000\"}", `{"e":"enqueuedAt"}`}
			return []byte(xs[rng.IntN(len(xs))])
		},
	}
	out := make([]*kgo.Record, 0, n+4)
	for range n {
		var key []byte
		if rng.IntN(4) > 0 {
			key = randomBytes(40)
		}
		out = append(out, &kgo.Record{Key: key, Value: kinds[rng.IntN(len(kinds))]()})
	}
	// A few large ones: random bytes, and JSON objects up to the broker's limit, so that one
	// outgrows it once spliced.
	for _, size := range []int{300_000, 1_000_000, maxRecordBytes} {
		b := make([]byte, size)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		out = append(out, &kgo.Record{Value: b})
		obj := append([]byte(`{"pad":"`), bytes.Repeat([]byte("x"), size-len(`{"pad":""}`))...)
		out = append(out, &kgo.Record{Value: append(obj, `"}`...)})
	}
	return out
}
