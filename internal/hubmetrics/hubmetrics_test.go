package hubmetrics

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// exposition is what the JMX exporter 1.0.1 serves for the local broker (trimmed).
const exposition = `# HELP kafka_topic_messagesinpersec_total Attribute exposed for management
# TYPE kafka_topic_messagesinpersec_total counter
kafka_topic_messagesinpersec_total{topic="in"} 1000.0
kafka_topic_messagesinpersec_total{topic="out"} 990.0
kafka_topic_bytesinpersec_total{topic="in"} 612551.0
kafka_topic_totalproducerequestspersec_total{topic="in"} 50.0
kafka_topic_bytesoutpersec_total{topic="in"} 1.2E6
kafka_request_throttletimems_count{request="Produce",} 400.0
kafka_request_throttletimems_mean{request="Produce",} 2.5
kafka_request_throttletimems_count{request="FetchConsumer",} 100.0
kafka_request_throttletimems_mean{request="FetchConsumer",} 0.0
jvm_memory_bytes_used{area="heap",} 1.0E8
`

func TestParse(t *testing.T) {
	snap, err := Parse(strings.NewReader(exposition))
	if err != nil {
		t.Fatal(err)
	}
	got := snap.Topics
	in := got["in"]
	if in.MessagesIn != 1000 || in.BytesIn != 612551 || in.ProduceRequests != 50 || in.BytesOut != 1.2e6 || got["out"].MessagesIn != 990 || len(got) != 2 {
		t.Fatalf("parsed %+v", got)
	}
	if th := snap.Throttle; th == nil || th.ProduceMs != 1000 || th.FetchMs != 0 {
		t.Fatalf("throttle = %+v, want 400 × 2.5 = 1000 ms produce, 0 fetch", th)
	}
	old, err := Parse(strings.NewReader(`kafka_topic_messagesinpersec_total{topic="in"} 1`))
	if err != nil || old.Throttle != nil {
		t.Fatalf("an exporter without throttle metrics must leave Throttle nil: %+v, %v", old.Throttle, err)
	}
	if _, err := Parse(strings.NewReader(`kafka_topic_messagesinpersec_total{topic="in"} abc`)); err == nil {
		t.Fatal("a bad value was accepted")
	}
}

func TestDelta(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	prev := Snapshot{At: t0, Topics: map[string]Counters{"in": {MessagesIn: 100, ProduceRequests: 10, BytesIn: 1000}, "out": {MessagesIn: 500}}}
	cur := Snapshot{At: t0.Add(time.Minute), Topics: map[string]Counters{"in": {MessagesIn: 160, ProduceRequests: 13, BytesIn: 1600}, "out": {MessagesIn: 20}}}
	row := Delta(prev, cur, []string{"in", "out", "missing"})
	if row.Throttle != nil || row.ThrottleText() != "-" {
		t.Fatalf("throttle without data = %+v", row.Throttle)
	}
	prev.Throttle, cur.Throttle = &Throttle{ProduceMs: 100, FetchMs: 5}, &Throttle{ProduceMs: 350, FetchMs: 5}
	if th := Delta(prev, cur, nil).Throttle; th == nil || th.ProduceMs != 250 || th.FetchMs != 0 {
		t.Fatalf("throttle delta = %+v", th)
	}
	if h := row.Hubs[0]; h.IncomingMessages != 60 || h.IncomingBatches != 3 || h.IncomingBytes != 600 {
		t.Fatalf("in = %+v", h)
	}
	if h := row.Hubs[1]; h.IncomingMessages != 20 {
		t.Fatalf("a counter reset must count from zero: out = %+v", h)
	}
	if h := row.Hubs[2]; h.IncomingMessages != 0 {
		t.Fatalf("an absent topic = %+v", h)
	}
}

func TestCapacityMax(t *testing.T) {
	if (Capacity{}).Max(time.Minute) != nil {
		t.Fatal("no throughput units, yet a MAX VALUE row")
	}
	m := Capacity{ThroughputUnits: 2}.Max(time.Minute)
	if m.IncomingMessages != 120_000 || m.IncomingBytes != 120e6 || m.OutgoingMessages != 491_520 || m.OutgoingBytes != 240e6 {
		t.Fatalf("2 TU per minute = %+v", m)
	}
	if m := (Capacity{ThroughputUnits: 1}).Max(10 * time.Second); m.IncomingMessages != 10_000 {
		t.Fatalf("1 TU per 10 s = %+v", m)
	}
}

