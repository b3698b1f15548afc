package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/relay"
)

// harness holds what every contender's run shares.
type harness struct {
	cfg         CompareConfig
	admin       *kgo.Client
	adm         *kadm.Client
	progress    io.Writer
	stamp       int64
	recordBytes float64
	// steps counts the load steps so far, for their device id prefixes.
	steps int
}

// topics are one contender's fresh topics.
type topics struct{ in, out, dead string }

func (h *harness) topicsFor(name string) topics {
	base := fmt.Sprintf("bench-cmp-%d-%s", h.stamp, name)
	return topics{in: base + "-in", out: base + "-out", dead: base + "-in-dead-letter"}
}

// running is a started relay contender.
type running struct {
	pids func(ctx context.Context) []int
	stop func()
}

// start starts the named relay contender over t.
func (h *harness) start(ctx context.Context, name string, t topics) (*running, error) {
	p := int(h.cfg.Partitions)
	tms := func(ctx context.Context) []int {
		if h.cfg.FlinkPIDs == nil {
			return nil
		}
		jm, tms := h.cfg.FlinkPIDs(ctx)
		if jm > 0 {
			return append([]int{jm}, tms...)
		}
		return tms
	}
	switch name {
	case GoRelay:
		if h.cfg.GoRelay == nil {
			return nil, errors.New("no way to start the Go relay")
		}
		child, err := h.cfg.GoRelay(ctx, t.in, t.out, fmt.Sprintf("bench-cmp-%d-go-relay", h.stamp))
		if err != nil {
			return nil, err
		}
		return &running{pids: func(context.Context) []int { return []int{child.PID()} }, stop: func() { _ = child.Stop() }}, nil
	case SampleJob:
		jobID, err := startSampleJob(ctx, h.cfg.Flink, h.cfg.SampleJar, h.cfg.Job.Brokers, t, p, h.progress)
		if err != nil {
			return nil, err
		}
		return &running{pids: tms, stop: func() { cancelJob(ctx, h.cfg.Flink, jobID) }}, nil
	}
	if spec, ok := ourRelayVariant(name, h.cfg.Job); ok {
		spec.InTopic, spec.OutTopic, spec.DeadLetterTopic, spec.Parallelism = t.in, t.out, t.dead, p
		job, err := relay.Ensure(ctx, h.cfg.Flink, spec, h.progress)
		if err != nil {
			return nil, err
		}
		return &running{pids: tms, stop: func() { cancelJob(ctx, h.cfg.Flink, job.JobID) }}, nil
	}
	return nil, fmt.Errorf("unknown relay contender %q", name)
}

// cancelJob cancels a Flink job and waits until it ended, so that its slots are free for the
// next contender.
func cancelJob(ctx context.Context, fc *flink.Client, jobID string) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := fc.Cancel(cctx, jobID); err == nil {
		_, _ = fc.WaitTerminal(cctx, jobID)
	}
}

// relayContender measures one relay: warm-up, the fixed rates, then the max-rate search
// (not capped at the broker ceiling: that is Kafka's Java perf tools' rate on this machine,
// and a relay that passes it says so).
func (h *harness) relayContender(ctx context.Context, name string) ContenderResult {
	res := ContenderResult{Name: name, LatencyMs: map[string]Latency{}}
	t := h.topicsFor(name)
	var created []string
	defer func() { deleteTopics(ctx, h.admin, created...) }()
	for _, topic := range []string{t.in, t.out, t.dead} {
		if err := createTopic(ctx, h.admin, topic, h.cfg.Partitions); err != nil {
			res.Error = err.Error()
			return res
		}
		created = append(created, topic)
	}
	fmt.Fprintf(h.progress, "[%s] starting\n", name)
	run, err := h.start(ctx, name, t)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer run.stop()

	if err := h.warmUp(ctx, name, t, run); err != nil {
		res.Error = err.Error()
		return res
	}
	fixed, known, err := h.fixedRates(ctx, name, t, run, &res)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	search := func(rate float64) (bool, error) {
		if ok, seen := known[rate]; seen {
			return ok, nil
		}
		s, err := h.step(ctx, name, t, run, rate, h.cfg.Step, fmt.Sprintf("search-%.0f", rate), 0)
		if err != nil {
			return false, err
		}
		res.Steps = append(res.Steps, s)
		if s.Sustainable && rate > res.MaxRate {
			res.MaxRate = rate
		}
		return s.Sustainable, nil
	}
	if !h.cfg.NoSearch {
		if err := maxRateSearch(h.cfg.SearchStart, 0, h.cfg.MaxSearchSteps, h.cfg.Refine, search); err != nil {
			res.Error = err.Error()
		}
	}
	res.CPUSecondsPerMillion, res.BrokerCPUSecondsPerMillion = cpuPerMillion(fixed)
	for _, s := range res.Steps {
		if s.Verified {
			res.Missing += s.Missing
		}
		res.RSSMB = math.Max(res.RSSMB, float64(s.RSSBytes)/(1<<20))
	}
	res.RSSMB = math.Round(res.RSSMB)
	return res
}

