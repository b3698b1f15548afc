package dashboard

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

func TestServingValidate(t *testing.T) {
	if err := (Serving{Port: 70000, Interval: time.Second}).Validate(""); err == nil || !strings.Contains(err.Error(), "--port") {
		t.Fatalf("port 70000: %v", err)
	}
	if err := (Serving{Port: 8090, Interval: 100 * time.Millisecond}).Validate("dashboard-"); err == nil || !strings.Contains(err.Error(), "--dashboard-interval") {
		t.Fatalf("interval 100ms: %v", err)
	}
}

// TestServingStartWarnsOffLoopback: --listen binds where asked, warns that there is no
// authentication, prints the address, and stops with its context. No Kafka or Flink is up
// (addresses that refuse), so the sources only report errors.
func TestServingStartWarnsOffLoopback(t *testing.T) {
	var log bytes.Buffer
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	c := Config{FlinkURL: "http://127.0.0.1:1", Log: &log}
	c.Conn.Brokers = []string{"127.0.0.1:1"}
	run, err := Serving{Listen: addr, Interval: time.Second}.Start(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	run.Wait()
	out := log.String()
	if !strings.Contains(out, "no authentication") || !strings.Contains(out, "dashboard: http://"+addr+"/") {
		t.Fatalf("stderr = %q", out)
	}
	if _, err := (Serving{Listen: "256.0.0.1:1", Interval: time.Second}).Start(context.Background(), c); err == nil || !strings.Contains(err.Error(), "--listen") {
		t.Fatalf("a bad address: %v", err)
	}
}

func TestInfoSetTier(t *testing.T) {
	for _, tc := range []struct {
		tier       int
		unitsGiven bool
		wantTier   string
		wantUnits  int
		wantErr    bool
	}{
		{tier: 10, wantTier: "10", wantUnits: 12},
		{tier: 5, unitsGiven: true, wantTier: "5", wantUnits: 3},
		{tier: 3, wantErr: true, wantUnits: 3},
	} {
		i := Info{ThroughputUnits: 3}
		err := i.SetTier(tc.tier, tc.unitsGiven)
		if (err != nil) != tc.wantErr || i.Tier != tc.wantTier || i.ThroughputUnits != tc.wantUnits {
			t.Errorf("SetTier(%d, %v): %+v, %v", tc.tier, tc.unitsGiven, i, err)
		}
	}
}
