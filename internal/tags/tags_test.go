package tags

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// seq builds a window from events written "partition device type value seconds-after-t0 id",
// one per line, each partition's records in the order given.
func seq(t *testing.T, lines ...string) []Record {
	t.Helper()
	var rs []Record
	offsets := map[int32]int64{}
	for _, l := range lines {
		var p int32
		var dev, typ, id string
		var value, secs float64
		if _, err := fmt.Sscan(l, &p, &dev, &typ, &value, &secs, &id); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		at := t0.Add(time.Duration(secs * float64(time.Second))).Format("2006-01-02T15:04:05.000000Z")
		v := fmt.Sprintf(`{"eventId":%q,"value":%v,"deviceId":%q,"type":%q,"createdAt":%q}`, id, value, dev, typ, at)
		rs = append(rs, Record{Partition: p, Offset: offsets[p], Value: []byte(v)})
		offsets[p]++
	}
	return rs
}

func keys(m map[Key]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k.String())
	}
	slices.Sort(out)
	return out
}

func TestExpect(t *testing.T) {
	tests := []struct {
		name          string
		lines         []string
		must, pending []string
	}{
		{
			name:    "first and counts; the last event's NoNews pending while the watermark has not passed",
			lines:   []string{"0 d TEMP 1 0 a", "0 d TEMP 1 1 b", "0 d TEMP 1 2 c"},
			must:    []string{"d 2RecordsForThisKey b", "d 3RecordsForThisKey c", "d FirstTagForThisKey a"},
			pending: []string{"d NoNewsForAtLeast45000ms c"},
		},
		{
			name: "counts stop at 9; NoNews certain once the watermark passed (an event 105 s later)",
			lines: []string{"0 d CO2 1 0 e0", "0 d CO2 1 1 e1", "0 d CO2 1 2 e2", "0 d CO2 1 3 e3", "0 d CO2 1 4 e4", "0 d CO2 1 5 e5",
				"0 d CO2 1 6 e6", "0 d CO2 1 7 e7", "0 d CO2 1 8 e8", "0 d CO2 1 9 e9", "0 d CO2 1 10 e10", "0 clock CO2 1 115.001 c"},
			must: []string{"clock FirstTagForThisKey c", "d 2RecordsForThisKey e1", "d 3RecordsForThisKey e2", "d 4RecordsForThisKey e3", "d 5RecordsForThisKey e4",
				"d 6RecordsForThisKey e5", "d 7RecordsForThisKey e6", "d 8RecordsForThisKey e7", "d 9RecordsForThisKey e8", "d FirstTagForThisKey e0",
				"d NoNewsForAtLeast45000ms e10"},
			pending: []string{"clock NoNewsForAtLeast45000ms c"},
		},
		{
			name:    "one millisecond short of the watermark: pending",
			lines:   []string{"0 d CO2 1 0 a", "0 clock CO2 1 105.000 c"},
			must:    []string{"clock FirstTagForThisKey c", "d FirstTagForThisKey a"},
			pending: []string{"clock NoNewsForAtLeast45000ms c", "d NoNewsForAtLeast45000ms a"},
		},
		{
			name:    "exactly at the deadline: the timer fires",
			lines:   []string{"0 d CO2 1 0 a", "0 clock CO2 1 105.001 c"},
			must:    []string{"clock FirstTagForThisKey c", "d FirstTagForThisKey a", "d NoNewsForAtLeast45000ms a"},
			pending: []string{"clock NoNewsForAtLeast45000ms c"},
		},
		{
			name:    "a partition behind holds the watermark back",
			lines:   []string{"0 d CO2 1 0 a", "0 clock CO2 1 500 c", "1 other CO2 1 0 o"},
			must:    []string{"clock FirstTagForThisKey c", "d FirstTagForThisKey a", "other FirstTagForThisKey o"},
			pending: []string{"clock NoNewsForAtLeast45000ms c", "d NoNewsForAtLeast45000ms a", "other NoNewsForAtLeast45000ms o"},
		},
		{
			name:    "a next event before the deadline passed on its partition: no NoNews; after: pending",
			lines:   []string{"0 d CO2 1 0 a", "0 x CO2 1 104 x1", "0 d CO2 1 104.5 b", "0 y CO2 1 300 y1", "0 d CO2 1 301 c"},
			must:    []string{"d 2RecordsForThisKey b", "d 3RecordsForThisKey c", "d FirstTagForThisKey a", "x FirstTagForThisKey x1", "x NoNewsForAtLeast45000ms x1", "y FirstTagForThisKey y1"},
			pending: []string{"d NoNewsForAtLeast45000ms b", "d NoNewsForAtLeast45000ms c", "y NoNewsForAtLeast45000ms y1"},
		},
		{
			name:    "SeveralTemperaturesIn70s on the second reading in [70, 80), not on others",
			lines:   []string{"0 t TEMP 75 0 a", "0 t TEMP 80 1 b", "0 t TEMP 70 2 c", "0 t TEMP 5 3 d", "0 t TEMP 79.99 4 e"},
			must:    []string{"t 2RecordsForThisKey b", "t 3RecordsForThisKey c", "t 4RecordsForThisKey d", "t 5RecordsForThisKey e", "t FirstTagForThisKey a", "t SeveralTemperaturesIn70s c", "t SeveralTemperaturesIn70s e"},
			pending: []string{"t NoNewsForAtLeast45000ms e"},
		},
		{
			name:    "readings in [70, 80) that left the buffer do not count",
			lines:   []string{"0 t TEMP 75 0 a", "0 t TEMP 1 1 b1", "0 t TEMP 1 2 b2", "0 t TEMP 1 3 b3", "0 t TEMP 1 4 b4", "0 t TEMP 1 5 b5", "0 t TEMP 1 6 b6", "0 t TEMP 1 7 b7", "0 t TEMP 1 8 b8", "0 t TEMP 1 9 b9", "0 t TEMP 75 10 z"},
			must:    []string{"t 2RecordsForThisKey b1", "t 3RecordsForThisKey b2", "t 4RecordsForThisKey b3", "t 5RecordsForThisKey b4", "t 6RecordsForThisKey b5", "t 7RecordsForThisKey b6", "t 8RecordsForThisKey b7", "t 9RecordsForThisKey b8", "t FirstTagForThisKey a"},
			pending: []string{"t NoNewsForAtLeast45000ms z"},
		},
		{
			name:  "HighCO2 on every event while the buffer holds a CO2 reading above 80 and two temperatures in [70, 80)",
			lines: []string{"0 m TEMP 71 0 a", "0 m CO2 95 1 b", "0 m TEMP 72 2 c", "0 m CO2 80 3 d", "0 m CO2 80.5 4 e"},
			must: []string{"m 2RecordsForThisKey b", "m 3RecordsForThisKey c", "m 4RecordsForThisKey d", "m 5RecordsForThisKey e", "m FirstTagForThisKey a",
				"m HighCO2WithSeveralTemperaturesIn70s c", "m HighCO2WithSeveralTemperaturesIn70s d", "m HighCO2WithSeveralTemperaturesIn70s e", "m SeveralTemperaturesIn70s c"},
			pending: []string{"m NoNewsForAtLeast45000ms e"},
		},
		{
			name:    "a late last event: its deadline passed before it came, so only a watermark above the one it may have come at fires its timer",
			lines:   []string{"0 d CO2 1 200 a", "0 late CO2 1 10 l"},
			must:    []string{"d FirstTagForThisKey a", "late FirstTagForThisKey l"},
			pending: []string{"d NoNewsForAtLeast45000ms a", "late NoNewsForAtLeast45000ms l"},
		},
		{
			name:    "a late event, then the watermark moves on: its timer fires",
			lines:   []string{"0 d CO2 1 200 a", "0 late CO2 1 10 l", "0 clock CO2 1 201 c"},
			must:    []string{"clock FirstTagForThisKey c", "d FirstTagForThisKey a", "late FirstTagForThisKey l", "late NoNewsForAtLeast45000ms l"},
			pending: []string{"clock NoNewsForAtLeast45000ms c", "d NoNewsForAtLeast45000ms a"},
		},
		{
			name:    "a duplicate of a buffered event changes nothing",
			lines:   []string{"0 d TEMP 75 0 a", "0 d TEMP 75 0 a", "0 d TEMP 75 1 b"},
			must:    []string{"d 2RecordsForThisKey b", "d FirstTagForThisKey a", "d SeveralTemperaturesIn70s b"},
			pending: []string{"d NoNewsForAtLeast45000ms b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exp := Expect(seq(t, tt.lines...))
			slices.Sort(tt.must)
			slices.Sort(tt.pending)
			if got := keys(exp.Must); !slices.Equal(got, tt.must) {
				t.Errorf("must:\n got %s\nwant %s", strings.Join(got, ", "), strings.Join(tt.must, ", "))
			}
			if got := keys(exp.Pending); !slices.Equal(got, tt.pending) {
				t.Errorf("pending:\n got %s\nwant %s", strings.Join(got, ", "), strings.Join(tt.pending, ", "))
			}
		})
	}
}