func TestRender(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	rows := []Row{{Start: t0, End: t0.Add(time.Minute), Hubs: []HubRow{{Topic: "in", IncomingMessages: 60000, IncomingBatches: 375, IncomingBytes: 57e6}}}}
	var tb bytes.Buffer
	if err := WriteTable(&tb, rows, Capacity{ThroughputUnits: 2}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tb.String(), "MAX VALUE") || !strings.Contains(tb.String(), "375") {
		t.Fatalf("table:\n%s", tb.String())
	}
	var cb bytes.Buffer
	if err := WriteCSV(&cb, rows); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(cb.String()), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], "2026-11-25T04:00:00Z,2026-11-25T04:01:00Z,in,60000,375,") {
		t.Fatalf("csv:\n%s", cb.String())
	}
}

func TestPrometheusSource_StubServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, exposition) }))
	defer srv.Close()
	snap, err := PrometheusSource{URL: srv.URL + "/metrics"}.Snapshot(context.Background())
	if err != nil || snap.Topics["in"].MessagesIn != 1000 || snap.At.IsZero() {
		t.Fatalf("snapshot = %+v, %v", snap, err)
	}
	srv.Close()
	if _, err := (PrometheusSource{URL: srv.URL + "/metrics"}).Snapshot(context.Background()); err == nil || !strings.Contains(err.Error(), "not reachable") {
		t.Fatalf("closed endpoint = %v", err)
	}
}

// stepSource counts up: each snapshot is one second later with 10 more records on "in".
type stepSource struct {
	mu   sync.Mutex
	n    int
	fail map[int]bool
}

func (s *stepSource) Snapshot(context.Context) (Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	if s.fail[s.n] {
		return Snapshot{}, errors.New("scrape failed")
	}
	return Snapshot{At: time.Now(), Topics: map[string]Counters{"in": {MessagesIn: float64(10 * s.n)}}}, nil
}

func TestRecorderKeepsEveryRecordAcrossAFailedSample(t *testing.T) {
	src := &stepSource{fail: map[int]bool{3: true}}
	rec, err := StartRecorder(context.Background(), src, []string{"in"}, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		src.mu.Lock()
		n := src.n
		src.mu.Unlock()
		if n >= 6 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the recorder took %d samples in 10 s at a 20 ms interval", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	rows, err := rec.Stop(context.Background())
	if err == nil {
		t.Error("the failed sample was not reported")
	}
	var total int64
	for i, r := range rows {
		total += r.Hubs[0].IncomingMessages
		if i > 0 && !r.Start.Equal(rows[i-1].End) {
			t.Fatalf("row %d starts at %v, the previous ended at %v: rows must tile the run", i, r.Start, rows[i-1].End)
		}
	}
	src.mu.Lock()
	last := src.n
	src.mu.Unlock()
	if want := int64(10 * (last - 1)); total != want {
		t.Fatalf("rows sum to %d records, the source counted %d since the first snapshot", total, want)
	}
}

func TestRegroupAndWindow(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	var rows []Row
	for i := range 12 { // 10 s rows over two minutes
		start := t0.Add(time.Duration(i) * 10 * time.Second)
		rows = append(rows, Row{Start: start, End: start.Add(10 * time.Second),
			Hubs:     []HubRow{{Topic: "in", IncomingMessages: 100}, {Topic: "out", OutgoingMessages: 1}},
			Throttle: &ThrottleRow{ProduceMs: 2}})
	}
	got := Regroup(rows, time.Minute)
	if len(got) != 2 || got[0].Hubs[0].IncomingMessages != 600 || got[1].Hubs[1].OutgoingMessages != 6 ||
		!got[0].End.Equal(t0.Add(time.Minute)) || got[1].Throttle.ProduceMs != 12 {
		t.Fatalf("regrouped = %+v", got)
	}
	if w := Window(rows, t0.Add(25*time.Second), t0.Add(40*time.Second)); len(w) != 2 || !w[0].Start.Equal(t0.Add(20*time.Second)) {
		t.Fatalf("window = %+v, want the two rows overlapping 00:25-00:40", w)
	}
	if w := Window(rows, time.Time{}, time.Time{}); len(w) != len(rows) {
		t.Fatal("open bounds dropped rows")
	}
}

func TestRecordingJSONRoundTrip(t *testing.T) {
	in := Recording{Interval: Duration(10 * time.Second), ThroughputUnits: 2, Rows: []Row{{Hubs: []HubRow{{Topic: "in"}}}}}
	b, err := json.Marshal(in)
	if err != nil || !strings.Contains(string(b), `"interval":"10s"`) {
		t.Fatalf("%s, %v", b, err)
	}
	var out Recording
	if err := json.Unmarshal(b, &out); err != nil || out.Interval != in.Interval || out.ThroughputUnits != 2 {
		t.Fatalf("%+v, %v", out, err)
	}
}

func TestParseStrimziNames(t *testing.T) {
	snap, err := Parse(strings.NewReader(`kafka_server_brokertopicmetrics_messagesin_total{topic="in",} 42.0
kafka_server_brokertopicmetrics_bytesout_total{topic="in",} 9000.0
kafka_server_brokertopicmetrics_totalproducerequests_total{topic="in",} 7.0
kafka_server_brokertopicmetrics_messagesin_total 99.0
kafka_server_replicamanager_leadercount 3.0
`))
	if err != nil {
		t.Fatal(err)
	}
	if in := snap.Topics["in"]; in.MessagesIn != 42 || in.BytesOut != 9000 || in.ProduceRequests != 7 || len(snap.Topics) != 1 {
		t.Fatalf("parsed %+v: want the per-topic counters of Strimzi's exporter naming, not the all-topics total", snap.Topics)
	}
}

func TestPrometheusSourceSumsBrokers_StubServers(t *testing.T) {
	serve := func(body string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, body) }))
	}
	a := serve(exposition)
	defer a.Close()
	b := serve(`kafka_topic_messagesinpersec_total{topic="in"} 500.0
kafka_topic_messagesinpersec_total{topic="other"} 1.0
`)
	defer b.Close()
	snap, err := PrometheusSource{URLs: []string{a.URL, b.URL}}.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if snap.Topics["in"].MessagesIn != 1500 || snap.Topics["out"].MessagesIn != 990 || snap.Topics["other"].MessagesIn != 1 {
		t.Fatalf("summed %+v", snap.Topics)
	}
	if snap.Throttle != nil {
		t.Fatalf("throttle %+v: one broker did not report it, so the sum is unknown", snap.Throttle)
	}
}

