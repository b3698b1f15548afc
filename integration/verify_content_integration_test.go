//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/runlog"
	"github.com/streamscale/streamscale/internal/verify"
)

// forgery is a run of a relay that writes straight to the real broker: the test's own
// producer writes events into its input topic, and what it chooses as their output into its
// output topic; `streamscale verify --run` then judges the recorded window as it would a
// Flink job's. A few seconds each on the shared stack.
type forgery struct {
	t       *testing.T
	ctx     context.Context
	c       *cli
	bin     string // bootstrap
	cl      *kgo.Client
	adm     *kadm.Client
	in, out string
	runs    int
}

func newForgery(ctx context.Context, t *testing.T, c *cli, st local.Status, name string) *forgery {
	f := &forgery{t: t, ctx: ctx, c: c, bin: st.Kafka.Bootstrap, in: name + "-in", out: name + "-out"}
	f.cl = topicClient(t, f.bin, f.in, 2)
	if _, err := kafkaconn.EnsureTopics(ctx, f.cl, []kafkaconn.TopicSpec{{Name: f.out, Partitions: 2, Configs: kafkaconn.LogAppendTime()}}); err != nil {
		t.Fatal(err)
	}
	f.adm = kadm.NewClient(f.cl)
	return f
}

func (f *forgery) ends(topic string) map[int32]int64 {
	o, err := kafkaconn.EndOffsets(f.ctx, f.adm, topic)
	if err != nil {
		f.t.Fatal(err)
	}
	return o
}

// input writes n generator events into the input topic and returns them as the broker
// stored them (with their append times), and the input window.
func (f *forgery) input(n int64) ([]*kgo.Record, runlog.Window) {
	start := f.ends(f.in)
	g := generate.DefaultConfig()
	g.Topic, g.Count, g.Rate, g.Devices, g.DuplicateFraction = f.in, n, 1000, 4, 0
	if _, err := generate.Run(f.ctx, f.cl, g, nil); err != nil {
		f.t.Fatal(err)
	}
	end := f.ends(f.in)
	var recs []*kgo.Record
	total := 0
	for _, e := range end {
		total += int(e)
	}
	for _, r := range consume(f.ctx, f.t, f.bin, f.in, total) {
		if r.Offset >= start[r.Partition] && r.Offset < end[r.Partition] {
			recs = append(recs, r)
		}
	}
	if int64(len(recs)) != n {
		f.t.Fatalf("read back %d input records, want %d", len(recs), n)
	}
	return recs, runlog.Window{Topic: f.in, Start: start, End: end}
}

// relayed is what the relay promises for a generator event (no stamps of its own, no BOM):
// the object with `,"enqueuedAt":"<append time>","processedAt":"<now>"` before its '}'.
func relayedValue(r *kgo.Record, enqueued time.Time) []byte {
	v := r.Value
	return fmt.Appendf(append([]byte{}, v[:len(v)-1]...), `,"enqueuedAt":"%s","processedAt":"%s"}`,
		enqueued.UTC().Format("2006-01-02T15:04:05.000Z"), time.Now().UTC().Format("2006-01-02T15:04:05.000Z"))
}

// output writes one output record per input record, value(i, r) each, and records the run
// (its input window, its output from before the first); it returns the run's id.
func (f *forgery) output(in []*kgo.Record, inWin runlog.Window, value func(i int, r *kgo.Record) []byte) string {
	outStart := f.ends(f.out)
	for i, r := range in {
		if err := f.cl.ProduceSync(f.ctx, &kgo.Record{Topic: f.out, Key: r.Key, Value: value(i, r)}).FirstErr(); err != nil {
			f.t.Fatal(err)
		}
	}
	f.runs++
	now := time.Now()
	id := fmt.Sprintf("%s-%d", runlog.NewID(now), f.runs)
	rec := runlog.Run{ID: id, Started: now, Finished: now, Brokers: []string{f.bin}, Job: "relay", In: inWin,
		Out: runlog.Window{Topic: f.out, Start: outStart, End: f.ends(f.out)}}
	if err := runlog.Save(local.RunsDir(f.c.home), rec); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// verify runs `streamscale verify --run id --json` and returns its JSON (as a map: the test
// must read a figure an older verifier does not have as absent), stderr and exit code.
func (f *forgery) verify(id string) (map[string]any, string, int) {
	stdout, stderr, code := f.c.run(f.ctx, "verify", "--run", id, "--json", "--idle-timeout", "2s")
	var res map[string]any
	if code <= 1 && strings.TrimSpace(stdout) != "" {
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			f.t.Fatalf("verify --run %s --json: %v\nstdout:\n%s\nstderr:\n%s", id, err, stdout, stderr)
		}
	}
	return res, stderr, code
}