func TestExpectSkipsWhatTheJobDeadLetters(t *testing.T) {
	rs := []Record{
		{Value: []byte(`not json`)},
		{Offset: 1, Value: []byte(`{"deviceId":"x"}`)},
		{Offset: 2, Value: []byte(`{"deviceId":"x","eventId":"e","type":"TEMP","value":"1","createdAt":"2026-01-01T00:00:00Z"}`)},
		{Offset: 3, Value: []byte(`{"deviceId":"x","eventId":"e","type":"TEMP","value":1,"createdAt":"yesterday"}`)},
	}
	if exp := Expect(rs); len(exp.Must)+len(exp.Pending) != 0 {
		t.Fatalf("Expect = %+v, want nothing", exp)
	}
}

func TestReconcile(t *testing.T) {
	a, b, c := Key{"d", First, "a"}, Key{"d", "2" + RecordsSuffix, "b"}, Key{"d", NoNews, "b"}
	before := Key{"d", "3" + RecordsSuffix, "z"}
	exp := Expected{Must: map[Key]bool{a: true, b: true}, Pending: map[Key]bool{c: true}, Before: map[Key]bool{before: true}}
	tests := []struct {
		name                    string
		written                 []Key
		missing, unexpected     int
		duplicated, pendingOpen int
		ok                      bool
	}{
		{name: "exact, pending open", written: []Key{a, b}, pendingOpen: 1, ok: true},
		{name: "exact, pending written", written: []Key{b, c, a}, ok: true},
		{name: "one missing", written: []Key{a}, missing: 1, pendingOpen: 1},
		{name: "one unexpected", written: []Key{a, b, {"d", NoNews, "a"}}, unexpected: 1, pendingOpen: 1},
		{name: "one twice", written: []Key{a, b, b}, duplicated: 1, pendingOpen: 1},
		{name: "a tag from before the window, twice: left out", written: []Key{a, b, before, before}, pendingOpen: 1, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Reconcile(exp, tt.written)
			if len(r.Missing) != tt.missing || len(r.Unexpected) != tt.unexpected || len(r.Duplicated) != tt.duplicated || r.PendingOpen != tt.pendingOpen || r.OK() != tt.ok {
				t.Fatalf("Reconcile = %+v", r)
			}
		})
	}
	if r := Reconcile(exp, []Key{a, b, c}); r.ByTag[First] != 1 || r.ByTag["<n>"+RecordsSuffix] != 1 || r.ByTag[NoNews] != 1 {
		t.Fatalf("ByTag = %v", r.ByTag)
	}
}

