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
	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/latency"
	"github.com/streamscale/streamscale/internal/relay"
	"github.com/streamscale/streamscale/internal/verify"
)

// Contender names, in the order Compare runs them.
const (
	BrokerCeiling = "broker-ceiling"
	GoRelay       = "go-relay"
	SampleJob     = "sample-job"
	OurRelay      = "streamscale-relay"
	// OurRelayExactlyOnce is our relay with --guarantee exactly-once (1 s checkpoints).
	OurRelayExactlyOnce = "streamscale-relay-exactly-once"
	// OurRelayDedup is our relay with the sample's de-duplication (--dedup, window 100).
	OurRelayDedup = "streamscale-relay-dedup"
	// OurRelayNone is our relay with --guarantee none (no checkpoints).
	OurRelayNone = "streamscale-relay-none"
	// OurComplex is the complex job (--job complex), at-least-once: its output is tags, so
	// its steps reconcile tags and its latency is the tag latency (see step).
	OurComplex = "streamscale-complex"
)

// AllContenders lists every contender Compare knows, in the order it runs them.
var AllContenders = []string{BrokerCeiling, GoRelay, SampleJob, OurRelay, OurRelayExactlyOnce, OurRelayDedup, OurRelayNone, OurComplex}

// ourRelayVariant is how a variant of our relay differs from the at-least-once one.
func ourRelayVariant(name string, spec relay.Spec) (relay.Spec, bool) {
	switch name {
	case OurRelay:
	case OurRelayExactlyOnce:
		spec.Guarantee, spec.CheckpointInterval = relay.ExactlyOnce, time.Second
	case OurRelayDedup:
		spec.DedupWindow = 100
	case OurRelayNone:
		spec.Guarantee = relay.None
	case OurComplex:
		spec.Job = relay.JobComplex
	default:
		return spec, false
	}
	return spec, true
}

// CompareConfig says how to run the side-by-side comparison.
type CompareConfig struct {
	// Conn reaches the broker; Flink runs the Flink contenders.
	Conn  kafkaconn.Conn
	Flink *flink.Client
	// Job is our relay's spec (jar, brokers as the job sees them, checkpoint interval, slot
	// checks); topics and parallelism are set per run.
	Job relay.Spec
	// SampleJar is the ported sample job (build/jobs/sample-job.jar).
	SampleJar string
	// Java and KafkaClasspath run Kafka's perf tools for the broker ceiling.
	Java, KafkaClasspath string
	// GoRelay starts the plain Go relay as a child process relaying in to out in consumer
	// group group, and returns it; Compare stops it with an interrupt.
	GoRelay func(ctx context.Context, in, out, group string) (Child, error)
	// BrokerPIDs are the broker's processes (empty: broker CPU not measured).
	BrokerPIDs []int
	// FlinkPIDs returns the Flink cluster's processes, the JobManager's (0: none) and the
	// TaskManagers': a Flink contender's CPU is theirs together, as checkpoint coordination
	// and the job's scheduling run in the JobManager (nil: not measured).
	FlinkPIDs func(ctx context.Context) (jobManager int, taskManagers []int)
	// Partitions of every topic, and every contender's parallelism (default 2).
	Partitions int32
	// Contenders to run (default AllContenders).
	Contenders []string
	// Quick runs a short version: 5 s steps, fixed rates 1k and 5k, a short search.
	Quick bool
	// Step is how long each load step sends (default 20s; quick 5s).
	Step time.Duration
	// Rates are the fixed rates of the latency table (default 1k, 5k, 10k, 20k; quick 1k, 5k).
	Rates []float64
	// SearchStart is the first rate of the max-rate search (default 10k; quick 5k); it
	// doubles until a step is not sustainable, then bisects Refine times (default 2; quick 0).
	SearchStart float64
	Refine      int
	// MaxSearchSteps bounds the search's doubling steps (default 6; quick 3).
	MaxSearchSteps int
	// NoSearch skips the max-rate search: only the fixed rates are measured (for comparing
	// settings at given loads; the max rate is then the highest sustainable fixed rate).
	NoSearch bool
	// MaxP99 is the highest p99 pipeline latency a sustainable step may have (default 1s).
	MaxP99 time.Duration
	// CeilingRecords is the backlog the broker-ceiling run writes and reads (default
	// 1,000,000; quick 200,000).
	CeilingRecords int64
}

