//go:build integration

package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/promscrape"
)

// TestIntegrationFlinkMetricsEndpoint: while the relay runs on a real stack, the
// TaskManager's Prometheus endpoint (Flink's reporter, at the port `local status` records)
// serves the job's own counters, and relayedRecords counts what was sent; the JobManager's
// endpoint serves the job's restart count. Before any input, relayedRecords is 0 — the
// control that shows the counter is the job's, not a constant.
func TestIntegrationFlinkMetricsEndpoint(t *testing.T) {
	_, st := startStack(t)
	if st.Flink.JobManagerMetrics == "" || len(st.Flink.TaskManagerMetrics) != 1 {
		t.Fatalf("status lists no Flink metrics endpoints: jobmanager %q, taskmanagers %v", st.Flink.JobManagerMetrics, st.Flink.TaskManagerMetrics)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cl := startRelay(ctx, t, st, "in", "out").producer
	tm := st.Flink.TaskManagerMetrics[0]
	relayed := func() (float64, bool) {
		samples, err := promscrape.Fetch(ctx, nil, tm, "Flink metrics")
		if err != nil {
			t.Logf("scrape: %v", err)
			return 0, false
		}
		var sum float64
		found := false
		for _, s := range samples {
			if strings.HasSuffix(s.Name, "_relayedRecords") {
				sum += s.Value
				found = true
			}
		}
		return sum, found
	}
	// The job's operators register their counters once running.
	v := waitFor(ctx, t, "relayedRecords on "+tm, func() (float64, bool) { return relayed() })
	if v != 0 {
		t.Fatalf("relayedRecords = %v before any input, want 0", v)
	}
	const n = 2000
	gcfg := generate.DefaultConfig()
	gcfg.Count, gcfg.Rate, gcfg.DuplicateFraction, gcfg.Seed = n, 2000, 0, 1
	if sum, err := generate.Run(ctx, cl, gcfg, nil); err != nil || sum.Acked != n {
		t.Fatalf("generate: %+v, %v", sum, err)
	}
	// The reporter serves the counters' current values: wait until they reach n.
	waitFor(ctx, t, "relayedRecords = 2000", func() (float64, bool) {
		v, ok := relayed()
		return v, ok && v >= n
	})
	if v, _ := relayed(); v != n {
		t.Fatalf("relayedRecords = %v, want exactly %d", v, n)
	}
	samples, err := promscrape.Fetch(ctx, nil, tm, "Flink metrics")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, s := range samples {
		names[s.Name] = true
		if s.Name == "flink_taskmanager_job_task_operator_relayedRecords" && s.Label("job_name") == "" {
			t.Errorf("relayedRecords without a job_name label: %v", s.Labels)
		}
	}
	for _, want := range []string{"flink_taskmanager_job_task_operator_relayedRecords", "flink_taskmanager_job_task_operator_deadLetteredRecords", "flink_taskmanager_job_task_numRecordsIn"} {
		if !names[want] {
			t.Errorf("the TaskManager's endpoint has no %s", want)
		}
	}
	jm, err := promscrape.Fetch(ctx, nil, st.Flink.JobManagerMetrics, "Flink metrics")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range jm {
		found = found || s.Name == "flink_jobmanager_job_numRestarts"
	}
	if !found {
		t.Error("the JobManager's endpoint has no flink_jobmanager_job_numRestarts")
	}
}

// waitFor polls cond every 500 ms until it holds or ctx ends, returning its last value.
func waitFor(ctx context.Context, t *testing.T, what string, cond func() (float64, bool)) float64 {
	t.Helper()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		if v, ok := cond(); ok {
			return v
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-tick.C:
		}
	}
}
