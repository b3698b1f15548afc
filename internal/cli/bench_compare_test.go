package cli

import (
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/pipeline"
)

func TestBenchCompareRejectsUnknownContender(t *testing.T) {
	f, _, _ := testFactory()
	err := runBenchCompare(t.Context(), f, &benchCompareOptions{cfg: bench.CompareConfig{Contenders: []string{"kafka-streams"}}})
	if err == nil || !strings.Contains(err.Error(), "--contenders") {
		t.Fatalf("err = %v, want a --contenders usage error", err)
	}
}

// TestBenchCompareStartsTheLocalStack: without --brokers/--flink-url, bench compare starts the
// local stack (here it cannot: no runtime, so the error says so) instead of failing to reach
// a broker that is not there.
func TestBenchCompareStartsTheLocalStack(t *testing.T) {
	f, _, _ := testFactory()
	opts := &benchCompareOptions{conn: f.newConn(), job: pipeline.DefaultJobOptions(), tools: bench.Tools{RuntimeDir: t.TempDir()},
		cfg: bench.CompareConfig{Contenders: []string{bench.GoRelay}}}
	opts.conn.Home = t.TempDir()
	opts.cfg.Partitions = 2
	err := runBenchCompare(t.Context(), f, opts)
	if err == nil || !strings.Contains(err.Error(), "start the local stack") {
		t.Fatalf("err = %v, want the local stack's start to have been tried", err)
	}
}