// Child is a contender process Compare started.
type Child interface {
	// PID is the process id whose /proc entry Compare samples.
	PID() int
	// Stop ends the process and waits for it.
	Stop() error
}

func (c *CompareConfig) defaults() {
	if c.Partitions <= 0 {
		c.Partitions = 2
	}
	if len(c.Contenders) == 0 {
		c.Contenders = AllContenders
	}
	if c.MaxP99 <= 0 {
		c.MaxP99 = time.Second
	}
	pick := func(quick, full float64) float64 {
		if c.Quick {
			return quick
		}
		return full
	}
	if c.Step <= 0 {
		c.Step = time.Duration(pick(5, 20)) * time.Second
	}
	if len(c.Rates) == 0 {
		c.Rates = []float64{1000, 5000, 10000, 20000}
		if c.Quick {
			c.Rates = c.Rates[:2]
		}
	}
	if c.SearchStart <= 0 {
		c.SearchStart = pick(5000, 10000)
	}
	if c.Refine < 0 || (c.Refine == 0 && !c.Quick) {
		c.Refine = int(pick(0, 2))
	}
	if c.MaxSearchSteps <= 0 {
		c.MaxSearchSteps = int(pick(3, 6))
	}
	if c.CeilingRecords <= 0 {
		c.CeilingRecords = int64(pick(200_000, 1_000_000))
	}
}

// Latency is one fixed rate's latencies in milliseconds. The relays have Pipeline and EndToEnd
// from the verifier; the broker ceiling has the perf tool's produce acknowledgement latency.
type Latency struct {
	Pipeline   *latency.Percentiles `json:"pipeline,omitempty"`
	EndToEnd   *latency.Percentiles `json:"endToEnd,omitempty"`
	ProduceAck *latency.Percentiles `json:"produceAck,omitempty"`
}

// Step is one load step of a contender: a rate held for a while, then verified.
type Step struct {
	OfferedRate  float64 `json:"offeredRate"`
	AchievedRate float64 `json:"achievedRate"`
	Events       int64   `json:"events"`
	// Verified is true when the verifier matched the step's output window against its input
	// window (relays only); Missing and Duplicates are only meaningful then.
	Verified bool `json:"verified"`
	// Missing counts the step's input events never seen in the output, even after the
	// drain: lost (any is unsustainable).
	Missing    int64 `json:"missing"`
	Duplicates int64 `json:"duplicates"`
	// Behind is the contender's lag when the step's sending ended (before the drain): the
	// input events not yet in the output then. Events in flight count, so it is rarely 0;
	// the drain's catch-up time is what judges it.
	Behind int64 `json:"behind"`
	// Altered and Misstamped are the verifier's content checks after the drain (output not
	// its input with the two stamps appended; enqueuedAt not the input's append time). They
	// are reported, not judged: only streamscale's relay promises the byte-for-byte contract
	// (the sample's job re-serialises its JSON; docs/benchmarks.md).
	Altered      int64   `json:"altered"`
	Misstamped   int64   `json:"misstamped"`
	DrainSeconds float64 `json:"drainSeconds"`
	Latency      Latency `json:"latencyMs"`
	SendLagP99Ms float64 `json:"sendLagP99Ms"`
	// CPUSeconds of the contender's own processes (a Flink contender's: the JobManager's and
	// the TaskManagers') and of the broker during the step.
	CPUSeconds       float64 `json:"cpuSeconds"`
	BrokerCPUSeconds float64 `json:"brokerCpuSeconds"`
	RSSBytes         int64   `json:"rssBytes"`
	Sustainable      bool    `json:"sustainable"`
	// Why says what made the step not sustainable.
	Why string `json:"why,omitempty"`
}

