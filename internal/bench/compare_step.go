package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/verify"
)

// step offers rate for d, waits for the output to catch up (drainLimit: how long it may take
// after sending ended; 0: max(10 s, d)), verifies the output window against the input window
// and judges whether the rate was sustainable.
//
// The complex job's output is tags, not the events: its step reconciles the tags the step's
// input makes (missing and behind count tags), its pipeline latency is the tag latency
// (append time − the trigger event's enqueuedAt, which grows with the job's input lag), and
// its catch-up is its last tag's append after the last send. The same judge then applies:
// a job that falls behind its input shows in the tag latency and in late tags.
func (h *harness) step(ctx context.Context, name string, t topics, run *running, rate float64, d time.Duration, label string, drainLimit time.Duration) (Step, error) {
	s := Step{OfferedRate: rate}
	inStart, err := kafkaconn.EndOffsets(ctx, h.adm, t.in)
	if err != nil {
		return s, err
	}
	outStart, err := kafkaconn.EndOffsets(ctx, h.adm, t.out)
	if err != nil {
		return s, err
	}
	pids := procGroup(run.pids(ctx))
	broker := procGroup(h.cfg.BrokerPIDs)
	cpu0, bcpu0 := pids.sample(), broker.sample()

	g := generate.DefaultConfig()
	g.Topic, g.Rate, g.Duration, g.DuplicateFraction = t.in, rate, d, 0
	g.Seed = h.stamp + int64(rate)
	// A prefix of its own per step, so that each step's events are distinct from every other's
	// (a late record of one step is "unexpected" in the next, not a duplicate), as long as the
	// sample's (20 bytes), so that the records keep the sample's size.
	h.steps++
	g.DeviceIDPrefix = fmt.Sprintf("bench://s%03d/device-", h.steps%1000)
	g.ProgressInterval = time.Hour
	sum, genErr := h.generate(ctx, g)
	sent := time.Now() // every record acknowledged: the input's last append is behind us
	var short *generate.ShortfallError
	if genErr != nil && !errors.As(genErr, &short) {
		return s, fmt.Errorf("generator at %.0f/s: %w", rate, genErr)
	}
	s.AchievedRate, s.Events, s.SendLagP99Ms = math.Round(sum.AchievedRate), sum.Events, sum.SendLagMs.P99
	if sum.MeanRecordBytes > 0 {
		h.recordBytes = math.Round(sum.MeanRecordBytes)
	}
	inEnd, err := kafkaconn.EndOffsets(ctx, h.adm, t.in)
	if err != nil {
		return s, err
	}
	// What the output held when sending ended: what was not in it then was behind.
	outSent, err := kafkaconn.EndOffsets(ctx, h.adm, t.out)
	if err != nil {
		return s, err
	}
	if drainLimit <= 0 {
		drainLimit = max(10*time.Second, d)
	}
	var cpu1, bcpu1 ProcSample
	vres, lres, err := h.verifyStep(ctx, name, t, g.DeviceIDPrefix, inStart, inEnd, outStart, outSent, drainLimit,
		func() { cpu1, bcpu1 = pids.sample(), broker.sample() })
	if err != nil {
		return s, err
	}
	// How long the output took to catch up: its last record's append time (the broker's
	// clock, this machine's) after the last send was acknowledged, not how long the verifier
	// took to read both windows.
	if catchUp := vres.LastTimestamp.Sub(sent); catchUp > 0 {
		s.DrainSeconds = math.Round(catchUp.Seconds()*100) / 100
	}
	s.CPUSeconds, s.BrokerCPUSeconds, s.RSSBytes = cpu1.CPUSeconds-cpu0.CPUSeconds, bcpu1.CPUSeconds-bcpu0.CPUSeconds, cpu1.RSSBytes
	s.Verified, s.Missing, s.Duplicates, s.Behind = stepCounts(vres, lres)
	s.Altered, s.Misstamped = vres.Altered, vres.Misstamped
	p, e := vres.LatencyMs.Pipeline, vres.LatencyMs.EndToEnd
	s.Latency = Latency{Pipeline: &p, EndToEnd: &e}
	s.Sustainable, s.Why = judge(s, genErr, h.cfg.MaxP99)
	if label != "warmup" {
		verdict := "sustainable"
		if !s.Sustainable {
			verdict = "not sustainable: " + s.Why
		}
		fmt.Fprintf(h.progress, "[%s] %6.0f/s offered, %6.0f/s sent, p99 %.0f ms, %d behind at the end, drain %.1fs, %d missing, cpu %.1fs: %s\n",
			name, rate, s.AchievedRate, p.P99, s.Behind, s.DrainSeconds, s.Missing, s.CPUSeconds, verdict)
	} else if !s.Verified || s.Missing > 0 {
		return s, fmt.Errorf("%s did not relay its warm-up load (verified %v, %d missing)", name, s.Verified, s.Missing)
	}
	return s, nil
}