// TestIntegrationVerifyFailsOnForgedOutput checks `verify --run` against outputs forged
// straight into the real broker (one CLI build for all of them):
//
//   - 40 events, then three outputs of them as a relay would write them: a faithful one
//     (verify passes: the forgery is the contract), one with a digit of one record's value
//     changed (altered), one with one record's enqueuedAt a millisecond after its input's
//     append time (misstamped); both must fail, exit 1;
//   - a run whose input window ends 5 records past what the broker holds on partition 1 (as
//     after the topic was re-created, or its tail lost): every event that can be read came
//     out, yet verify must not pass a part as the whole.
func TestIntegrationVerifyFailsOnForgedOutput(t *testing.T) {
	st, c := sharedStack(t), newCLI(t) // before the clock starts: minutes on a loaded machine
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	f := newForgery(ctx, t, c, st, "forged-content")
	in, win := f.input(40)
	for name, check := range map[string]func(*testing.T, *forgery, []*kgo.Record, runlog.Window){
		"altered or misstamped": alteredOrMisstamped, "short input read": shortInputRead,
	} {
		t.Run(name, func(t *testing.T) {
			f.t, f.c.t = t, t
			check(t, f, in, win)
		})
	}
}

func alteredOrMisstamped(t *testing.T, f *forgery, in []*kgo.Record, win runlog.Window) {

	faithful := f.output(in, win, func(_ int, r *kgo.Record) []byte { return relayedValue(r, r.Timestamp) })
	res, stderr, code := f.verify(faithful)
	if code != 0 || res["missing"] != 0.0 || res["altered"] != 0.0 || res["misstamped"] != 0.0 {
		t.Fatalf("faithful output: exit %d, missing %v, altered %v, misstamped %v\nstderr:\n%s", code, res["missing"], res["altered"], res["misstamped"], stderr)
	}

	altered := f.output(in, win, func(i int, r *kgo.Record) []byte {
		v := relayedValue(r, r.Timestamp)
		if i == 7 { // one digit of its value changed
			at := bytes.Index(v, []byte(`"value":`)) + len(`"value":`)
			for v[at] < '0' || v[at] > '9' {
				at++
			}
			v[at] = '0' + (v[at]-'0'+1)%10
		}
		return v
	})
	res, stderr, code = f.verify(altered)
	if code != 1 || res["altered"] != 1.0 || res["misstamped"] != 0.0 || res["missing"] != 0.0 || !strings.Contains(stderr, "FAIL altered events") {
		t.Fatalf("one value altered: exit %d, altered %v, misstamped %v, missing %v, want exit 1 and 1 altered\nstderr:\n%s", code, res["altered"], res["misstamped"], res["missing"], stderr)
	}

	late := f.output(in, win, func(i int, r *kgo.Record) []byte {
		if i == 11 {
			return relayedValue(r, r.Timestamp.Add(time.Millisecond))
		}
		return relayedValue(r, r.Timestamp)
	})
	res, stderr, code = f.verify(late)
	if code != 1 || res["misstamped"] != 1.0 || res["altered"] != 0.0 || !strings.Contains(stderr, "FAIL misstamped events") || !strings.Contains(stderr, "1 ms after the input's append time") {
		t.Fatalf("one enqueuedAt 1 ms late: exit %d, misstamped %v, altered %v, want exit 1 and 1 misstamped\nstderr:\n%s", code, res["misstamped"], res["altered"], stderr)
	}
}

