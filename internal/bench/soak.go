package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
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

// SoakConfig says how to run a soak: the relay under a steady open-loop load for a long
// time, verified minute by minute, on the local stack.
type SoakConfig struct {
	// Conn reaches the local stack's broker; Flink its Flink cluster.
	Conn  kafkaconn.Conn
	Flink *flink.Client
	// Home is the local stack's home: its TaskManagers' pids and its brokers' log
	// directories (<home>/kafka*) are found there.
	Home string
	// Job is the relay's spec (jar, guarantee, checkpoints, brokers as the job sees them);
	// Soak sets its topics, and its parallelism where it has none (Partitions).
	Job relay.Spec
	// Partitions of the soak's fresh topics, and the job's parallelism (default 4, tier 5's).
	Partitions int32
	// Rate is the generator's open-loop rate, events/s (default 5,000, tier 5's); Duration
	// how long it sends (default 1h).
	Rate     float64
	Duration time.Duration
	// Minute is the width of a row (default one minute; shorter only in tests).
	Minute time.Duration
	// HeapPoll is how often the TaskManagers' heap is read (default 2s): a minute's heap
	// after GC is the lowest reading of the minute (see SoakMinute.HeapAfterGCBytes).
	HeapPoll time.Duration
	// DrainIdle is how long a minute's verification waits for the next of its events in the
	// output before it counts the rest missing (default 30s).
	DrainIdle time.Duration
	// Retention is the soak topics' retention.ms, so that the broker's log stays bounded over
	// an hour (default 10m; at 5,000 events/s of ~0.9 KB an hour is ~16 GB per topic).
	Retention time.Duration
	// WarmupMinutes are the first rows left out of the slopes (still verified and reported):
	// the JVMs' warm-up (JIT, first checkpoints) makes the first minute's tail seconds long,
	// which would tilt an hour's slope. Negative: none; 0 is the default, 1.
	WarmupMinutes int
	// Keep leaves the topics and the job when the soak ends (default: deleted, cancelled).
	Keep bool
}

func (c *SoakConfig) defaults() {
	if c.Partitions <= 0 {
		c.Partitions = 4
	}
	if c.Rate <= 0 {
		c.Rate = 5000
	}
	if c.Duration <= 0 {
		c.Duration = time.Hour
	}
	if c.Minute <= 0 {
		c.Minute = time.Minute
	}
	if c.HeapPoll <= 0 {
		c.HeapPoll = 2 * time.Second
	}
	if c.DrainIdle <= 0 {
		c.DrainIdle = 30 * time.Second
	}
	if c.Retention <= 0 {
		c.Retention = 10 * time.Minute
	}
	switch {
	case c.WarmupMinutes == 0:
		c.WarmupMinutes = 1
	case c.WarmupMinutes < 0:
		c.WarmupMinutes = 0
	}
}

// SoakMinute is one row of the soak: a minute of input (by the input offsets at its start and
// end) and what was measured over it.
type SoakMinute struct {
	Index   int       `json:"index"`
	Start   time.Time `json:"start"`
	Seconds float64   `json:"seconds"`
	// Full says the row spans a whole minute (the last one may not); Warmup that it is one of
	// the first SoakConfig.WarmupMinutes. Only full rows after the warm-up enter the slopes.
	Full   bool `json:"full"`
	Warmup bool `json:"warmup,omitempty"`
	// Events are the input events of the minute's offset window; AchievedRate is them per
	// second (what the broker took, not what the generator meant to send).
	Events       int64   `json:"events"`
	AchievedRate float64 `json:"achievedRate"`
	// PipelineMs is the pipeline latency (output append time − enqueuedAt) of the output
	// records the minute's verification read, from the verifier's HdrHistogram.
	PipelineMs latency.Percentiles `json:"pipelineMs"`
	// Reconciled says the minute's input window was matched event by event with the output;
	// Missing counts its events that never came out (within DrainIdle of the last one that
	// did), Duplicates the extra copies the pipeline wrote.
	Reconciled bool  `json:"reconciled"`
	Missing    int64 `json:"missing"`
	Duplicates int64 `json:"duplicates"`
	// TaskManagerRSSBytes is the TaskManagers' resident memory at the minute's end (/proc).
	TaskManagerRSSBytes int64 `json:"taskManagerRssBytes"`
	// HeapAfterGCBytes is the lowest Status.JVM.Memory.Heap.Used of the TaskManagers (summed)
	// over the minute's readings, every HeapPoll: Flink's REST metrics have no after-GC
	// figure, and the low point of the heap's sawtooth is the closest one (an upper bound of
	// the heap live after a collection). HeapSamples is how many readings there were.
	HeapAfterGCBytes int64 `json:"heapAfterGcBytes"`
	HeapSamples      int   `json:"heapSamples"`
	// GCCount and GCTimeMs are the TaskManagers' collections in the minute and the time they
	// took (Status.JVM.GarbageCollector.All.Count/Time: under G1 on JDK 17 the collectors'
	// time is their stop-the-world pauses).
	GCCount  int64 `json:"gcCount"`
	GCTimeMs int64 `json:"gcTimeMs"`
	// BrokerLogBytes is the disk the soak's topics take in the brokers' log directories at
	// the minute's end (blocks allocated, as du counts them).
	BrokerLogBytes int64 `json:"brokerLogBytes"`
}

