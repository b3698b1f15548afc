package verify

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// appended is the input records' append time in these tests, and its stamp.
var appended = time.Date(2026, 12, 7, 18, 0, 0, 100_000_000, time.UTC)

const (
	enq  = `"enqueuedAt":"2026-12-07T18:00:00.100Z"`
	proc = `"processedAt":"2026-12-07T18:00:00.104Z"`
	// ev is an event's members, id and sequence first; run is its generator run's eventId.
	ev = `"eventId":"12345678-9abc-45ca-a1e5-000000000007","deviceId":"contoso://device-id-3","deviceSequenceNumber":17,"value":49.02278128887753,"type":"CO2","createdAt":"2026-12-07T18:00:00.000003Z"`
)

// relayed runs one input record and its output records through the verifier as Run does,
// reconciled, and returns the result.
func relayed(t *testing.T, in []*kgo.Record, out []string) Result {
	t.Helper()
	v := &verifier{cfg: DefaultConfig(), keys: newKeyer(), tracker: newTracker(), lat: newLatencyRecorder(), series: newIntervalRecorder(10 * time.Second), rec: newReconciler()}
	v.tracker.rec = v.rec
	for _, r := range in {
		v.addInput(r)
	}
	v.rec.inputDone()
	for i, o := range out {
		v.add(&kgo.Record{Topic: "out", Partition: 1, Offset: int64(40 + i), Value: []byte(o), Timestamp: appended.Add(8 * time.Millisecond)})
	}
	return v.result()
}

func inRecord(value string, at time.Time) *kgo.Record {
	return &kgo.Record{Topic: "in", Value: []byte(value), Timestamp: at}
}

// TestContentCheck pins the relay's promise with outputs written out by hand from the data
// contract: each row is an input value and an output value, and says what the verifier must
// count. The first rows are faithful relays (nothing counted), whatever the input looks like.
func TestContentCheck(t *testing.T) {
	const bom = "\xef\xbb\xbf"
	tests := []struct {
		name                string
		in, out             string
		altered, misstamped int64
		why                 string // a part of the one example
	}{
		{name: "faithful", in: `{` + ev + `}`, out: `{` + ev + `,` + enq + `,` + proc + `}`},
		{name: "BOM and whitespace around the input are not written", in: bom + " \n{" + ev + "}\r\n ", out: `{` + ev + `,` + enq + `,` + proc + `}`},
		{name: "whitespace inside kept", in: "{ " + ev + " \n}", out: "{ " + ev + " \n," + enq + `,` + proc + `}`},
		{name: "stamps in the input removed, first and last", in: `{"enqueuedAt":"x" , ` + ev + ` ,"processedAt":5}`, out: `{` + ev + `,` + enq + `,` + proc + `}`},
		{name: "stamp in the middle removed with the separator before it", in: `{"a":1 , "processedAt":null ,` + ev + `}`, out: `{"a":1 ,` + ev + `,` + enq + `,` + proc + `}`},
		{name: "duplicate stamps in the input all removed", in: `{"enqueuedAt":1,"enqueuedAt":2,` + ev + `,"enqueuedAt":{"x":[]}}`, out: `{` + ev + `,` + enq + `,` + proc + `}`},
		{name: "escaped spelling of a stamp removed", in: `{` + ev + `,"enqueued\u0041t":"old"}`, out: `{` + ev + `,` + enq + `,` + proc + `}`},
		{name: "nested stamps stay", in: `{` + ev + `,"x":{"enqueuedAt":"old"}}`, out: `{` + ev + `,"x":{"enqueuedAt":"old"},` + enq + `,` + proc + `}`},
		{name: "a name like a stamp stays", in: `{` + ev + `,"enqueuedAt2":1}`, out: `{` + ev + `,"enqueuedAt2":1,` + enq + `,` + proc + `}`},

		{name: "altered value", in: `{` + ev + `}`, out: `{` + strings.Replace(ev, "49.02278128887753", "49.02278128887754", 1) + `,` + enq + `,` + proc + `}`,
			altered: 1, why: "bytes before the stamps as the input makes, but other bytes"},
		{name: "value rounded", in: `{` + ev + `}`, out: `{` + strings.Replace(ev, "49.02278128887753", "49.0227812888775", 1) + `,` + enq + `,` + proc + `}`,
			altered: 1, why: "where the input makes"},
		{name: "dropped field", in: `{` + ev + `,"extra":true}`, out: `{` + ev + `,` + enq + `,` + proc + `}`,
			altered: 1, why: "where the input makes"},
		{name: "extra field", in: `{` + ev + `}`, out: `{` + ev + `,"added":1,` + enq + `,` + proc + `}`,
			altered: 1, why: "where the input makes"},
		{name: "whitespace changed", in: `{ ` + ev + `}`, out: `{` + ev + `,` + enq + `,` + proc + `}`,
			altered: 1, why: "where the input makes"},
		{name: "BOM written", in: bom + `{` + ev + `}`, out: bom + `{` + ev + `,` + enq + `,` + proc + `}`,
			altered: 1, why: "where the input makes"},
		{name: "input stamp kept", in: `{` + ev + `,"processedAt":"2026-12-07T18:00:00.000Z"}`, out: `{` + ev + `,"processedAt":"2026-12-07T18:00:00.000Z",` + enq + `,` + proc + `}`,
			altered: 1, why: "3 enqueuedAt/processedAt members"},
		{name: "duplicate stamps", in: `{` + ev + `}`, out: `{` + ev + `,` + enq + `,` + enq + `,` + proc + `}`,
			altered: 1, why: "3 enqueuedAt/processedAt members"},
		{name: "stamps not last", in: `{` + ev + `}`, out: `{` + enq + `,` + proc + `,` + ev + `}`,
			altered: 1, why: "stamps not last"},
		{name: "stamps swapped", in: `{` + ev + `}`, out: `{` + ev + `,` + proc + `,` + enq + `}`,
			altered: 1, why: "stamps not last"},
		{name: "processedAt missing", in: `{` + ev + `}`, out: `{` + ev + `,` + enq + `}`,
			altered: 1, why: "no processedAt"},
		{name: "enqueuedAt missing", in: `{` + ev + `}`, out: `{` + ev + `,` + proc + `}`,
			altered: 1, why: "no enqueuedAt"},
		{name: "stamp in microseconds", in: `{` + ev + `}`, out: `{` + ev + `,"enqueuedAt":"2026-12-07T18:00:00.100000Z",` + proc + `}`,
			altered: 1, why: "in another form"},

		{name: "late enqueuedAt", in: `{` + ev + `}`, out: `{` + ev + `,"enqueuedAt":"2026-12-07T18:00:00.101Z",` + proc + `}`,
			misstamped: 1, why: "enqueuedAt 2026-12-07T18:00:00.101Z, 1 ms after the input's append time 2026-12-07T18:00:00.100Z"},
		{name: "early enqueuedAt", in: `{` + ev + `}`, out: `{` + ev + `,"enqueuedAt":"2026-12-07T17:59:59.100Z",` + proc + `}`,
			misstamped: 1, why: "1000 ms before"},
		{name: "late and not last", in: `{` + ev + `}`, out: `{"enqueuedAt":"2026-12-07T18:00:01.100Z",` + ev + `,` + proc + `}`,
			altered: 1, misstamped: 1, why: "stamps not last"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := relayed(t, []*kgo.Record{inRecord(tt.in, appended)}, []string{tt.out})
			if res.Missing != 0 || res.Unexpected != 0 || res.InputEvents != 1 {
				t.Fatalf("not reconciled as one event: %+v", res)
			}
			if res.Altered != tt.altered || res.Misstamped != tt.misstamped {
				t.Fatalf("altered %d, misstamped %d; want %d, %d (examples %q %q)", res.Altered, res.Misstamped, tt.altered, tt.misstamped, res.AlteredExamples, res.MisstampedExamples)
			}
			examples := append(append([]string{}, res.AlteredExamples...), res.MisstampedExamples...)
			if int64(len(examples)) != tt.altered+tt.misstamped {
				t.Fatalf("examples %q, want one per count", examples)
			}
			for _, ex := range examples {
				if !strings.HasPrefix(ex, "contoso://device-id-3 #17 (run 123456789abc) at out 1/40: ") {
					t.Errorf("example %q does not name the event and the output record", ex)
				}
			}
			if tt.why != "" && !strings.Contains(strings.Join(examples, "\n"), tt.why) {
				t.Errorf("examples %q do not say %q", examples, tt.why)
			}
			checks := DefaultChecks()
			checks.AllowCreateTime = true // the records here carry no timestamp type
			fails := res.Check(checks)
			if got, want := len(fails) > 0, tt.altered+tt.misstamped > 0; got != want {
				t.Errorf("checks failed = %v (%v), want %v", got, fails, want)
			}
		})
	}
}

