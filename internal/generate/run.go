package generate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/event"
	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// tick is how often the scheduler wakes to send what has come due.
const tick = time.Millisecond

// Run sends events with client (which carries the producer settings) until Count events or
// Duration have passed, or ctx ends. On ctx's end it stops scheduling, waits for what is in
// flight (up to 30 s) and returns the summary with ctx's error. When every record failed it
// returns an error that names the cause.
func Run(ctx context.Context, client *kgo.Client, cfg Config, progress io.Writer) (Summary, error) {
	if err := cfg.Validate(); err != nil {
		return Summary{}, err
	}
	seed := uint64(cfg.Seed)
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	g := &generator{
		cfg: cfg, client: client, enc: event.NewEncoder(seed+uint64(cfg.Instance), cfg.DeviceIDPrefix),
		dupRNG: rand.New(rand.NewPCG(seed, 0xd1b54a32d192ed03)), stats: newStats(),
		devices: cfg.ownedDevices(),
		pool:    sync.Pool{New: func() any { b := make([]byte, 0, 1200); return &b }},
	}
	g.seqs = make([]int64, len(g.devices))
	if err := prepare(ctx, client, cfg.Topic); err != nil {
		return Summary{}, err
	}
	return g.run(ctx, progress)
}

// prepare loads the topic's metadata (and so the broker connections) before the clock starts,
// so that the schedule does not begin with a stall, and fails fast, in plain words, when the
// topic does not exist or no broker answers.
func prepare(ctx context.Context, client *kgo.Client, topic string) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	topics, err := kadm.NewClient(client).ListTopics(ctx, topic)
	if err != nil {
		return fmt.Errorf("kafka at %s: %s", strings.Join(seedBrokers(client), ","), kafkaconn.Explain(err))
	}
	if td, ok := topics[topic]; !ok || td.Err != nil {
		return fmt.Errorf("topic %q does not exist: create it with `streamscale topics create` (or `streamscale run`)", topic)
	}
	// An idempotent producer needs a producer id before its first batch; a fresh broker can
	// take a few hundred milliseconds to hand one out. Fetch it now, off the clock.
	if _, _, err := client.ProducerID(ctx); err != nil {
		return fmt.Errorf("initialize the producer: %s", plainError(err, topic))
	}
	return nil
}

func seedBrokers(client *kgo.Client) []string {
	if v, ok := client.OptValue(kgo.SeedBrokers).([]string); ok {
		return v
	}
	return nil
}

type generator struct {
	cfg      Config
	client   *kgo.Client
	enc      *event.Encoder
	dupRNG   *rand.Rand
	stats    *stats
	devices  []int
	seqs     []int64
	pool     sync.Pool
	lastSend time.Time
}

func (g *generator) run(ctx context.Context, progress io.Writer) (Summary, error) {
	sched := Schedule{Rate: g.cfg.Rate, Ramp: g.cfg.Ramp}
	start := time.Now()
	var end time.Time
	if g.cfg.Count == 0 {
		end = start.Add(g.cfg.Duration)
	}
	prog := newProgress(progress, g.cfg.ProgressInterval, start)
	var k int64
	timer := time.NewTimer(0)
	defer timer.Stop()
	var runErr error
loop:
	for {
		now := time.Now()
		due := sched.Due(now.Sub(start))
		if g.cfg.Unlimited {
			due = k + 1024
		}
		// Send every event whose intended time has come (open loop).
		for ; k < due; k++ {
			if g.cfg.Count > 0 && k >= g.cfg.Count {
				break loop
			}
			intended := start.Add(sched.Offset(k))
			if g.cfg.Unlimited {
				intended = time.Now()
			}
			if !end.IsZero() && !intended.Before(end) {
				break loop
			}
			g.send(ctx, k, intended)
		}
		prog.maybePrint(now, g.stats)
		if g.cfg.Unlimited {
			if ctx.Err() != nil {
				runErr = ctx.Err()
				break loop
			}
			if !end.IsZero() && !now.Before(end) {
				break loop
			}
			continue
		}
		timer.Reset(tick)
		select {
		case <-ctx.Done():
			runErr = ctx.Err()
			break loop
		case <-timer.C:
		}
	}
	elapsed := time.Since(start)
	if g.cfg.Count > 0 && k > 0 && !g.cfg.Unlimited {
		// A counted run ends with its last event; the tick after it is not part of the run.
		elapsed = sched.Offset(k-1) + sched.Offset(1) + max(g.lastSend.Sub(start.Add(sched.Offset(k-1))), 0)
	}
	flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := g.client.Flush(flushCtx); err != nil && runErr == nil {
		runErr = fmt.Errorf("flush: records still unacknowledged after 30 s: %w", err)
	}
	sum := g.stats.summary(elapsed, g.cfg.Rate)
	if g.cfg.Unlimited {
		sum.TargetRate = 0
	}
	prog.final(sum)
	if runErr == nil && sum.Records > 0 && sum.Acked == 0 {
		runErr = fmt.Errorf("no record was acknowledged: %s", plainError(g.stats.firstError, g.cfg.Topic))
	}
	if runErr == nil {
		runErr = shortfall(sum, g.cfg)
	}
	return sum, runErr
}