// SoakResult is the whole soak.
type SoakResult struct {
	Started     time.Time `json:"started"`
	Seconds     float64   `json:"seconds"`
	Interrupted bool      `json:"interrupted"`
	TargetRate  float64   `json:"targetRate"`
	Partitions  int32     `json:"partitions"`
	Guarantee   string    `json:"guarantee"`
	DedupWindow int       `json:"dedupWindow,omitempty"`
	InTopic     string    `json:"inTopic"`
	OutTopic    string    `json:"outTopic"`
	// Generated is the generator's summary.
	Generated generate.Summary `json:"generated"`
	Minutes   []SoakMinute     `json:"minutes"`
	// InputEvents adds up the minutes' events; Missing their missing events, plus any event
	// the generator had acknowledged that is in no minute's input window; Duplicates their
	// duplicates.
	InputEvents int64 `json:"inputEvents"`
	Missing     int64 `json:"missing"`
	Duplicates  int64 `json:"duplicates"`
	// Reconciled says every minute was matched against its input window.
	Reconciled bool `json:"reconciled"`
	// P99SlopeMsPerHour and HeapAfterGCSlopeBytesPerHour are the least-squares slopes of the
	// full minutes' p99 pipeline latency and heap after GC against time, per hour, after the
	// warm-up; flat (near 0) is the goal: a leak or a creeping tail shows as a slope.
	// SlopeMinutes is how many rows they fit (a slope needs two; 0 with fewer).
	P99SlopeMsPerHour            float64 `json:"p99SlopeMsPerHour"`
	HeapAfterGCSlopeBytesPerHour float64 `json:"heapAfterGcSlopeBytesPerHour"`
	SlopeMinutes                 int     `json:"slopeMinutes"`
	// ReportDir is where WriteReport wrote the report, for the text (not in the JSON).
	ReportDir string `json:"-"`
}

// Passed says the soak lost nothing: every minute reconciled, 0 missing.
func (r SoakResult) Passed() bool { return r.Reconciled && r.Missing == 0 }

// Soak runs the relay over fresh topics under cfg.Rate for cfg.Duration while a verifier
// checks each minute's input window against the output, and records a row per minute
// (progress gets a line for each). When ctx ends (Ctrl-C) the load stops, what was sent is
// still verified, and the result says Interrupted. The topics and the job are removed at the
// end unless cfg.Keep.
func Soak(ctx context.Context, cfg SoakConfig, progress io.Writer) (SoakResult, error) {
	cfg.defaults()
	if progress == nil {
		progress = io.Discard
	}
	stamp := time.Now().Unix()
	t := topics{in: fmt.Sprintf("soak-%d-in", stamp), out: fmt.Sprintf("soak-%d-out", stamp)}
	t.dead = t.in + "-dead-letter"
	res := SoakResult{Started: time.Now(), TargetRate: cfg.Rate, Partitions: cfg.Partitions, InTopic: t.in, OutTopic: t.out,
		Guarantee: string(cfg.Job.Guarantee), DedupWindow: cfg.Job.DedupWindow}
	if res.Guarantee == "" {
		res.Guarantee = string(relay.AtLeastOnce)
	}
	admin, err := cfg.Conn.NewClient(verify.ClientOpts()...)
	if err != nil {
		return res, err
	}
	defer admin.Close()
	if err := createSoakTopics(ctx, admin, t, cfg); err != nil {
		return res, err
	}
	if !cfg.Keep {
		defer deleteTopics(ctx, admin, t.in, t.out, t.dead)
	}
	spec := cfg.Job
	spec.InTopic, spec.OutTopic, spec.DeadLetterTopic = t.in, t.out, t.dead
	if spec.Parallelism <= 0 {
		spec.Parallelism = int(cfg.Partitions)
	}
	job, err := relay.Ensure(ctx, cfg.Flink, spec, progress)
	if err != nil {
		return res, fmt.Errorf("relay job: %w", err)
	}
	if !cfg.Keep {
		defer cancelJob(ctx, cfg.Flink, job.JobID)
	}
	s := &soaker{cfg: cfg, t: t, admin: admin, adm: kadm.NewClient(admin), progress: progress,
		probe: newProbe(cfg.Flink, cfg.Home, []string{t.in, t.out}), started: res.Started}
	gen, genErr := s.run(ctx)
	res.Generated, res.Minutes = gen, s.rows
	res.Interrupted = ctx.Err() != nil
	res.Seconds = time.Since(res.Started).Seconds()
	summarise(&res)
	if genErr != nil && !res.Interrupted {
		return res, genErr
	}
	return res, nil
}