// verifyStep verifies a step's input window [inStart, inEnd) against the output: drained,
// read from outStart until every event of the window came out (or drainLimit passed without
// one more), and atEnd, the output as it was when sending ended (outSent). afterDrain is
// called between the two (the step's CPU is sampled there).
func (h *harness) verifyStep(ctx context.Context, name string, t topics, devicePrefix string, inStart, inEnd, outStart, outSent map[int32]int64,
	drainLimit time.Duration, afterDrain func()) (drained, atEnd verify.Result, err error) {
	// The verifier drains: it reads the output until every event of the input window is out
	// (not a record count: replays and an exactly-once sink's transaction markers take
	// offsets too), or until drainLimit passes without one more arriving.
	vcfg := verify.DefaultConfig()
	vcfg.Topic, vcfg.Bounds, vcfg.SequencesStartAtZero = t.out, boundsOf(outStart, outStart), true
	vcfg.InputTopic, vcfg.InputBounds = t.in, boundsOf(inStart, inEnd)
	vcfg.Drain, vcfg.IdleTimeout = true, drainLimit
	if name == OurComplex {
		// Tags, recomputed from the step's input window: the step's devices are new (their
		// state starts in the window), and the earlier steps' late NoNews tags are left out.
		vcfg.Job, vcfg.StateStart, vcfg.DevicePrefix = verify.JobComplex, inStart, devicePrefix
	}
	if drained, err = verify.Run(ctx, h.admin, vcfg, nil); err != nil {
		return drained, atEnd, fmt.Errorf("verify %q: %w", t.out, err)
	}
	afterDrain()
	// The lag at the end of the step: the same input window against the output as it was
	// when sending ended (read_committed: an exactly-once output's uncommitted records were
	// not visible yet, so they count as behind).
	lag := vcfg
	lag.Bounds, lag.Drain = boundsOf(outStart, outSent), false
	if atEnd, err = verify.Run(ctx, h.admin, lag, nil); err != nil {
		return drained, atEnd, fmt.Errorf("verify %q at the end of the step: %w", t.out, err)
	}
	return drained, atEnd, nil
}

// stepCounts takes a step's figures from the verifier's results: drained is the output read
// until every input event came out or the drain gave up, atEnd the output as it was when
// sending ended. Missing after the drain includes what the drain still awaited when it gave
// up: an event that did not come out within the drain limit is counted lost, not late.
func stepCounts(drained, atEnd verify.Result) (verified bool, missing, duplicates, behind int64) {
	verified = drained.Reconciled && atEnd.Reconciled
	return verified, drained.Missing, drained.Duplicates, atEnd.Missing
}

// judge says whether a step was sustainable: the generator kept its schedule, the output
// caught up within two seconds of the last send, nothing was lost, and p99 pipeline latency
// stayed within maxP99.
func judge(s Step, genErr error, maxP99 time.Duration) (bool, string) {
	switch {
	case genErr != nil:
		return false, "generator fell behind its schedule"
	case !s.Verified:
		return false, "output not verified against its input window"
	case s.Missing > 0:
		return false, fmt.Sprintf("%d events never came out (missing after the drain)", s.Missing)
	case s.DrainSeconds > 2:
		return false, fmt.Sprintf("output took %.1fs to catch up after the last send", s.DrainSeconds)
	case s.Latency.Pipeline != nil && s.Latency.Pipeline.P99 > float64(maxP99.Milliseconds()):
		return false, fmt.Sprintf("p99 pipeline latency %.0f ms over %d ms", s.Latency.Pipeline.P99, maxP99.Milliseconds())
	}
	return true, ""
}

// generate runs the open-loop generator with the generator's own producer defaults.
func (h *harness) generate(ctx context.Context, g generate.Config) (generate.Summary, error) {
	return runLoad(ctx, h.cfg.Conn, g)
}

func boundsOf(start, end map[int32]int64) map[int32]verify.OffsetRange {
	b := make(map[int32]verify.OffsetRange, len(end))
	for p, e := range end {
		b[p] = verify.OffsetRange{Start: start[p], End: e}
	}
	return b
}
