//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestIntegrationBenchSoak runs a two-minute `bench soak` at 1,000 events/s with the built
// binary on the shared stack: it proves the command works end to end, not how flat an hour
// is (that is docs/benchmarks.md's). The report has a row per minute, every row verified
// against its input window with nothing missing and measured from each source (the verifier's
// latency, /proc, Flink's REST metrics, the broker's log directory), and both files exist.
// Costs about 2.5 minutes: 120 s of load, the job's start and the last minute's verification.
func TestIntegrationBenchSoak(t *testing.T) {
	sharedStack(t)
	c := newCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	dir := t.TempDir()
	started := time.Now()
	out, stderr, code := c.run(ctx, "bench", "soak", "--rate", "1000", "--duration", "2m", "--partitions", "2",
		"--home", shared.stack.Config().Home, "--job-jar", filepath.Join(buildDir(t), "jobs", "relay-job.jar"),
		"--drain-timeout", "20s", "--warmup-minutes", "0", "--report-dir", dir, "--json")
	t.Logf("bench soak took %s; its stderr:\n%s", time.Since(started).Round(time.Second), stderr)
	if code != 0 {
		t.Fatalf("bench soak exited %d", code)
	}
	var res struct {
		Missing    int64 `json:"missing"`
		Reconciled bool  `json:"reconciled"`
		Minutes    []struct {
			Full         bool    `json:"full"`
			Events       int64   `json:"events"`
			AchievedRate float64 `json:"achievedRate"`
			Missing      int64   `json:"missing"`
			Reconciled   bool    `json:"reconciled"`
			PipelineMs   struct {
				P99   float64 `json:"p99"`
				Count int64   `json:"count"`
			} `json:"pipelineMs"`
			RSS       int64 `json:"taskManagerRssBytes"`
			Heap      int64 `json:"heapAfterGcBytes"`
			HeapReads int   `json:"heapSamples"`
			BrokerLog int64 `json:"brokerLogBytes"`
		} `json:"minutes"`
		SlopeMinutes int `json:"slopeMinutes"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("bench soak --json printed no JSON result: %v\n%s", err, out)
	}
	if res.Missing != 0 || !res.Reconciled {
		t.Errorf("missing %d, reconciled %v: want 0 and true", res.Missing, res.Reconciled)
	}
	full := 0
	for i, m := range res.Minutes {
		if !m.Reconciled || m.Missing != 0 {
			t.Errorf("minute %d: reconciled %v, %d missing", i+1, m.Reconciled, m.Missing)
		}
		if !m.Full {
			continue
		}
		full++
		if m.Events == 0 || m.AchievedRate <= 0 || m.PipelineMs.Count == 0 || m.PipelineMs.P99 <= 0 {
			t.Errorf("minute %d: %d events at %g/s, %d latencies (p99 %g): want the load and its output measured", i+1, m.Events, m.AchievedRate, m.PipelineMs.Count, m.PipelineMs.P99)
		}
		if m.RSS <= 0 || m.Heap <= 0 || m.HeapReads == 0 || m.BrokerLog <= 0 {
			t.Errorf("minute %d: TaskManager rss %d, heap after GC %d (%d readings), broker log %d bytes: want each read", i+1, m.RSS, m.Heap, m.HeapReads, m.BrokerLog)
		}
	}
	if full < 2 || res.SlopeMinutes != full {
		t.Errorf("%d full minutes (%d fitted), want at least 2 rows of a minute, all fitted", full, res.SlopeMinutes)
	}
	if !strings.Contains(stderr, "minute   1:") || !strings.Contains(stderr, "minute   2:") {
		t.Errorf("no progress line per minute on stderr:\n%s", stderr)
	}
	for _, name := range []string{"soak.json", "soak.html"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v (want a written file)", name, err)
		}
	}
	if page, _ := os.ReadFile(filepath.Join(dir, "soak.html")); !strings.Contains(string(page), "<svg") {
		t.Error("soak.html has no chart")
	}
}
