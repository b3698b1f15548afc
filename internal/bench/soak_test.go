package bench

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/latency"
	"github.com/streamscale/streamscale/internal/verify"
)

func TestSlope(t *testing.T) {
	for _, tc := range []struct {
		name   string
		xs, ys []float64
		want   float64
		ok     bool
	}{
		{"flat", []float64{0, 1, 2, 3}, []float64{5, 5, 5, 5}, 0, true},
		{"rising line", []float64{0, 0.5, 1}, []float64{10, 20, 30}, 20, true},
		{"falling line", []float64{1, 2, 3}, []float64{3, 2, 1}, -1, true},
		{"noisy around y = 2x", []float64{0, 1, 2, 3}, []float64{1, 1, 5, 5}, 1.6, true},
		{"one point", []float64{1}, []float64{1}, 0, false},
		{"same x", []float64{2, 2}, []float64{1, 3}, 0, false},
		{"lengths differ", []float64{1, 2}, []float64{1}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Slope(tc.xs, tc.ys)
			if ok != tc.ok || math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("Slope = %g, %v; want %g, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestGCDelta(t *testing.T) {
	for _, tc := range []struct {
		name      string
		prev, cur map[string]gcReading
		want      gcReading
	}{
		{"growth", map[string]gcReading{"tm1": {10, 100}}, map[string]gcReading{"tm1": {14, 130}}, gcReading{4, 30}},
		{"two TaskManagers add up", map[string]gcReading{"a": {1, 10}, "b": {2, 20}}, map[string]gcReading{"a": {3, 15}, "b": {5, 40}}, gcReading{5, 25}},
		{"a new TaskManager counts from 0", map[string]gcReading{"a": {1, 10}}, map[string]gcReading{"a": {1, 10}, "b": {2, 7}}, gcReading{2, 7}},
		{"counters that went down (restart) count from 0", map[string]gcReading{"a": {50, 900}}, map[string]gcReading{"a": {3, 12}}, gcReading{3, 12}},
		{"no reading now", map[string]gcReading{"a": {1, 1}}, nil, gcReading{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := gcDelta(tc.prev, tc.cur); got != tc.want {
				t.Errorf("gcDelta = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestHeapLowIsTheMinimum(t *testing.T) {
	var h heapLow
	for _, v := range []int64{300, 120, 250, 130} {
		h.add(v)
	}
	if h.low != 120 || h.samples != 4 {
		t.Errorf("heapLow = %+v, want low 120 of 4 samples", h)
	}
}

// TestMinuteOf: a minute's row takes the verifier's counts and latency, the rate over the
// window's own length, the GC growth between its ends, the heap's low during it and the
// readings at its end.
func TestMinuteOf(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)
	from := cutPoint{index: 2, at: t0, gc: map[string]gcReading{"tm": {10, 100}}, rss: 1 << 30, logBytes: 5 << 20}
	for _, tc := range []struct {
		name string
		to   cutPoint
		v    verify.Result
		want SoakMinute
	}{
		{
			name: "full minute",
			to: cutPoint{index: 3, at: t0.Add(time.Minute), gc: map[string]gcReading{"tm": {16, 160}}, rss: 2 << 30, logBytes: 9 << 20,
				heapSince: heapLow{low: 64 << 20, samples: 30}},
			v: verify.Result{Reconciled: true, InputEvents: 60_000, Missing: 0, Duplicates: 2,
				LatencyMs: verify.Latencies{Pipeline: latency.Percentiles{P50: 10, P99: 40, Max: 90, Count: 60_002}}},
			want: SoakMinute{Index: 3, Start: t0, Seconds: 60, Full: true, Events: 60_000, AchievedRate: 1000,
				PipelineMs: latency.Percentiles{P50: 10, P99: 40, Max: 90, Count: 60_002}, Reconciled: true, Duplicates: 2,
				TaskManagerRSSBytes: 2 << 30, HeapAfterGCBytes: 64 << 20, HeapSamples: 30, GCCount: 6, GCTimeMs: 60, BrokerLogBytes: 9 << 20},
		},
		{
			name: "last, partial minute with losses",
			to: cutPoint{index: 3, at: t0.Add(15 * time.Second), gc: map[string]gcReading{"tm": {10, 100}},
				heapSince: heapLow{low: 80 << 20, samples: 7}},
			v:    verify.Result{Reconciled: true, InputEvents: 3000, Missing: 5},
			want: SoakMinute{Index: 3, Start: t0, Seconds: 15, Events: 3000, AchievedRate: 200, Reconciled: true, Missing: 5, HeapAfterGCBytes: 80 << 20, HeapSamples: 7},
		},
		{
			name: "verification failed",
			to:   cutPoint{index: 3, at: t0.Add(time.Minute)},
			v:    verify.Result{},
			want: SoakMinute{Index: 3, Start: t0, Seconds: 60, Full: true},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := minuteOf(from.until(tc.to, time.Minute), tc.v)
			if got != tc.want {
				t.Errorf("minuteOf =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

// TestSummarise: the totals add up the minutes, an acknowledged event in no window counts
// missing, and the slopes fit the full minutes after the warm-up only.
func TestSummarise(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)
	minute := func(i int, p99 float64, heap int64, full bool) SoakMinute {
		return SoakMinute{Index: i + 1, Start: t0.Add(time.Duration(i) * time.Minute), Seconds: 60, Full: full, Events: 1000,
			Reconciled: true, PipelineMs: latency.Percentiles{P99: p99}, HeapAfterGCBytes: heap}
	}
	for _, tc := range []struct {
		name                string
		minutes             []SoakMinute
		generated           int64
		wantEvents, missing int64
		fitted              int
		p99Slope, heapSlope float64
	}{
		{
			name: "warm-up and partial minutes are not fitted",
			minutes: []SoakMinute{
				func() SoakMinute { m := minute(0, 5000, 20<<20, true); m.Warmup = true; return m }(),
				minute(1, 10, 100<<20, true), minute(2, 11, 101<<20, true), minute(3, 12, 102<<20, true),
				func() SoakMinute { m := minute(4, 500, 900<<20, false); m.Events = 0; return m }(),
			},
			generated: 4000, wantEvents: 4000, fitted: 3, p99Slope: 60, heapSlope: 60 << 20,
		},
		{
			name:      "an acknowledged event in no window is missing",
			minutes:   []SoakMinute{minute(0, 10, 1, true), minute(1, 10, 1, true)},
			generated: 2003, wantEvents: 2000, missing: 3, fitted: 2,
		},
		{
			name:      "one fitted minute has no slope",
			minutes:   []SoakMinute{minute(0, 10, 1, true), minute(1, 99, 5, false)},
			generated: 2000, wantEvents: 2000, fitted: 0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := SoakResult{Started: t0, Generated: generate.Summary{Events: tc.generated}, Minutes: tc.minutes}
			summarise(&r)
			if r.InputEvents != tc.wantEvents || r.Missing != tc.missing || !r.Reconciled || r.SlopeMinutes != tc.fitted {
				t.Fatalf("summary = events %d, missing %d, reconciled %v, fitted %d; want %d, %d, true, %d",
					r.InputEvents, r.Missing, r.Reconciled, r.SlopeMinutes, tc.wantEvents, tc.missing, tc.fitted)
			}
			if math.Abs(r.P99SlopeMsPerHour-tc.p99Slope) > 1e-6 || math.Abs(r.HeapAfterGCSlopeBytesPerHour-tc.heapSlope) > 1 {
				t.Errorf("slopes = %g ms/h, %g B/h; want %g, %g", r.P99SlopeMsPerHour, r.HeapAfterGCSlopeBytesPerHour, tc.p99Slope, tc.heapSlope)
			}
			if r.Passed() != (tc.missing == 0) {
				t.Errorf("Passed = %v with %d missing", r.Passed(), r.Missing)
			}
		})
	}
	r := SoakResult{Minutes: []SoakMinute{minute(0, 1, 1, true), {Index: 2, Reconciled: false}}}
	summarise(&r)
	if r.Passed() {
		t.Error("a soak with a minute not reconciled passed")
	}
}

func TestTopicDirBytes(t *testing.T) {
	root := t.TempDir()
	write := func(dir string, n int) {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, dir, "00000000000000000000.log"), make([]byte, n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("data/soak-1-in-0", 64<<10)
	write("data/soak-1-in-1", 64<<10)
	write("data/soak-1-out-0", 64<<10)
	write("data/soak-1-in-dead-letter-0", 1<<20) // another topic: not counted
	write("data/other-0", 1<<20)
	got := topicDirBytes(root, []string{"soak-1-in", "soak-1-out"})
	if got < 3*(64<<10) || got >= 1<<20 {
		t.Errorf("topicDirBytes = %d, want the three 64 KiB segments of the soak's topics (and nothing of the others)", got)
	}
}

func TestParseMetrics(t *testing.T) {
	got, err := parseMetrics(strings.NewReader(`[{"id":"Status.JVM.Memory.Heap.Used","value":"123456789"},{"id":"Status.JVM.GarbageCollector.All.Time","value":"42.0"},{"id":"x","value":"n/a"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if got[metricHeapUsed] != 123456789 || got[metricGCTime] != 42 || len(got) != 2 {
		t.Errorf("parseMetrics = %v", got)
	}
}

func TestWriteSoakHTML(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)
	r := SoakResult{Started: t0, TargetRate: 1000, Reconciled: true, InputEvents: 120_000, Minutes: []SoakMinute{
		{Index: 1, Start: t0, Seconds: 60, Full: true, AchievedRate: 1000, Reconciled: true, PipelineMs: latency.Percentiles{P50: 9, P99: 30, Max: 80, Count: 60_000}, HeapAfterGCBytes: 70 << 20, TaskManagerRSSBytes: 900 << 20, GCTimeMs: 40, BrokerLogBytes: 50 << 20},
		{Index: 2, Start: t0.Add(time.Minute), Seconds: 60, Full: true, AchievedRate: 1000, Reconciled: true, PipelineMs: latency.Percentiles{P50: 9, P99: 31, Max: 85, Count: 60_000}, HeapAfterGCBytes: 71 << 20, TaskManagerRSSBytes: 901 << 20, GCTimeMs: 44, BrokerLogBytes: 90 << 20},
	}}
	var b strings.Builder
	if err := WriteSoakHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"PASS: 120000 events, 0 missing", "Achieved rate per minute", "Pipeline latency per minute", "TaskManager memory", "TaskManager GC time per minute", "Broker log size", "<svg", ">901<"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