// TestExpecterBefore: records before the window rebuild the devices' state and move the
// watermark; their tags are Before, the window's tags carry their trigger's enqueuedAt.
func TestExpecterBefore(t *testing.T) {
	rs := seq(t, "0 d TEMP 75 0 a", "0 d TEMP 75 1 b", "0 d TEMP 1 2 c", "0 d TEMP 1 110 e")
	x := NewExpecter()
	for i, r := range rs {
		r.EnqueuedAt = int64(1000 + i)
		if i < 2 {
			x.AddBefore(r)
		} else {
			x.Add(r)
		}
	}
	exp := x.Expected()
	wantMust := []string{"d 3RecordsForThisKey c", "d 4RecordsForThisKey e"}
	wantBefore := []string{"d 2RecordsForThisKey b", "d FirstTagForThisKey a", "d SeveralTemperaturesIn70s b"}
	if got := keys(exp.Must); !slices.Equal(got, wantMust) {
		t.Errorf("must = %v, want %v", got, wantMust)
	}
	if got := keys(exp.Before); !slices.Equal(got, wantBefore) {
		t.Errorf("before = %v, want %v", got, wantBefore)
	}
	// c's timer could not fire before e came (the watermark was still below it): none.
	if got := keys(exp.Pending); !slices.Equal(got, []string{"d NoNewsForAtLeast45000ms e"}) {
		t.Errorf("pending = %v", got)
	}
	if got := exp.EnqueuedAt[Key{"d", "3" + RecordsSuffix, "c"}]; got != 1002 {
		t.Errorf("enqueuedAt of c's tag = %d, want 1002", got)
	}
}