// createSoakTopics makes the soak's fresh topics: in and out with the broker's append time
// (as run's), all three with the retention.
func createSoakTopics(ctx context.Context, admin *kgo.Client, t topics, cfg SoakConfig) error {
	retention := strconv.FormatInt(cfg.Retention.Milliseconds(), 10)
	withRetention := func(c map[string]string) map[string]string {
		if c == nil {
			c = map[string]string{}
		}
		c["retention.ms"] = retention
		return c
	}
	specs := []kafkaconn.TopicSpec{
		{Name: t.in, Partitions: cfg.Partitions, Configs: withRetention(kafkaconn.LogAppendTime())},
		{Name: t.out, Partitions: cfg.Partitions, Configs: withRetention(kafkaconn.LogAppendTime())},
		{Name: t.dead, Partitions: 1, Configs: withRetention(nil)},
	}
	if _, err := kafkaconn.EnsureTopics(ctx, admin, specs); err != nil {
		return fmt.Errorf("soak topics: %w", err)
	}
	return nil
}

// summarise adds up the minutes and fits the slopes.
func summarise(r *SoakResult) {
	r.Reconciled = len(r.Minutes) > 0
	var hours, p99, heap []float64
	for _, m := range r.Minutes {
		r.InputEvents += m.Events
		r.Missing += m.Missing
		r.Duplicates += m.Duplicates
		r.Reconciled = r.Reconciled && m.Reconciled
		if m.Full && !m.Warmup {
			mid := m.Start.Add(time.Duration(m.Seconds / 2 * float64(time.Second)))
			hours = append(hours, mid.Sub(r.Started).Hours())
			p99, heap = append(p99, m.PipelineMs.P99), append(heap, float64(m.HeapAfterGCBytes))
		}
	}
	// An event the broker acknowledged to the generator is in some minute's input window: one
	// that is in none is lost before the relay saw it.
	if lost := r.Generated.Events - r.InputEvents; lost > 0 {
		r.Missing += lost
	}
	var ok bool
	r.P99SlopeMsPerHour, ok = Slope(hours, p99)
	r.HeapAfterGCSlopeBytesPerHour, _ = Slope(hours, heap)
	if ok {
		r.SlopeMinutes = len(hours)
	}
}

// soaker is one soak's running state.
type soaker struct {
	cfg      SoakConfig
	t        topics
	admin    *kgo.Client
	adm      *kadm.Client
	progress io.Writer
	probe    *probe
	started  time.Time

	mu   sync.Mutex
	rows []SoakMinute
}

// run sends the load and cuts it into minute windows, each verified in turn while the load
// goes on; it returns once the load ended (its duration, or ctx) and every window is verified.
func (s *soaker) run(ctx context.Context) (generate.Summary, error) {
	// After an interruption what was sent is still cut and verified.
	bg := context.WithoutCancel(ctx)
	cut, err := s.boundary(bg, nil)
	if err != nil {
		return generate.Summary{}, fmt.Errorf("the topics' offsets at the start: %w", err)
	}
	windows := make(chan window, 4)
	verified := make(chan struct{})
	go func() {
		defer close(verified)
		for w := range windows {
			s.verifyWindow(bg, w)
		}
	}()
	pollCtx, stopPoll := context.WithCancel(bg)
	go s.probe.pollHeap(pollCtx, s.cfg.HeapPoll)

	type genOut struct {
		sum generate.Summary
		err error
	}
	genDone := make(chan genOut, 1)
	go func() {
		sum, err := s.generate(ctx)
		genDone <- genOut{sum, err}
	}()
	tick := time.NewTicker(s.cfg.Minute)
	defer tick.Stop()
	var g genOut
	for done := false; !done; {
		select {
		case <-tick.C:
		case g = <-genDone:
			done = true
		}
		next, err := s.boundary(bg, &cut)
		if err != nil {
			fmt.Fprintf(s.progress, "soak: cut minute %d: %v (merged into the next)\n", cut.index+1, err)
			continue
		}
		windows <- cut.until(next, s.cfg.Minute)
		cut = next
	}
	stopPoll()
	close(windows)
	<-verified
	return g.sum, g.err
}

// generate runs the open-loop generator into the soak's input topic.
func (s *soaker) generate(ctx context.Context) (generate.Summary, error) {
	g := generate.DefaultConfig()
	g.Topic, g.Rate, g.Duration, g.DuplicateFraction = s.t.in, s.cfg.Rate, s.cfg.Duration, 0
	g.ProgressInterval = time.Hour
	sum, err := runLoad(ctx, s.cfg.Conn, g)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return sum, nil // the user stopped the soak: what was sent is verified
	}
	if err != nil {
		return sum, fmt.Errorf("generator: %w", err)
	}
	return sum, nil
}

// runLoad runs the open-loop generator with the generator's own producer defaults (as the
// comparison's load steps do).
func runLoad(ctx context.Context, conn kafkaconn.Conn, g generate.Config) (generate.Summary, error) {
	cl, err := conn.NewClient(
		kgo.ProducerLinger(5*time.Millisecond), kgo.MaxBufferedRecords(1<<16),
		kgo.ProducerBatchCompression(kgo.NoCompression()), kgo.RecordDeliveryTimeout(30*time.Second),
		kgo.RequiredAcks(kgo.AllISRAcks()), kgo.WithHooks(&generate.Throttle{}))
	if err != nil {
		return generate.Summary{}, err
	}
	defer cl.Close()
	return generate.Run(ctx, cl, g, nil)
}
