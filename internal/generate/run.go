package generate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
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
// Duration have passed, or ctx ends. On ctx's end it stops sending at once (also when the
// client's buffer is full and the broker does not answer), waits for what is in flight (up to
// FlushTimeout) and returns the summary with ctx's error; records still unacknowledged then are
// counted in Summary.Abandoned. When any record failed delivery it returns a *DeliveryError
// that names how many and the first cause in plain words.
func Run(ctx context.Context, client *kgo.Client, cfg Config, progress io.Writer) (Summary, error) {
	if err := cfg.Validate(); err != nil {
		return Summary{}, err
	}
	g := newGenerator(client, cfg)
	if err := prepare(ctx, client, cfg.Topic); err != nil {
		return Summary{}, err
	}
	return g.run(ctx, progress)
}

// instanceSeed derives an instance's content seed from the run's seed, so that instances of
// one run differ and no (seed, instance) pair repeats another's (seed+instance made instance 1
// of seed 1 send exactly what instance 0 of seed 2 sends, eventIds included). It is
// SplitMix64's finalizer over the pair.
func instanceSeed(seed uint64, instance int) uint64 {
	z := seed + 0x9e3779b97f4a7c15*uint64(instance+1)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// newGenerator sets up the sending of cfg (valid) with client.
func newGenerator(client *kgo.Client, cfg Config) *generator {
	seed := uint64(cfg.Seed)
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	// A fresh run identity per run and instance, whatever the seed: the verifier tells runs
	// apart by it, as each run restarts every device's sequence at 0.
	run := event.NewRunID()
	g := &generator{
		cfg: cfg, client: client, runID: run, enc: event.NewEncoder(instanceSeed(seed, cfg.Instance), cfg.DeviceIDPrefix, run),
		dupRNG: rand.New(rand.NewPCG(seed, 0xd1b54a32d192ed03^uint64(cfg.Instance))), stats: newStats(),
		devices: cfg.ownedDevices(),
		space:   make(chan struct{}, 1),
	}
	g.enc.SetMixedTypes(cfg.MixedTypes)
	g.recs.New = g.newOutRec
	g.maxBuffered, _ = client.OptValue(kgo.MaxBufferedRecords).(int64)
	g.maxBufferedBytes, _ = client.OptValue(kgo.MaxBufferedBytes).(int64)
	g.seqs = make([]int64, len(g.devices))
	g.quiet, g.quietFrom = cfg.quietPlan(len(g.devices))
	return g
}

// prepare loads the topic's metadata (and so the broker connections) before the clock starts,
// so that the schedule does not begin with a stall, and fails fast, in plain words, when the
// topic does not exist, may not be used (or has another error), or no broker answers.
func prepare(ctx context.Context, client *kgo.Client, topic string) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	topics, err := kadm.NewClient(client).ListTopics(ctx, topic)
	switch {
	case errors.Is(err, kerr.TopicAuthorizationFailed):
		return fmt.Errorf("topic %q: %s", topic, kafkaconn.Explain(err))
	case err != nil:
		return fmt.Errorf("kafka at %s: %s", strings.Join(seedBrokers(client), ","), kafkaconn.Explain(err))
	}
	td, ok := topics[topic]
	switch {
	case !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition):
		return fmt.Errorf("topic %q does not exist: create it with `streamscale topics create` (or `streamscale run`)", topic)
	case td.Err != nil:
		return fmt.Errorf("topic %q: %s", topic, kafkaconn.Explain(td.Err))
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
	cfg     Config
	client  *kgo.Client
	enc     *event.Encoder
	runID   event.RunID
	dupRNG  *rand.Rand
	stats   *stats
	devices []int
	seqs    []int64
	// quiet devices (the first of devices) send no event from event index quietFrom on
	// (Config.QuietDevices; quietFrom 0: none).
	quiet     int
	quietFrom int64
	recs      sync.Pool // of *outRec
	lastSend  time.Time
	prog      *progress
	// recCtx is the context records are produced with: ctx without its cancellation, so that
	// on Ctrl-C what was handed to the client is still delivered (Run flushes it) rather than
	// failed with "context canceled".
	recCtx context.Context

	// The client's buffer limits. A Produce into a full buffer blocks until the broker
	// answers, and does not see ctx (records carry recCtx), so send waits for space itself.
	maxBuffered, maxBufferedBytes int64
	// inFlight counts records handed to the client whose promise has not fired.
	inFlight atomic.Int64
	// waiting is set while send waits for space; promises then signal space.
	waiting atomic.Bool
	space   chan struct{}
}

// run sends the configured events through the generator's client, printing progress, and
// returns the run's summary and error.
func (g *generator) run(ctx context.Context, progress io.Writer) (Summary, error) {
	sched := Schedule{Rate: g.cfg.Rate, Ramp: g.cfg.Ramp}
	start := time.Now()
	var end time.Time
	if g.cfg.Count == 0 {
		end = start.Add(g.cfg.Duration)
	}
	throttle := newThrottleSince(throttleOf(g.client))
	var target *Schedule
	if !g.cfg.Unlimited {
		target = &sched
	}
	g.prog = newProgress(progress, g.cfg.ProgressInterval, start, target, throttle)
	g.recCtx = context.WithoutCancel(ctx)
	k, runErr := g.sendLoop(ctx, sched, start, end)
	return g.finish(ctx, sched, start, k, runErr, throttle)
}

// sendLoop sends the events of sched (open loop: each when its intended time has come, or as
// fast as the client takes them when Unlimited) until the count or the end time is reached or
// ctx ends. It returns how many events were sent and ctx's error if that ended the run.
func (g *generator) sendLoop(ctx context.Context, sched Schedule, start, end time.Time) (int64, error) {
	var k int64
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		now := time.Now()
		due := sched.Due(now.Sub(start))
		if g.cfg.Unlimited {
			due = k + 1024
		}
		// Send every event whose intended time has come (open loop).
		for ; k < due; k++ {
			if g.cfg.Count > 0 && k >= g.cfg.Count {
				return k, nil
			}
			intended := start.Add(sched.Offset(k))
			if g.cfg.Unlimited {
				intended = time.Now()
			}
			if !end.IsZero() && !intended.Before(end) {
				return k, nil
			}
			if !g.send(ctx, k, intended, end) {
				// ctx ended, or the run's time ran out, while the client's buffer was full.
				return k, ctx.Err()
			}
		}
		g.prog.maybePrint(now, g.stats)
		if g.cfg.Unlimited {
			if ctx.Err() != nil {
				return k, ctx.Err()
			}
			if !end.IsZero() && !now.Before(end) {
				return k, nil
			}
			continue
		}
		timer.Reset(tick)
		select {
		case <-ctx.Done():
			return k, ctx.Err()
		case <-timer.C:
		}
	}
}

// finish flushes what is in flight after k events were sent, prints the final progress line
// and returns the run's summary with the run's error: runErr, else failed deliveries, an
// abandoned flush or a shortfall against the asked rate.
func (g *generator) finish(ctx context.Context, sched Schedule, start time.Time, k int64, runErr error, throttle throttleSince) (Summary, error) {
	elapsed := time.Since(start)
	if g.cfg.Count > 0 && k > 0 && !g.cfg.Unlimited {
		// A counted run ends with its last event; the tick after it is not part of the run.
		elapsed = countedElapsed(sched, k, g.lastSend.Sub(start.Add(sched.Offset(k-1))))
	}
	flushErr := g.flush(ctx, runErr != nil)
	sum := g.stats.summary(elapsed, g.cfg.Rate)
	sum.Abandoned = sum.Records - sum.Acked - sum.Errors
	sum.RunID = g.runID.String()
	firstErr := g.stats.firstErr()
	if firstErr != nil {
		sum.FirstError = plainError(firstErr, g.cfg.Topic)
	}
	throttled, throttleTime := throttle.counts()
	sum.ThrottledRequests, sum.ThrottleMs = throttled, float64(throttleTime)/float64(time.Millisecond)
	if g.cfg.Unlimited {
		sum.TargetRate = 0
	}
	g.prog.final(sum)
	if runErr == nil && sum.Errors > 0 {
		runErr = &DeliveryError{Failed: sum.Errors, Records: sum.Records, Cause: sum.FirstError, Err: firstErr}
	}
	if runErr == nil && flushErr != nil {
		runErr = fmt.Errorf("%d records still unacknowledged after %s were abandoned (they may or may not be in the topic): %w",
			sum.Abandoned, g.cfg.FlushTimeout, flushErr)
	}
	if runErr == nil {
		runErr = shortfall(sum, g.cfg)
	}
	return sum, runErr
}

// countedElapsed is how long a counted run of k events took: until the last event's intended
// time, plus the one steady gap (1/rate) that event stands for, plus however late it was sent.
// (The gap is the steady one also with a ramp: the first gap of a ramp is far longer.)
func countedElapsed(sched Schedule, k int64, lastLate time.Duration) time.Duration {
	return sched.Offset(k-1) + time.Duration(float64(time.Second)/sched.Rate) + max(lastLate, 0)
}

// flush waits up to FlushTimeout for the records in flight. It says so on the progress writer
// at once when the run was interrupted (so the user knows why it does not end yet), otherwise
// once the wait passes a second.
func (g *generator) flush(ctx context.Context, interrupted bool) error {
	flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), g.cfg.FlushTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- g.client.Flush(flushCtx) }()
	noteAfter := time.Second
	if interrupted && g.inFlight.Load() > 0 {
		noteAfter = 0
	}
	note := time.NewTimer(noteAfter)
	defer note.Stop()
	var err error
	select {
	case err = <-done:
	case <-note.C:
		if n := g.inFlight.Load(); n > 0 {
			// The wait is already bounded, so a first Ctrl-C does not cut it short; the
			// command quits on a second one.
			quit := "Ctrl-C twice"
			if interrupted {
				quit = "Ctrl-C again"
			}
			g.prog.note(fmt.Sprintf("stopping: waiting up to %s for %d records in flight (%s to quit without them)", g.cfg.FlushTimeout, n, quit))
		}
		err = <-done
	}
	if err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	return nil
}

// shortfallSlack is how far behind its schedule a run may end without that counting as a
// shortfall: one garbage collection or scheduler pause of a busy machine, not a rate the
// producer could not hold. It matters only for runs of a few seconds; from 10 s on, the 1%
// rule is the stricter one.
const shortfallSlack = 100 * time.Millisecond

// spaceCheck is how often waitForSpace looks again without a promise's signal.
const spaceCheck = 5 * time.Millisecond