// shortfallSlack is how far behind its schedule a run may end without that counting as a
// shortfall: one garbage collection or scheduler pause of a busy machine, not a rate the
// producer could not hold. It matters only for runs of a few seconds; from 10 s on, the 1%
// rule is the stricter one.
const shortfallSlack = 100 * time.Millisecond

// shortfall is the error of a run that sent more than 1% fewer events per second than its
// target over its steady part (after the ramp) and ended more than shortfallSlack behind its
// schedule. Runs with less than a second of steady sending are not judged.
func shortfall(sum Summary, cfg Config) error {
	if cfg.Unlimited || sum.Elapsed <= 0 || cfg.Rate <= 0 {
		return nil
	}
	ramp := cfg.Ramp.Seconds()
	steady := sum.Elapsed - ramp
	if steady < 1 {
		return nil // below a second, timer noise outweighs the rate
	}
	rampEvents := cfg.Rate * ramp / 2
	steadyEvents := float64(sum.Events) - rampEvents
	rate := steadyEvents / steady
	behind := (cfg.Rate*steady - steadyEvents) / cfg.Rate // seconds behind the schedule
	if rate >= cfg.Rate*0.99 || behind <= shortfallSlack.Seconds() {
		return nil
	}
	return &ShortfallError{Target: cfg.Rate, Achieved: rate}
}

// ShortfallError says the generator could not hold its target rate.
type ShortfallError struct{ Target, Achieved float64 }

// Error implements error.
func (e *ShortfallError) Error() string {
	return fmt.Sprintf("achieved %.0f events/s, %.1f%% short of the %.0f/s target: the producer or the broker could not keep up (see send lag); lower --rate or add partitions",
		e.Achieved, 100*(1-e.Achieved/e.Target), e.Target)
}

// send encodes and produces event k (and, by chance, its byte-identical duplicate).
func (g *generator) send(ctx context.Context, k int64, intended time.Time) {
	i := int(k % int64(len(g.devices)))
	device := g.devices[i]
	seq := g.seqs[i]
	g.seqs[i]++
	now := time.Now()
	g.lastSend = now
	bp := g.pool.Get().(*[]byte)
	*bp = g.enc.Append((*bp)[:0], device, seq, now.UnixMicro())
	key := g.enc.AppendKey(make([]byte, 0, len(g.cfg.DeviceIDPrefix)+8), device)
	dup := g.cfg.DuplicateFraction > 0 && g.dupRNG.Float64() < g.cfg.DuplicateFraction
	g.stats.sent(now.Sub(intended), len(*bp), false)
	g.produce(ctx, key, *bp, bp, now)
	if dup {
		value := append([]byte(nil), (*bp)...)
		g.stats.sent(0, len(value), true)
		g.produce(ctx, key, value, nil, time.Now())
	}
}

// produce sends one record; the value buffer goes back to the pool when its promise fires.
func (g *generator) produce(ctx context.Context, key, value []byte, pooled *[]byte, sentAt time.Time) {
	rec := &kgo.Record{Topic: g.cfg.Topic, Key: key, Value: value}
	// The record outlives ctx: on Ctrl-C the scheduler stops but what was handed to the client
	// is still delivered (Run flushes it), rather than failed with "context canceled".
	g.client.Produce(context.WithoutCancel(ctx), rec, func(_ *kgo.Record, err error) {
		g.stats.ack(time.Since(sentAt), err)
		if pooled != nil {
			g.pool.Put(pooled)
		}
	})
}

// plainError names the common broker errors in plain words.
func plainError(err error, topic string) string {
	switch {
	case err == nil:
		return "unknown error"
	case errors.Is(err, kerr.UnknownTopicOrPartition):
		return fmt.Sprintf("topic %q does not exist: create it with `streamscale topics create`", topic)
	case errors.Is(err, kgo.ErrRecordTimeout):
		return "timed out: the broker did not acknowledge in time (is it reachable?)"
	}
	return kafkaconn.Explain(err)
}
