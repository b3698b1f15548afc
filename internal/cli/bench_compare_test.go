package cli

import (
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/bench"
	"github.com/streamscale/streamscale/internal/pipeline"
)

func TestBenchCompareRejectsUnknownContender(t *testing.T) {
	f, _, _ := testFactory()
	err := runBenchCompare(t.Context(), f, f.newConn(), &bench.CompareRun{CompareConfig: bench.CompareConfig{Contenders: []string{"kafka-streams"}}}, false)
	if err == nil || !strings.Contains(err.Error(), "--contenders") {
		t.Fatalf("err = %v, want a --contenders usage error", err)
	}
}

// TestBenchCompareStartsTheLocalStack: without --brokers/--flink-url, bench compare starts the
// local stack (here it cannot: no runtime, so the error says so) instead of failing to reach
// a broker that is not there.
func TestBenchCompareStartsTheLocalStack(t *testing.T) {
	f, _, _ := testFactory()
	conn := f.newConn()
	conn.Home = t.TempDir()
	run := &bench.CompareRun{Options: *pipeline.DefaultJobOptions(), Tools: bench.Tools{RuntimeDir: t.TempDir()},
		CompareConfig: bench.CompareConfig{Contenders: []string{bench.GoRelay}, Partitions: 2}}
	err := runBenchCompare(t.Context(), f, conn, run, false)
	if err == nil || !strings.Contains(err.Error(), "start the local stack") {
		t.Fatalf("err = %v, want the local stack's start to have been tried", err)
	}
}
