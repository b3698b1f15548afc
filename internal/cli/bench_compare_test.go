package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/latency"
)

func TestWriteCompareTable(t *testing.T) {
	res := bench.CompareResult{Partitions: 2, Parallelism: 2, RecordBytes: 935, StepSeconds: 20, Seconds: 600,
		Contenders: []bench.ContenderResult{
			{Name: bench.BrokerCeiling, MaxRate: 90000, LatencyMs: map[string]bench.Latency{"1000": {ProduceAck: &latency.Percentiles{P99: 40}}}},
			{Name: bench.OurRelay, MaxRate: 80000, CPUSecondsPerMillion: 38.5, LatencyMs: map[string]bench.Latency{
				"1000": {Pipeline: &latency.Percentiles{P99: 15}}, "20000": {Pipeline: &latency.Percentiles{P99: 26}}}},
			{Name: bench.SampleJob, Error: "sample job jar x not found: run `make build`"},
		},
		Ratios: bench.Ratios{OursVsBroker: 0.89},
	}
	var b strings.Builder
	writeCompareTable(&b, res)
	out := b.String()
	for _, want := range []string{"p99 ms @1000", "p99 ms @20000", "(ack 40)", "26.0", "ours vs broker ceiling 0.89", "sample-job failed: sample job jar"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "@1000") > strings.Index(out, "@20000") {
		t.Errorf("rates not in numeric order:\n%s", out)
	}
}

func TestBenchCompareRejectsUnknownContender(t *testing.T) {
	f, _, _ := testFactory()
	err := runBenchCompare(t.Context(), f, &benchCompareOptions{contenders: []string{"kafka-streams"}})
	if err == nil || !strings.Contains(err.Error(), "--contenders") {
		t.Fatalf("err = %v, want a --contenders usage error", err)
	}
}

// TestBenchCompareStartsTheLocalStack: without --brokers/--flink-url, bench compare starts the
// local stack (here it cannot: no runtime, so the error says so) instead of failing to reach
// a broker that is not there.
func TestBenchCompareStartsTheLocalStack(t *testing.T) {
	f, _, _ := testFactory()
	opts := &benchCompareOptions{conn: newConnFlags(f), job: newJobFlags(), tools: &perfToolFlags{runtimeDir: t.TempDir()},
		contenders: []string{bench.GoRelay}}
	opts.conn.home = t.TempDir()
	opts.cfg.Partitions = 2
	err := runBenchCompare(t.Context(), f, opts)
	if err == nil || !strings.Contains(err.Error(), "start the local stack") {
		t.Fatalf("err = %v, want the local stack's start to have been tried", err)
	}
}

func TestWriteCompareFilesHTML(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "bench", "compare-2026-11-29.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res bench.CompareResult
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	f, _, _ := testFactory()
	out := filepath.Join(t.TempDir(), "compare.html")
	if err := writeCompareFiles(t.Context(), f, &benchCompareOptions{html: out}, res); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"p99 latency by offered rate", "max sustainable rate", "CPU seconds per million", "streamscale-relay", "<svg"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