// ContenderResult is one contender's figures.
type ContenderResult struct {
	Name string `json:"name"`
	// MaxRate is the highest sustainable offered rate found, events/s.
	MaxRate float64 `json:"maxRate"`
	// CPUSecondsPerMillion of the contender's own processes (for Flink contenders the
	// JobManager's with the TaskManagers') over its fixed-rate steps (the same loads for every
	// contender); the broker's apart.
	CPUSecondsPerMillion       float64 `json:"cpuSecondsPerMillion"`
	BrokerCPUSecondsPerMillion float64 `json:"brokerCpuSecondsPerMillion"`
	// CPUSecondsPerMillionByRate is the same per fixed rate (events/s as a string key): the
	// average above weighs in the fixed overhead of the low rates, this shows the per-event
	// cost where it dominates.
	CPUSecondsPerMillionByRate map[string]float64 `json:"cpuSecondsPerMillionByRate,omitempty"`
	// RSSMB is the largest resident memory of the contender's processes seen after a step.
	RSSMB float64 `json:"rssMB"`
	// LatencyMs by fixed rate (events/s as a string key).
	LatencyMs map[string]Latency `json:"latencyMs"`
	// Missing adds up the verified steps' missing events (0 is the only good value).
	Missing int64  `json:"missing"`
	Steps   []Step `json:"steps"`
	Note    string `json:"note,omitempty"`
	Error   string `json:"error,omitempty"`
}

// Ratios are the comparison's headline figures (0 when a side is missing).
type Ratios struct {
	OursVsBroker      float64 `json:"oursVsBroker"`
	OursVsSampleStyle float64 `json:"oursVsSampleStyle"`
	CPUOursVsGoRelay  float64 `json:"cpuOursVsGoRelay"`
	// ExactlyOnceVsAtLeastOnce, DedupVsAtLeastOnce and NoneVsAtLeastOnce are our relay's max
	// rate with --guarantee exactly-once, --dedup and --guarantee none over the at-least-once
	// relay's, measured in the same run.
	ExactlyOnceVsAtLeastOnce float64 `json:"exactlyOnceVsAtLeastOnce,omitempty"`
	DedupVsAtLeastOnce       float64 `json:"dedupVsAtLeastOnce,omitempty"`
	NoneVsAtLeastOnce        float64 `json:"noneVsAtLeastOnce,omitempty"`
}

// CompareResult is the whole comparison.
type CompareResult struct {
	Started     time.Time         `json:"started"`
	Seconds     float64           `json:"seconds"`
	Quick       bool              `json:"quick"`
	Partitions  int32             `json:"partitions"`
	Parallelism int               `json:"parallelism"`
	StepSeconds float64           `json:"stepSeconds"`
	RecordBytes float64           `json:"recordBytes"`
	Contenders  []ContenderResult `json:"contenders"`
	Ratios      Ratios            `json:"ratios"`
}

// Contender returns the named contender's result, or nil.
func (r *CompareResult) Contender(name string) *ContenderResult {
	for i := range r.Contenders {
		if r.Contenders[i].Name == name {
			return &r.Contenders[i]
		}
	}
	return nil
}

// Compare runs each contender in turn against the same load and verifier. A contender that
// fails is recorded with its error and the others still run; Compare returns an error only
// when it cannot run at all (or ctx ends).
func Compare(ctx context.Context, cfg CompareConfig, progress io.Writer) (CompareResult, error) {
	cfg.defaults()
	if progress == nil {
		progress = io.Discard
	}
	res := CompareResult{Started: time.Now(), Quick: cfg.Quick, Partitions: cfg.Partitions, Parallelism: int(cfg.Partitions), StepSeconds: cfg.Step.Seconds()}
	// The verifier reads read_committed (an exactly-once contender's output is transactional).
	admin, err := cfg.Conn.NewClient(verify.ClientOpts()...)
	if err != nil {
		return res, err
	}
	defer admin.Close()
	h := &harness{cfg: cfg, admin: admin, adm: kadm.NewClient(admin), progress: progress, stamp: time.Now().Unix()}
	for _, name := range cfg.Contenders {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		var c ContenderResult
		switch name {
		case BrokerCeiling:
			c = h.brokerCeiling(ctx)
		case GoRelay, SampleJob, OurRelay, OurRelayExactlyOnce, OurRelayDedup, OurRelayNone, OurComplex:
			c = h.relayContender(ctx, name)
		default:
			return res, fmt.Errorf("unknown contender %q (known: %v)", name, AllContenders)
		}
		if c.Error != "" {
			fmt.Fprintf(progress, "[%s] failed: %s\n", name, c.Error)
		}
		res.Contenders = append(res.Contenders, c)
	}
	res.RecordBytes = h.recordBytes
	res.Ratios = ratiosOf(&res)
	res.Seconds = time.Since(res.Started).Seconds()
	return res, ctx.Err()
}

