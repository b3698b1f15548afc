package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/streamscale/streamscale/internal/flink"
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