// signalSource is a stepSource that says when it has taken n snapshots.
type signalSource struct {
	stepSource
	n    int
	done chan struct{}
}

func (s *signalSource) Snapshot(ctx context.Context) (Snapshot, error) {
	snap, err := s.stepSource.Snapshot(ctx)
	s.mu.Lock()
	if s.stepSource.n == s.n {
		close(s.done)
	}
	s.mu.Unlock()
	return snap, err
}

// TestRecorderLeavesNoSliverRows checks what holds whatever the scheduler does: every record
// the source counted is in a row, the rows are contiguous, and neither end is a sliver (how
// the rows fall depends on the clock; TestMergeSlivers pins the merging itself).
func TestRecorderLeavesNoSliverRows(t *testing.T) {
	const interval = 200 * time.Millisecond
	src := &signalSource{n: 3, done: make(chan struct{})} // the first snapshot and two samples
	rec, err := StartRecorder(context.Background(), src, []string{"in"}, interval)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-src.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the recorder took no two samples in 10 s")
	}
	rows, err := rec.Stop(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	src.mu.Lock()
	snapshots := src.stepSource.n
	src.mu.Unlock()
	var total int64
	for i, r := range rows {
		total += r.Hubs[0].IncomingMessages
		if i > 0 && !r.Start.Equal(rows[i-1].End) {
			t.Errorf("row %d starts at %s, the one before ends at %s", i, r.Start, rows[i-1].End)
		}
	}
	if want := int64(10 * (snapshots - 1)); total != want {
		t.Errorf("%d records in %d rows, want %d (%d snapshots of 10 more each)", total, len(rows), want, snapshots)
	}
	if n := len(rows); n >= 2 {
		for _, i := range []int{0, n - 1} {
			if d := rows[i].End.Sub(rows[i].Start); d < interval/2 {
				t.Errorf("row %d of %d spans %s, a sliver under half an interval", i, n, d)
			}
		}
	}
}

