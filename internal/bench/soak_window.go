package bench

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/verify"
)

// cutPoint is what the soak reads at a minute's boundary.
type cutPoint struct {
	index int
	at    time.Time
	// in and out are the topics' end offsets. out is read first: an event appended to the
	// input after in was read comes out after out was read, so a window's output starts no
	// earlier than its start's out.
	in, out map[int32]int64
	// gc is the TaskManagers' collectors' counters, rss their resident memory, logBytes the
	// topics' disk; heapSince is the heap's low since the previous cut point.
	gc        map[string]gcReading
	rss       int64
	logBytes  int64
	heapSince heapLow
}

// window is one minute between two cut points.
type window struct {
	from, to cutPoint
	full     bool
}

// until is the window from c to next; full when it spans at least 90% of a minute.
func (c cutPoint) until(next cutPoint, minute time.Duration) window {
	return window{from: c, to: next, full: next.at.Sub(c.at) >= minute*9/10}
}

// boundary reads the cut point after prev (nil: the first).
func (s *soaker) boundary(ctx context.Context, prev *cutPoint) (cutPoint, error) {
	c := cutPoint{at: time.Now()}
	if prev != nil {
		c.index = prev.index + 1
	}
	var err error
	if c.out, err = kafkaconn.EndOffsets(ctx, s.adm, s.t.out); err != nil {
		return c, err
	}
	if c.in, err = kafkaconn.EndOffsets(ctx, s.adm, s.t.in); err != nil {
		return c, err
	}
	c.gc = s.probe.gcCounters(ctx)
	c.rss = s.probe.taskManagerRSS(ctx)
	c.logBytes = s.probe.logBytes()
	c.heapSince = s.probe.takeHeap()
	return c, nil
}

// verifyWindow verifies a minute's input window against the output and records its row.
func (s *soaker) verifyWindow(ctx context.Context, w window) {
	vcfg := verify.DefaultConfig()
	vcfg.Topic, vcfg.Bounds, vcfg.SequencesStartAtZero = s.t.out, boundsOf(w.from.out, w.from.out), false
	vcfg.InputTopic, vcfg.InputBounds = s.t.in, boundsOf(w.from.in, w.to.in)
	vcfg.Drain, vcfg.IdleTimeout = true, s.cfg.DrainIdle
	res, err := verify.Run(ctx, s.admin, vcfg, nil)
	if err != nil {
		fmt.Fprintf(s.progress, "soak: verify minute %d: %v\n", w.from.index+1, err)
	}
	row := minuteOf(w, res)
	row.Warmup = row.Index <= s.cfg.WarmupMinutes
	s.mu.Lock()
	s.rows = append(s.rows, row)
	s.mu.Unlock()
	fmt.Fprintln(s.progress, progressLine(row, s.cfg.Rate))
}

// minuteOf is a window's row: its verification's counts and latency, and the readings at its
// ends and during it.
func minuteOf(w window, v verify.Result) SoakMinute {
	secs := w.to.at.Sub(w.from.at).Seconds()
	m := SoakMinute{
		Index: w.from.index + 1, Start: w.from.at, Seconds: math.Round(secs*100) / 100, Full: w.full,
		Events: v.InputEvents, PipelineMs: v.LatencyMs.Pipeline,
		Reconciled: v.Reconciled, Missing: v.Missing, Duplicates: v.Duplicates,
		TaskManagerRSSBytes: w.to.rss, HeapAfterGCBytes: w.to.heapSince.low, HeapSamples: w.to.heapSince.samples,
		BrokerLogBytes: w.to.logBytes,
	}
	if secs > 0 {
		m.AchievedRate = math.Round(float64(v.InputEvents)/secs*10) / 10
	}
	d := gcDelta(w.from.gc, w.to.gc)
	m.GCCount, m.GCTimeMs = d.count, d.timeMs
	return m
}

// progressLine is a minute's line on stderr.
func progressLine(m SoakMinute, target float64) string {
	verdict := fmt.Sprintf("%d missing", m.Missing)
	if !m.Reconciled {
		verdict = "NOT VERIFIED"
	}
	heap := "no reading"
	if m.HeapSamples > 0 {
		heap = fmt.Sprintf("%.0f MB", mb(m.HeapAfterGCBytes))
	}
	return fmt.Sprintf("minute %3d: %6.0f/s (target %.0f), pipeline p50 %.0f p99 %.0f max %.0f ms, %s, TM rss %.0f MB, heap after GC %s, GC %d in %d ms, broker log %.0f MB",
		m.Index, m.AchievedRate, target, m.PipelineMs.P50, m.PipelineMs.P99, m.PipelineMs.Max, verdict,
		mb(m.TaskManagerRSSBytes), heap, m.GCCount, m.GCTimeMs, mb(m.BrokerLogBytes))
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }
