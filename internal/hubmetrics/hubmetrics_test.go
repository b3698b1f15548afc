package hubmetrics

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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
jvm_memory_bytes_used{area="heap",} 1.0E8
`

func TestParse(t *testing.T) {
	got, err := Parse(strings.NewReader(exposition))
	if err != nil {
		t.Fatal(err)
	}
	in := got["in"]
	if in.MessagesIn != 1000 || in.BytesIn != 612551 || in.ProduceRequests != 50 || in.BytesOut != 1.2e6 || got["out"].MessagesIn != 990 || len(got) != 2 {
		t.Fatalf("parsed %+v", got)
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