func TestAdvanceGroupOffsets(t *testing.T) {
	k := func(group string, p int32) groupPartition {
		return groupPartition{group: group, topic: "in", partition: p}
	}
	tests := []struct {
		name      string
		last, cur map[groupPartition]int64
		want      int64 // records added to topic "in"
	}{
		{"first sight counts all", nil, map[groupPartition]int64{k("relay", 0): 100, k("relay", 1): 50}, 150},
		{"progress", map[groupPartition]int64{k("relay", 0): 100}, map[groupPartition]int64{k("relay", 0): 130}, 30},
		{"a deleted group adds nothing", map[groupPartition]int64{k("relay", 0): 100, k("old", 0): 900}, map[groupPartition]int64{k("relay", 0): 110}, 10},
		{"a reset backwards adds nothing", map[groupPartition]int64{k("relay", 0): 100}, map[groupPartition]int64{k("relay", 0): 20}, 0},
		{"a new group beside a known one", map[groupPartition]int64{k("relay", 0): 100}, map[groupPartition]int64{k("relay", 0): 105, k("new", 0): 40}, 45},
	}
	for _, tt := range tests {
		_, read := advance(tt.last, tt.cur, map[string]int64{"in": 1000})
		if got := read["in"] - 1000; got != tt.want {
			t.Errorf("%s: added %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestSamplesAlignToTheClock(t *testing.T) {
	start := time.Date(2026, 11, 25, 4, 0, 55, 300e6, time.UTC)
	if got, want := firstSampleAt(start, 10*time.Second), time.Date(2026, 11, 25, 4, 1, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("first sample at %s, want %s", got, want)
	}
	// 10 s rows from 04:00:55.3, aligned from 04:01:00, regroup into the clock's minutes.
	at := firstSampleAt(start, 10*time.Second)
	rows := []Row{{Start: start, End: at, Hubs: []HubRow{{Topic: "in", IncomingMessages: 1}}}}
	for range 12 {
		rows = append(rows, Row{Start: at, End: at.Add(10 * time.Second), Hubs: []HubRow{{Topic: "in", IncomingMessages: 1}}})
		at = at.Add(10 * time.Second)
	}
	g := Regroup(rows, time.Minute)
	if len(g) != 3 || !g[1].Start.Equal(time.Date(2026, 11, 25, 4, 1, 0, 0, time.UTC)) || !g[1].End.Equal(time.Date(2026, 11, 25, 4, 2, 0, 0, time.UTC)) {
		t.Fatalf("regrouped = %d rows, second from %s", len(g), g[1].Start)
	}
}

func TestMergeSlivers(t *testing.T) {
	base := time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	row := func(from, to time.Duration) Row {
		return Row{Start: base.Add(from), End: base.Add(to), Hubs: []HubRow{{Topic: "in", IncomingMessages: int64((to - from) / time.Second)}}}
	}
	tests := []struct {
		name string
		rows []Row
		want []time.Duration // spans
	}{
		{"head and tail slivers", []Row{row(0, 2*time.Second), row(2*time.Second, 12*time.Second), row(12*time.Second, 22*time.Second), row(22*time.Second, 23*time.Second)}, []time.Duration{12 * time.Second, 11 * time.Second}},
		{"long head kept", []Row{row(0, 7*time.Second), row(7*time.Second, 17*time.Second)}, []time.Duration{7 * time.Second, 10 * time.Second}},
		{"one row", []Row{row(0, time.Second)}, []time.Duration{time.Second}},
	}
	for _, tt := range tests {
		got := mergeSlivers(tt.rows, 10*time.Second)
		var spans []time.Duration
		var total int64
		for _, r := range got {
			spans = append(spans, r.End.Sub(r.Start))
			total += r.Hubs[0].IncomingMessages
		}
		if !slices.Equal(spans, tt.want) {
			t.Errorf("%s: spans %v, want %v", tt.name, spans, tt.want)
		}
		var want int64
		for _, s := range tt.want {
			want += int64(s / time.Second)
		}
		if total != want {
			t.Errorf("%s: %d records after merging, want %d (none lost)", tt.name, total, want)
		}
	}
}

func TestParseLabelsWithCommasAndQuotes(t *testing.T) {
	tests := []struct {
		name, line, topic string
	}{
		{"comma", `kafka_topic_messagesinpersec_total{topic="a,b",} 5`, "a,b"},
		{"quote", `kafka_topic_messagesinpersec_total{topic="say \"x\"",} 5`, `say "x"`},
		{"other label with comma first", `kafka_topic_messagesinpersec_total{note="x, topic=\"no\"",topic="in"} 5`, "in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap, err := Parse(strings.NewReader(tt.line + "\n"))
			if err != nil {
				t.Fatal(err)
			}
			if len(snap.Topics) != 1 || snap.Topics[tt.topic].MessagesIn != 5 {
				t.Fatalf("topics = %+v, want %q with 5 messages", snap.Topics, tt.topic)
			}
		})
	}
}
