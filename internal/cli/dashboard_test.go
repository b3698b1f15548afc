package cli

import (
	"context"
	"strings"
	"testing"
)

func TestDashboardFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(*dashboardOptions) bool
		wantErr string
	}{
		{"defaults", nil, func(o *dashboardOptions) bool {
			return o.serve.Addr() == "127.0.0.1:8090" && o.cfg.Info.Group == "streamscale-relay" && o.cfg.Info.InTopic == "in" && o.cfg.Info.ThroughputUnits == 0 && !o.serve.Open
		}, ""},
		{"tier sets the throughput units", []string{"--tier", "10"}, func(o *dashboardOptions) bool { return o.cfg.Info.ThroughputUnits == 12 && o.tier == 10 }, ""},
		{"explicit units win over the tier", []string{"--tier", "10", "--throughput-units", "3"}, func(o *dashboardOptions) bool { return o.cfg.Info.ThroughputUnits == 3 }, ""},
		{"listen replaces the loopback address", []string{"--listen", "0.0.0.0:9000"}, func(o *dashboardOptions) bool { return o.serve.Addr() == "0.0.0.0:9000" }, ""},
		{"repeated Flink metrics URLs", []string{"--flink-metrics-url", "http://a/metrics", "--flink-metrics-url", "http://b/metrics,http://c/metrics"},
			func(o *dashboardOptions) bool { return len(o.cfg.FlinkMetricsURLs) == 3 }, ""},
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