// ratiosOf computes the headline ratios from the contenders that ran.
func ratiosOf(r *CompareResult) Ratios {
	div := func(a, b float64) float64 {
		if b <= 0 || a <= 0 {
			return 0
		}
		return math.Round(a/b*1000) / 1000
	}
	var out Ratios
	ours := r.Contender(OurRelay)
	if ours == nil {
		return out
	}
	if b := r.Contender(BrokerCeiling); b != nil {
		out.OursVsBroker = div(ours.MaxRate, b.MaxRate)
	}
	if s := r.Contender(SampleJob); s != nil {
		out.OursVsSampleStyle = div(ours.MaxRate, s.MaxRate)
	}
	if g := r.Contender(GoRelay); g != nil {
		out.CPUOursVsGoRelay = div(ours.CPUSecondsPerMillion, g.CPUSecondsPerMillion)
	}
	for name, ratio := range map[string]*float64{
		OurRelayExactlyOnce: &out.ExactlyOnceVsAtLeastOnce, OurRelayDedup: &out.DedupVsAtLeastOnce, OurRelayNone: &out.NoneVsAtLeastOnce,
	} {
		if v := r.Contender(name); v != nil {
			*ratio = div(v.MaxRate, ours.MaxRate)
		}
	}
	return out
}

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

	// Warm-up: the contender must be reading and writing, and its JIT warm, before anything
	// is measured. A JVM's compiler threads still took ~0.1 core 25 s into a run at 10k/s
	// (thread CPU from /proc), so the full run warms up at 5k and then at 10k events/s.
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
			res.Error = fmt.Sprintf("warm-up: %v", err)
			return res
		}
	}
	var fixed []Step
	known := map[float64]bool{} // rate: sustainable, from the fixed steps
	for _, rate := range h.cfg.Rates {
		s, err := h.step(ctx, name, t, run, rate, h.cfg.Step, fmt.Sprintf("fixed-%.0f", rate), 0)
		if err != nil {
			res.Error = err.Error()
			return res
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
		vcfg.Job, vcfg.StateStart, vcfg.DevicePrefix = verify.JobComplex, inStart, g.DeviceIDPrefix
	}
	vres, err := verify.Run(ctx, h.admin, vcfg, nil)
	if err != nil {
		return s, fmt.Errorf("verify %q: %w", t.out, err)
	}
	// How long the output took to catch up: its last record's append time (the broker's
	// clock, this machine's) after the last send was acknowledged, not how long the verifier
	// took to read both windows.
	if catchUp := vres.LastTimestamp.Sub(sent); catchUp > 0 {
		s.DrainSeconds = math.Round(catchUp.Seconds()*100) / 100
	}
	cpu1, bcpu1 := pids.sample(), broker.sample()
	s.CPUSeconds, s.BrokerCPUSeconds, s.RSSBytes = cpu1.CPUSeconds-cpu0.CPUSeconds, bcpu1.CPUSeconds-bcpu0.CPUSeconds, cpu1.RSSBytes

	// The lag at the end of the step: the same input window against the output as it was
	// when sending ended (read_committed: an exactly-once output's uncommitted records were
	// not visible yet, so they count as behind).
	lag := vcfg
	lag.Bounds, lag.Drain = boundsOf(outStart, outSent), false
	lres, err := verify.Run(ctx, h.admin, lag, nil)
	if err != nil {
		return s, fmt.Errorf("verify %q at the end of the step: %w", t.out, err)
	}

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
	cl, err := h.cfg.Conn.NewClient(
		kgo.ProducerLinger(5*time.Millisecond), kgo.MaxBufferedRecords(1<<16),
		kgo.ProducerBatchCompression(kgo.NoCompression()), kgo.RecordDeliveryTimeout(30*time.Second),
		kgo.RequiredAcks(kgo.AllISRAcks()), kgo.WithHooks(&generate.Throttle{}))
	if err != nil {
		return generate.Summary{}, err
	}
	defer cl.Close()
	return generate.Run(ctx, cl, g, nil)
}

func boundsOf(start, end map[int32]int64) map[int32]verify.OffsetRange {
	b := make(map[int32]verify.OffsetRange, len(end))
	for p, e := range end {
		b[p] = verify.OffsetRange{Start: start[p], End: e}
	}
	return b
}
