package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/bench"
)

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
	opts := &benchCompareOptions{conn: f.newConn(), job: newJobOptions(), tools: &perfToolFlags{runtimeDir: t.TempDir()},
		contenders: []string{bench.GoRelay}}
	opts.conn.Home = t.TempDir()
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