// TestContentCheckCopies checks events read more than once: each output copy matches one of
// its event's input copies (the generator's duplicates are byte-identical, appended at other
// times), and every altered copy counts.
func TestContentCheckCopies(t *testing.T) {
	in := `{` + ev + `}`
	later := appended.Add(3 * time.Millisecond)
	good := `{` + ev + `,` + enq + `,` + proc + `}`
	goodLater := `{` + ev + `,"enqueuedAt":"2026-12-07T18:00:00.103Z",` + proc + `}`
	tests := []struct {
		name                string
		in                  []*kgo.Record
		out                 []string
		altered, misstamped int64
	}{
		{"two input copies, each relayed", []*kgo.Record{inRecord(in, appended), inRecord(in, later)}, []string{good, goodLater}, 0, 0},
		{"two input copies, the later relayed twice", []*kgo.Record{inRecord(in, appended), inRecord(in, later)}, []string{goodLater, goodLater}, 0, 0},
		{"one input copy stamped with no copy's time", []*kgo.Record{inRecord(in, appended), inRecord(in, later)}, []string{`{` + ev + `,"enqueuedAt":"2026-12-07T18:00:00.102Z",` + proc + `}`}, 0, 1},
		{"a pipeline duplicate altered", []*kgo.Record{inRecord(in, appended)}, []string{good, `{` + ev + `,"x":1,` + enq + `,` + proc + `}`}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := relayed(t, tt.in, tt.out)
			if res.Altered != tt.altered || res.Misstamped != tt.misstamped || res.Missing != 0 {
				t.Fatalf("altered %d, misstamped %d, missing %d; want %d, %d, 0 (%q %q)", res.Altered, res.Misstamped, res.Missing, tt.altered, tt.misstamped, res.AlteredExamples, res.MisstampedExamples)
			}
		})
	}
}

// TestContentCheckOrderAndIdentities feeds a device's events out of order, events of two
// runs, a foreign event and one without an eventId, so that each finds its own input's
// content (kept by rank in the sequence bitmap, by eventId, by device and sequence number).
func TestContentCheckOrderAndIdentities(t *testing.T) {
	mk := func(id string, seq int, value string) string {
		return `{` + id + `"deviceId":"d","deviceSequenceNumber":` + strconv.Itoa(seq) + `,"value":` + value + `}`
	}
	run1, run2 := `"eventId":"11111111-1111-45ca-a1e5-000000000001",`, `"eventId":"22222222-2222-45ca-a1e5-000000000001",`
	foreign := `"eventId":"a4e5c2c6-1d2b-4b8e-9a0f-0b9f3f2d7c11",`
	var in []*kgo.Record
	var out []string
	add := func(id string, seq int, value string, at time.Time) {
		v := mk(id, seq, value)
		in = append(in, inRecord(v, at))
		out = append(out, v[:len(v)-1]+`,"enqueuedAt":"`+stampTime(at.UnixMilli())+`",`+proc+`}`)
	}
	for _, seq := range []int{5, 1, 9, 3, 7, 0} { // out of order within the device
		add(run1, seq, strconv.Itoa(seq*10), appended.Add(time.Duration(seq)*time.Millisecond))
		add(run2, seq, strconv.Itoa(seq*10+1), appended.Add(time.Duration(seq+20)*time.Millisecond))
	}
	add(foreign, 0, "7", appended.Add(time.Second))
	add("", 4, "8", appended.Add(2*time.Second))
	slices.Reverse(out)
	if res := relayed(t, in, out); res.Altered != 0 || res.Misstamped != 0 || res.Missing != 0 || res.InputEvents != 14 {
		t.Fatalf("faithful output: %+v", res)
	}
	// One value changed: that record altered, nothing misstamped.
	out[0] = strings.Replace(out[0], `"value":`, `"value":1`, 1)
	if res := relayed(t, in, out); res.Altered != 1 || res.Misstamped != 0 {
		t.Fatalf("one output altered: altered %d, misstamped %d", res.Altered, res.Misstamped)
	}
}

// TestContentCheckInputStampsAnyValue checks that an input whose enqueuedAt is no timestamp
// is an event all the same (the relay removes the member whatever it holds).
func TestContentCheckInputStampsAnyValue(t *testing.T) {
	res := relayed(t, []*kgo.Record{inRecord(`{`+ev+`,"enqueuedAt":"yesterday"}`, appended)}, []string{`{` + ev + `,` + enq + `,` + proc + `}`})
	if res.InputNotEvents != 0 || res.InputEvents != 1 || res.Missing != 0 || res.Altered != 0 || res.Misstamped != 0 {
		t.Fatalf("result %+v", res)
	}
}

func TestNameIs(t *testing.T) {
	tests := []struct {
		raw  string
		want bool
	}{
		{`enqueuedAt`, true},
		{`enqueued\u0041t`, true},
		{`\u0065nqueuedAt`, true},
		{`enqueued\u0061t`, false},
		{`enqueuedAt\u0000`, false},
		{`enqueuedA`, false},
		{`enqueuedAtt`, false},
		{`enqueued\At`, false},
		{`enqueued\u00`, false},
		{`enqueued\nAt`, false},
	}
	for _, tt := range tests {
		if got := nameIs([]byte(tt.raw), "enqueuedAt"); got != tt.want {
			t.Errorf("nameIs(%q) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}