// TestExpecterPartitionWithoutRecords: a partition of the topic without records holds the
// watermark back, so a NoNews tag is pending, not a must.
func TestExpecterPartitionWithoutRecords(t *testing.T) {
	for _, tt := range []struct {
		name       string
		partitions []int32
		want       bool
	}{{"every partition has records", []int32{0}, true}, {"partition 1 empty", []int32{0, 1}, false}} {
		t.Run(tt.name, func(t *testing.T) {
			x := NewExpecter()
			x.Partitions(tt.partitions...)
			for _, r := range seq(t, "0 d CO2 1 0 a", "0 clock CO2 1 200 c") {
				x.Add(r)
			}
			if got := x.Expected().Must[Key{"d", NoNews, "a"}]; got != tt.want {
				t.Fatalf("NoNews of a a must: %v, want %v", got, tt.want)
			}
		})
	}
}

// sampleCase is one case of testdata/sample-cases.txt.
type sampleCase struct {
	name   string
	events []Event
	// want is, per event, the tags processing it writes, in order, as "tag" (the event is the
	// trigger) or "tag@triggerEventId".
	want [][]string
}

// readSampleCases reads testdata/sample-cases.txt (its format is described at its top).
func readSampleCases(t *testing.T) []sampleCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sample-cases.txt"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{"First": First, "Several": SeveralTemperatures, "HighCO2": HighCO2}
	var cases []sampleCase
	var created map[string]string
	for i, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
			continue
		case strings.HasPrefix(l, "case "):
			cases = append(cases, sampleCase{name: strings.TrimPrefix(l, "case ")})
			created = map[string]string{}
			continue
		}
		head, tagsText, ok := strings.Cut(l, ":")
		f := strings.Fields(head)
		if !ok || len(f) != 3 || len(cases) == 0 {
			t.Fatalf("sample-cases.txt:%d: want \"<eventId> <type> <value> : <tags>\" in a case, got %q", i+1, l)
		}
		c := &cases[len(cases)-1]
		value, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			t.Fatalf("sample-cases.txt:%d: %v", i+1, err)
		}
		at, ok := created[f[0]]
		if !ok {
			at = t0.Add(time.Duration(len(c.events)) * time.Second).Format(time.RFC3339Nano)
			created[f[0]] = at
		}
		e := Event{DeviceID: "d", EventID: f[0], Type: f[1], Value: value, CreatedAt: at}
		e.CreatedAtMillis, _ = parseMillis(at)
		var want []string
		for _, tag := range strings.Fields(tagsText) {
			name, trigger, _ := strings.Cut(tag, "@")
			if full, ok := names[name]; ok {
				name = full
			} else if n, ok := strings.CutSuffix(name, "Records"); ok {
				name = n + RecordsSuffix
			}
			if trigger != "" {
				name += "@" + trigger
			}
			want = append(want, name)
		}
		c.events, c.want = append(c.events, e), append(c.want, want)
	}
	if len(cases) == 0 {
		t.Fatal("sample-cases.txt has no case")
	}
	return cases
}

