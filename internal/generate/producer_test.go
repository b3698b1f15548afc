package generate

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// TestProducerConfigOpts reads the settings back from a franz-go client built with the
// options (no broker is contacted).
func TestProducerConfigOpts(t *testing.T) {
	local := kafkaconn.Conn{Brokers: []string{"127.0.0.1:1"}}
	hubs := kafkaconn.Conn{Brokers: []string{"ns.servicebus.windows.net:9093"}, EventHubs: true}
	tests := []struct {
		name       string
		mutate     func(*ProducerConfig)
		conn       kafkaconn.Conn
		idempotent bool
		batch      int32
		wantErr    string
	}{
		{"defaults", func(*ProducerConfig) {}, local, true, 1 << 20, ""},
		{"event hubs adapts the defaults", func(*ProducerConfig) {}, hubs, false, kafkaconn.EventHubsMaxBatchBytes, ""},
		{"leader acks", func(p *ProducerConfig) { p.Acks = "1" }, local, false, 1 << 20, ""},
		{"a given batch above event hubs' limit", func(p *ProducerConfig) { p.BatchBytes, p.BatchSet = 2_000_000, true }, hubs, false, 0, "--batch-bytes"},
		{"idempotence asked for with leader acks", func(p *ProducerConfig) { p.Acks, p.IdempotentSet = "1", true }, local, false, 0, "needs --acks all"},
		{"unknown codec", func(p *ProducerConfig) { p.Compression = "brotli" }, local, false, 0, "--compression"},
		{"bad acks", func(p *ProducerConfig) { p.Acks = "2" }, local, false, 0, "--acks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultProducerConfig()
			tt.mutate(&p)
			opts, err := p.Opts(tt.conn)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cl, err := tt.conn.NewClient(opts...) // Event Hubs' connection turns idempotence off itself
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			off := cl.OptValue(kgo.DisableIdempotentWrite).(bool)
			if batch := cl.OptValue(kgo.ProducerBatchMaxBytes).(int32); off == tt.idempotent || batch != tt.batch {
				t.Fatalf("idempotent %v, batch %d; want %v, %d", !off, batch, tt.idempotent, tt.batch)
			}
		})
	}
}
