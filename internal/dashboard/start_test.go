package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// TestStartFillsInTheSources: the page's header shows where the sources are, the address goes
// to the log, and Wait returns once the context ends. Kafka and Flink addresses refuse here,
// so the sources only report errors.
func TestStartFillsInTheSources(t *testing.T) {
	tests := []struct {
		name     string
		exposed  bool
		wantWarn bool
	}{
		{"loopback", false, false},
		{"chosen address", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			run, err := Start(ctx, Config{Addr: "127.0.0.1:0", Exposed: tt.exposed, Interval: time.Second,
				Conn: kafkaconn.Conn{Brokers: []string{"127.0.0.1:1"}}, FlinkURL: "http://127.0.0.1:1",
				MetricsURLs: []string{"http://127.0.0.1:1/metrics"}, Info: Info{InTopic: "in", OutTopic: "out"}, Log: &log})
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.Get(run.URL + "api/info")
			if err != nil {
				t.Fatal(err)
			}
			var info Info
			err = json.NewDecoder(resp.Body).Decode(&info)
			resp.Body.Close()
			if err != nil || len(info.Brokers) != 1 || info.Brokers[0] != "127.0.0.1:1" || info.FlinkURL != "http://127.0.0.1:1" ||
				len(info.BrokerMetrics) != 1 || info.IntervalMs != 1000 {
				t.Fatalf("/api/info = %+v, %v", info, err)
			}
			cancel()
			run.Wait()
			out := log.String()
			if !strings.Contains(out, "dashboard: "+run.URL+"\n") || strings.Contains(out, "no authentication") != tt.wantWarn {
				t.Fatalf("log = %q", out)
			}
		})
	}
}
