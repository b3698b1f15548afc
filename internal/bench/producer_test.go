package bench

import (
	"testing"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

func TestPerfSummaryLine(t *testing.T) {
	line := "500000 records sent, 61012.812691 records/sec (55.32 MB/sec), 318.14 ms avg latency, 746.00 ms max latency, 312 ms 50th, 610 ms 95th, 703 ms 99th, 744 ms 99.9th."
	m := perfSummary.FindStringSubmatch(line)
	if m == nil || m[1] != "500000" || m[2] != "61012.812691" || m[3] != "55.32" || m[4] != "318.14" || m[5] != "746.00" || m[6] != "312" || m[7] != "703" || m[8] != "744" {
		t.Fatalf("parsed %q", m)
	}
	if perfSummary.MatchString("123 records sent, 24.6 records/sec (0.02 MB/sec), 5.0 ms avg latency, 12.0 ms max latency.") {
		t.Fatal("an interim line (no percentiles) matched the final summary")
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %g, want %g", tt.in, got, tt.want)
		}
	}
}

func TestParseConsumerPerf(t *testing.T) {
	out := `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
2026-11-25 05:40:00:123, 2026-11-25 05:40:05:456, 445.8427, 83.6007, 500000, 93755.8597, 3012, 2321, 192.0908, 215424.3861
`
	m, err := parseConsumerPerf(out)
	if err != nil || m.Records != 500000 || m.RecordsPerSec != 215424.3861 || m.MBPerSec < 201.4 || m.MBPerSec > 201.5 {
		t.Fatalf("parsed %+v, %v: want the fetch rate (rebalance left out) and MB/s in 10^6 bytes", m, err)
	}
	for _, bad := range []string{"", "WARN something\n", "start.time, fetch.nMsg.sec\nx, y\n"} {
		if _, err := parseConsumerPerf(bad); err == nil {
			t.Errorf("parseConsumerPerf(%q) accepted", bad)
		}
	}
}

func TestBatchBytesHeldToEventHubsLimit(t *testing.T) {
	eh, err := kafkaconn.ParseEventHubsConnectionString("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=eA==")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		conn kafkaconn.Conn
		in   int32
		want int32
	}{
		{"Kafka keeps 1 MiB", kafkaconn.Conn{Brokers: []string{"a:9092"}}, 1 << 20, 1 << 20},
		{"Event Hubs held to 1,000,000", eh, 1 << 20, kafkaconn.EventHubsMaxBatchBytes},
		{"Event Hubs below the limit kept", eh, 500_000, 500_000},
	} {
		if got := (ProducerConfig{Conn: tt.conn, BatchBytes: tt.in}).batchBytes(); got != tt.want {
			t.Errorf("%s: batchBytes = %d, want %d", tt.name, got, tt.want)
		}
	}
}
