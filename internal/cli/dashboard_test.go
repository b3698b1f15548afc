package cli

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/dashboard"
)

func TestDashboardFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(*dashboardOptions) bool
		wantErr string
	}{
		{"defaults", nil, func(o *dashboardOptions) bool {
			return o.dash.addr() == "127.0.0.1:8090" && o.group == "streamscale-relay" && o.in == "in" && o.units == 0 && !o.dash.open
		}, ""},
		{"tier sets the throughput units", []string{"--tier", "10"}, func(o *dashboardOptions) bool { return o.units == 12 && o.tier == 10 }, ""},
		{"explicit units win over the tier", []string{"--tier", "10", "--throughput-units", "3"}, func(o *dashboardOptions) bool { return o.units == 3 }, ""},
		{"listen replaces the loopback address", []string{"--listen", "0.0.0.0:9000"}, func(o *dashboardOptions) bool { return o.dash.addr() == "0.0.0.0:9000" }, ""},
		{"repeated Flink metrics URLs", []string{"--flink-metrics-url", "http://a/metrics", "--flink-metrics-url", "http://b/metrics,http://c/metrics"},
			func(o *dashboardOptions) bool { return len(o.dash.flinkMetricsURLs) == 3 }, ""},
		{"bad tier", []string{"--tier", "3"}, nil, "--tier"},
		{"an argument", []string{"extra"}, nil, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := testFactory()
			var got *dashboardOptions
			cmd := newDashboardCmd(f, func(_ context.Context, o *dashboardOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(&strings.Builder{})
			cmd.SetErr(&strings.Builder{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got == nil || !tt.check(got) {
				t.Fatalf("err = %v, options = %+v", err, got)
			}
		})
	}
}

func TestDashFlagsValidate(t *testing.T) {
	if err := (&dashFlags{port: 70000, interval: time.Second}).validate(""); err == nil || !strings.Contains(err.Error(), "--port") {
		t.Fatalf("port 70000: %v", err)
	}
	if err := (&dashFlags{port: 8090, interval: 100 * time.Millisecond}).validate("dashboard-"); err == nil || !strings.Contains(err.Error(), "--dashboard-interval") {
		t.Fatalf("interval 100ms: %v", err)
	}
}

// TestStartDashboardWarnsOffLoopback: --listen binds where asked, warns that there is no
// authentication, prints the address, and stops with its context. No Kafka or Flink is up
// (addresses that refuse), so the sources only report errors.
func TestStartDashboardWarnsOffLoopback(t *testing.T) {
	_, _, errOut := testFactory()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	d := &dashFlags{listen: addr, interval: time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	s := dashboard.Config{FlinkURL: "http://127.0.0.1:1"}
	s.Conn.Brokers = []string{"127.0.0.1:1"}
	run, err := startDashboard(ctx, errOut, d, s)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	run.Wait()
	out := errOut.String()
	if !strings.Contains(out, "no authentication") || !strings.Contains(out, "dashboard: http://"+addr+"/") {
		t.Fatalf("stderr = %q", out)
	}
	if _, err := startDashboard(context.Background(), errOut, &dashFlags{listen: "256.0.0.1:1", interval: time.Second}, s); err == nil || !strings.Contains(err.Error(), "--listen") {
		t.Fatalf("a bad address: %v", err)
	}
}