// TestSampleCases: the hand-worked cases of testdata/sample-cases.txt, event by event (the
// tags, their order and trigger), and as a window through Expect (the same keys).
func TestSampleCases(t *testing.T) {
	for _, c := range readSampleCases(t) {
		t.Run(c.name, func(t *testing.T) {
			d := &device{}
			keys := map[string]bool{}
			for i, e := range c.events {
				var got []string
				if !d.has(e.EventID) {
					for _, em := range d.add(e) {
						s := em.tag
						if em.trigger.EventID != e.EventID {
							s += "@" + em.trigger.EventID
						}
						got = append(got, s)
						keys[Key{"d", em.tag, em.trigger.EventID}.String()] = true
					}
				}
				if !slices.Equal(got, c.want[i]) {
					t.Errorf("event %d (%s %s %v): tags %v, want %v", i+1, e.EventID, e.Type, e.Value, got, c.want[i])
				}
			}
			var rs []Record
			for i, e := range c.events {
				v := fmt.Sprintf(`{"eventId":%q,"value":%v,"deviceId":%q,"type":%q,"createdAt":%q}`, e.EventID, e.Value, e.DeviceID, e.Type, e.CreatedAt)
				rs = append(rs, Record{Offset: int64(i), Value: []byte(v)})
			}
			if got, want := keysOf(Expect(rs).Must), slices.Sorted(maps.Keys(keys)); !slices.Equal(got, want) {
				t.Errorf("Expect: must\n got %v\nwant %v", got, want)
			}
		})
	}
}

// keysOf is the keys of m as strings, sorted, NoNews tags left out.
func keysOf(m map[Key]bool) []string {
	var out []string
	for k := range m {
		if k.Tag != NoNews {
			out = append(out, k.String())
		}
	}
	slices.Sort(out)
	return out
}

// TestReconcileRepeats: a key the job writes again by its rules (Expected.Repeats) is no
// duplicate up to that count.
func TestReconcileRepeats(t *testing.T) {
	rs := seq(t, "0 d TEMP 71 0 a", "0 d TEMP 72 1 b")
	for i := range 10 {
		rs = append(rs, seq(t, fmt.Sprintf("0 d TEMP 1 %d f%d", 2+i, i))...)
	}
	rs = append(rs, seq(t, "0 d TEMP 75 12 l", "0 d TEMP 72 1 b")...)
	for i := range rs {
		rs[i].Offset = int64(i)
	}
	exp := Expect(rs)
	k := Key{"d", SeveralTemperatures, "b"}
	if exp.Repeats[k] != 1 {
		t.Fatalf("repeats of %s = %d, want 1 (b came back after it left the buffer)", k, exp.Repeats[k])
	}
	var written []Key
	for m := range exp.Must {
		written = append(written, m)
	}
	if r := Reconcile(exp, append(written, k)); !r.OK() {
		t.Fatalf("written twice as the job does: %+v", r)
	}
	if r := Reconcile(exp, append(written, k, k)); len(r.Duplicated) != 1 {
		t.Fatalf("written three times: duplicated %v, want it", r.Duplicated)
	}
}