// maxRateSearch doubles the rate from start while try says it is sustainable (at most
// maxSteps times, and not past limit when limit > 0), then bisects between the last good and
// the first bad rate refine times. A start that is not sustainable halves instead.
func maxRateSearch(start, limit float64, maxSteps, refine int, try func(rate float64) (bool, error)) error {
	good, bad := 0.0, 0.0
	rate := start
	for i := 0; i < maxSteps; i++ {
		if limit > 0 && rate > limit {
			rate = limit
		}
		ok, err := try(rate)
		if err != nil {
			return err
		}
		if ok {
			good = rate
			if limit > 0 && rate >= limit {
				return nil
			}
			if bad > 0 {
				break
			}
			rate *= 2
			continue
		}
		bad = rate
		if good > 0 {
			break
		}
		rate /= 2
		if rate < 250 {
			return nil
		}
	}
	for i := 0; i < refine && good > 0 && bad > good; i++ {
		mid := math.Round((good+bad)/2/100) * 100
		if mid <= good || mid >= bad {
			return nil
		}
		ok, err := try(mid)
		if err != nil {
			return err
		}
		if ok {
			good = mid
		} else {
			bad = mid
		}
	}
	return nil
}

// cpuPerMillion is the contender's and the broker's CPU seconds per million events over steps.
func cpuPerMillion(steps []Step) (own, broker float64) {
	var events int64
	for _, s := range steps {
		events += s.Events
		own += s.CPUSeconds
		broker += s.BrokerCPUSeconds
	}
	if events == 0 {
		return 0, 0
	}
	f := 1e6 / float64(events)
	return math.Round(own*f*100) / 100, math.Round(broker*f*100) / 100
}

// warmUp gets the contender reading and writing, and its JIT warm, before anything is
// measured. A JVM's compiler threads still took ~0.1 core 25 s into a run at 10k/s (thread CPU
// from /proc), so the full run warms up at 5k and then at 10k events/s.
func (h *harness) warmUp(ctx context.Context, name string, t topics, run *running) error {
	warmups := []struct {
		rate float64
		d    time.Duration
	}{{5000, 15 * time.Second}, {10000, 15 * time.Second}}
	if h.cfg.Quick {
		warmups = warmups[:1]
		warmups[0].rate, warmups[0].d = 1000, 3*time.Second
	}
	for _, w := range warmups {
		if _, err := h.step(ctx, name, t, run, w.rate, w.d, "warmup", 2*time.Minute); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	return nil
}

// fixedRates measures the latency table's fixed rates into res and returns their steps and
// which rates were sustainable.
func (h *harness) fixedRates(ctx context.Context, name string, t topics, run *running, res *ContenderResult) ([]Step, map[float64]bool, error) {
	var fixed []Step
	known := map[float64]bool{} // rate: sustainable, from the fixed steps
	for _, rate := range h.cfg.Rates {
		s, err := h.step(ctx, name, t, run, rate, h.cfg.Step, fmt.Sprintf("fixed-%.0f", rate), 0)
		if err != nil {
			return nil, nil, err
		}
		res.Steps = append(res.Steps, s)
		fixed = append(fixed, s)
		key := strconv.FormatFloat(rate, 'f', 0, 64)
		res.LatencyMs[key] = s.Latency
		if res.CPUSecondsPerMillionByRate == nil {
			res.CPUSecondsPerMillionByRate = map[string]float64{}
		}
		res.CPUSecondsPerMillionByRate[key], _ = cpuPerMillion([]Step{s})
		known[rate] = s.Sustainable
		if s.Sustainable && rate > res.MaxRate {
			res.MaxRate = rate
		}
	}
	return fixed, known, nil
}