func shortInputRead(t *testing.T, f *forgery, in []*kgo.Record, win runlog.Window) {
	end := win.End[1]
	win.End = map[int32]int64{0: win.End[0], 1: end + 5} // a copy: win's map is the caller's
	id := f.output(in, win, func(_ int, r *kgo.Record) []byte { return relayedValue(r, r.Timestamp) })
	_, stderr, code := f.verify(id)
	want := fmt.Sprintf("partition 1 at offset %d of %d", end, end+5)
	if code != 1 || !strings.Contains(stderr, "stopped short of the window's end") || !strings.Contains(stderr, want) {
		t.Fatalf("input window 5 records past the topic's end: exit %d, want 1 with an error naming %q\nstderr:\n%s", code, want, stderr)
	}
}

// TestIntegrationVerifyRealRelayKeepsItsPromise checks the verifier's reading of the data
// contract against the real relay job: events with a byte-order mark, whitespace inside and
// around the object, stamps of their own first, in the middle, last, repeated and spelled
// with escapes, a nested stamp and a name like a stamp go through the relay; the content
// check must find every output faithful, nothing altered or misstamped. About 20 s on the
// shared stack (the relay's submission).
func TestIntegrationVerifyRealRelayKeepsItsPromise(t *testing.T) {
	st := sharedStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const in, out = "promise-in", "promise-out"
	r := startRelay(ctx, t, st, in, out)
	t.Cleanup(func() { _ = r.fc.Cancel(context.Background(), r.job.JobID) })
	adm := kadm.NewClient(r.producer)
	ends := func(topic string) map[int32]int64 {
		o, err := kafkaconn.EndOffsets(ctx, adm, topic)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	inStart, outStart := ends(in), ends(out)
	shapes := []string{
		"\xef\xbb\xbf{%s}",
		" \r\n{ %s \n}\t ",
		`{"enqueuedAt":"2020-01-01T00:00:00.000Z" , %s}`,
		`{%s , "processedAt":null ,"x":1}`,
		`{%s,"enqueuedAt":1,"enqueuedAt":{"a":[1]},"processedAt":"x"}`,
		`{"enqueued\u0041t":"old",%s,"process\u0065dAt":2}`,
		`{%s,"nested":{"enqueuedAt":"kept","processedAt":"kept"}}`,
		`{%s,"enqueuedAtX":"kept"}`,
	}
	for i, shape := range shapes {
		members := fmt.Sprintf(`"eventId":"a4e5c2c6-1d2b-4b8e-9a0f-%012d","deviceId":"promise-%d","deviceSequenceNumber":0,"value":1.5`, i, i)
		v := fmt.Sprintf(shape, members)
		if err := r.producer.ProduceSync(ctx, &kgo.Record{Topic: in, Key: []byte(fmt.Sprint(i)), Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	inEnd := ends(in)
	vcl, err := kafkaconn.Conn{Brokers: []string{st.Kafka.Bootstrap}}.NewClient(verify.ClientOpts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer vcl.Close()
	cfg := verify.DefaultConfig()
	cfg.Topic, cfg.InputTopic, cfg.Drain, cfg.IdleTimeout = out, in, true, 30*time.Second
	cfg.Bounds, cfg.InputBounds = map[int32]verify.OffsetRange{}, map[int32]verify.OffsetRange{}
	for p, e := range inEnd {
		cfg.InputBounds[p] = verify.OffsetRange{Start: inStart[p], End: e}
		cfg.Bounds[p] = verify.OffsetRange{Start: outStart[p]}
	}
	res, err := verify.Run(ctx, vcl, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.InputEvents != int64(len(shapes)) || res.Missing != 0 || res.Altered != 0 || res.Misstamped != 0 {
		t.Fatalf("%d shapes through the relay: %d input events, %d missing, %d altered %q, %d misstamped %q",
			len(shapes), res.InputEvents, res.Missing, res.Altered, res.AlteredExamples, res.Misstamped, res.MisstampedExamples)
	}
}
