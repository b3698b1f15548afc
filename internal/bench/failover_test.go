package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/local"
)

func TestStallAround(t *testing.T) {
	at := time.Date(2026, 12, 7, 22, 0, 10, 0, time.UTC)
	ms := func(d int) time.Time { return at.Add(time.Duration(d) * time.Millisecond) }
	tests := []struct {
		name  string
		times map[int32][]time.Time
		want  Stall
	}{
		{"at-least-once: output stops at the kill", map[int32][]time.Time{
			0: {ms(-20), ms(-10), ms(-1), ms(3200), ms(3201)},
			1: {ms(-15), ms(-5), ms(2900), ms(2950)},
		}, Stall{Ms: 3201, FromMs: -1, ToMs: 3200, Partition: 0, Recovered: true, MaxGapBeforeMs: 10}},
		{"exactly-once: the gap starts at the last committed record", map[int32][]time.Time{
			0: {ms(-2000), ms(-900), ms(4100)},
		}, Stall{Ms: 5000, FromMs: -900, ToMs: 4100, Recovered: true, MaxGapBeforeMs: 1100}},
		{"one region restarted: the other partition flows on", map[int32][]time.Time{
			0: {ms(-2), ms(1), ms(2), ms(3)},
			1: {ms(-2), ms(2500)},
		}, Stall{Ms: 2502, FromMs: -2, ToMs: 2500, Partition: 1, Recovered: true}},
		{"a partition that never came back", map[int32][]time.Time{
			0: {ms(-3), ms(-1), ms(500)},
			1: {ms(-4), ms(-2)},
		}, Stall{Ms: 501, FromMs: -1, ToMs: 500, Partition: 0, Recovered: false, MaxGapBeforeMs: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stallAround(tt.times, at); got != tt.want {
				t.Fatalf("stallAround() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPickTaskManager(t *testing.T) {
	ids, pids := []string{"streamscale-taskmanager-0", "streamscale-taskmanager-1"}, []int{100, 200}
	tests := []struct {
		name    string
		counts  map[string]int
		wantPID int
	}{
		{"the one with the job's subtasks", map[string]int{"streamscale-taskmanager-1": 2}, 200},
		{"the one with more", map[string]int{"streamscale-taskmanager-0": 1, "streamscale-taskmanager-1": 3}, 200},
		{"a tie: the lower id", map[string]int{"streamscale-taskmanager-0": 1, "streamscale-taskmanager-1": 1}, 100},
		{"none of the stack's", map[string]int{"elsewhere": 2}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, pid, _ := pickTaskManager(tt.counts, ids, pids); pid != tt.wantPID {
				t.Fatalf("pid %d, want %d", pid, tt.wantPID)
			}
		})
	}
}

func TestDetection(t *testing.T) {
	// Lines as Flink 2.2.1's JobMaster and ResourceManager log them with the stack's pattern.
	log := `2026-12-07 22:00:01,000 INFO  [JobMaster] TaskManager with id streamscale-taskmanager-0 is no longer reachable.
2026-12-07 22:00:12,250 INFO  [ResourceManager] Heartbeat of TaskManager with id streamscale-taskmanager-1 timed out.
2026-12-07 22:00:13,400 INFO  [JobMaster] TaskManager with id streamscale-taskmanager-0 (dataPort=1234) is no longer reachable.
`
	after := time.Date(2026, 12, 7, 22, 0, 10, 0, time.Local)
	tests := []struct {
		tm     string
		wantMs int64
		wantBy string
		ok     bool
	}{
		{"streamscale-taskmanager-0", 3400, "rpc-failure", true}, // the 22:00:01 line is an earlier kill's
		{"streamscale-taskmanager-1", 2250, "heartbeat-timeout", true},
		{"streamscale-taskmanager-2", 0, "", false},
	}
	for _, tt := range tests {
		at, by, ok := detection(log, tt.tm, after)
		if ok != tt.ok || by != tt.wantBy || (ok && at.Sub(after).Milliseconds() != tt.wantMs) {
			t.Errorf("detection(%s) = %v %q %v, want +%d ms %q %v", tt.tm, at, by, ok, tt.wantMs, tt.wantBy, tt.ok)
		}
	}
}

func TestStallSummary(t *testing.T) {
	r := func(ms int64) Kill { return Kill{Stall: Stall{Ms: ms, Recovered: true}} }
	kills := []Kill{r(4000), r(1000), r(9000), r(2000), r(3000), {Stall: Stall{Ms: 80}}}
	if p50, m, u := stallSummary(kills); p50 != 3000 || m != 9000 || u != 1 {
		t.Fatalf("p50 %d, max %d, unrecovered %d; want 3000, 9000, 1 (the unrecovered kill's gap left out)", p50, m, u)
	}
	if p50, m, u := stallSummary(kills[:2]); p50 != 1000 || m != 4000 || u != 0 {
		t.Fatalf("even count: p50 %d, max %d, unrecovered %d; want the lower middle 1000, 4000, 0", p50, m, u)
	}
}

func TestFailoverPresetAndCheck(t *testing.T) {
	if _, err := FailoverPreset("fast"); err == nil || !strings.Contains(err.Error(), "baseline or tuned") {
		t.Fatalf("FailoverPreset(fast) = %v", err)
	}
	tuned, err := FailoverPreset(SettingsTuned)
	if err != nil {
		t.Fatal(err)
	}
	var st local.Status
	st.Flink.StandbyTaskManagers = 1
	conf := map[string]string{"heartbeat.interval": "1s", "heartbeat.timeout": "10s", "heartbeat.rpc-failure-threshold": "1"}
	if err := checkSettings(tuned, st, conf, "/h"); err != nil {
		t.Fatalf("a stack with the tuned settings: %v", err)
	}
	baseline, _ := FailoverPreset(SettingsBaseline)
	err = checkSettings(baseline, st, conf, "/h")
	for _, want := range []string{`heartbeat.interval "1s" (baseline wants "2s")`, "1 standby TaskManagers (baseline wants 0)", "local down --home /h"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkSettings(baseline) = %v, want it to say %q", err, want)
		}
	}
}

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "flink-jobmanager.log")
	// The baseline's loss line, 2.2 s after the kill: it is written after local up has brought
	// the TaskManager back, which is why detect reads the log once the run is over.
	line := "2026-12-08 02:05:15,793 INFO  [JobMaster] TaskManager with id streamscale-taskmanager-0 is no longer reachable.\n"
	if err := os.WriteFile(path, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 8, 2, 5, 13, 593_000_000, time.Local)
	tests := []struct {
		name, path, tm string
		wantMs         int64
		wantBy         string
	}{
		{"found", path, "streamscale-taskmanager-0", 2200, "rpc-failure"},
		{"another TaskManager", path, "streamscale-taskmanager-1", -1, ""},
		{"no log", filepath.Join(dir, "missing.log"), "streamscale-taskmanager-0", -1, ""},
		{"no status", "", "streamscale-taskmanager-0", -1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := Kill{TaskManager: tt.tm, At: at, DetectedMs: 123, DetectedBy: "stale"}
			detect(tt.path, &k)
			if k.DetectedMs != tt.wantMs || k.DetectedBy != tt.wantBy {
				t.Fatalf("detect = %d ms %q, want %d ms %q", k.DetectedMs, k.DetectedBy, tt.wantMs, tt.wantBy)
			}
		})
	}
}
