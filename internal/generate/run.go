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
	prog := newProgress(progress, g.cfg.ProgressInterval, start, target, throttle)
	g.prog = prog
	g.recCtx = context.WithoutCancel(ctx)
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
			if !g.send(ctx, k, intended, end) {
				// ctx ended, or the run's time ran out, while the client's buffer was full.
				runErr = ctx.Err()
				break loop
			}
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
	prog.final(sum)
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
	return &ShortfallError{Target: cfg.Rate, Achieved: rate, Throttled: sum.ThrottledRequests}
}

// ShortfallError says the generator could not hold its target rate.
type ShortfallError struct {
	Target, Achieved float64
	// Throttled counts the broker's throttling responses during the run.
	Throttled int64
}

// Error implements error.
func (e *ShortfallError) Error() string {
	short := fmt.Sprintf("achieved %.0f events/s, %.1f%% short of the %.0f/s target", e.Achieved, 100*(1-e.Achieved/e.Target), e.Target)
	if e.Throttled > 0 {
		return fmt.Sprintf("%s: %s (%d responses throttled)", short, throttleAdvice, e.Throttled)
	}
	return short + ": the producer or the broker could not keep up (see send lag); lower --rate or add partitions"
}

// DeliveryError says records failed delivery: the broker refused them or they timed out.
type DeliveryError struct {
	// Failed of Records handed to the client failed.
	Failed, Records int64
	// Cause is the first failure in plain words.
	Cause string
	// Err is the first failure as the client reported it.
	Err error
}

// Error implements error, in one line.
func (e *DeliveryError) Error() string {
	if e.Failed == e.Records {
		return fmt.Sprintf("all %d records failed delivery: %s", e.Records, e.Cause)
	}
	return fmt.Sprintf("%d of %d records failed delivery, the first because: %s", e.Failed, e.Records, e.Cause)
}

// Unwrap returns the first failure.
func (e *DeliveryError) Unwrap() error { return e.Err }

// deviceIndex is the position in devices of event k's device: round robin over all devices,
// and from quietFrom on over the devices that are not quiet.
func (g *generator) deviceIndex(k int64) int {
	if g.quietFrom == 0 || k < g.quietFrom {
		return int(k % int64(len(g.devices)))
	}
	return g.quiet + int((k-g.quietFrom)%int64(len(g.devices)-g.quiet))
}

// send encodes and produces event k (and, by chance, its byte-identical duplicate). It returns
// false, having sent nothing more, when ctx ends or deadline (when not zero) passes while it
// waits for room in the client's buffer.
func (g *generator) send(ctx context.Context, k int64, intended, deadline time.Time) bool {
	i := g.deviceIndex(k)
	device := g.devices[i]
	o := g.recs.Get().(*outRec)
	o.key = g.enc.AppendKey(o.key[:0], device)
	if !g.waitForSpace(ctx, len(o.key)+cap(o.value), deadline) {
		g.recs.Put(o)
		return false
	}
	seq := g.seqs[i]
	g.seqs[i]++
	now := time.Now()
	g.lastSend = now
	o.value = g.enc.Append(o.value[:0], device, seq, now.UnixMicro())
	var dup *outRec
	if g.cfg.DuplicateFraction > 0 && g.dupRNG.Float64() < g.cfg.DuplicateFraction {
		// Copied before the original is produced: once it is, its promise may recycle it.
		dup = g.recs.Get().(*outRec)
		dup.key, dup.value = append(dup.key[:0], o.key...), append(dup.value[:0], o.value...)
	}
	g.stats.sent(now.Sub(intended), len(o.value), false)
	g.produce(o, now)
	if dup != nil {
		if !g.waitForSpace(ctx, len(dup.key)+len(dup.value), deadline) {
			g.recs.Put(dup)
			return true
		}
		g.stats.sent(0, len(dup.value), true)
		g.produce(dup, time.Now())
	}
	return true
}

// outRec is one record on its way to the broker: the kgo.Record, its key and value buffers,
// and when it was handed to the client. outRecs are pooled: the promise puts one back, as
// franz-go no longer touches a record once its promise has been called. So the send path
// allocates nothing per event; the promise is bound once per outRec.
type outRec struct {
	rec        kgo.Record
	key, value []byte
	sentAt     time.Time
	g          *generator
	promise    func(*kgo.Record, error)
}

func (g *generator) newOutRec() any {
	o := &outRec{g: g, key: make([]byte, 0, len(g.cfg.DeviceIDPrefix)+8), value: make([]byte, 0, 1200)}
	o.promise = o.done
	return o
}

// done is o's promise: it counts the outcome and recycles o.
func (o *outRec) done(_ *kgo.Record, err error) {
	g := o.g
	g.stats.ack(time.Since(o.sentAt), err)
	o.rec = kgo.Record{}
	g.recs.Put(o)
	g.inFlight.Add(-1)
	if g.waiting.Load() {
		select {
		case g.space <- struct{}{}:
		default:
		}
	}
}

// spaceCheck is how often waitForSpace looks again without a promise's signal.
const spaceCheck = 5 * time.Millisecond

// waitForSpace returns true once the client's buffer can take a record of about size bytes
// without Produce blocking, false when ctx ends or deadline (when not zero) passes first.
// Meanwhile it keeps the progress lines coming, so a stalled broker shows.
func (g *generator) waitForSpace(ctx context.Context, size int, deadline time.Time) bool {
	if g.hasSpace(size) {
		return true
	}
	g.waiting.Store(true)
	defer g.waiting.Store(false)
	timer := time.NewTimer(spaceCheck)
	defer timer.Stop()
	for !g.hasSpace(size) {
		now := time.Now()
		if ctx.Err() != nil || (!deadline.IsZero() && !now.Before(deadline)) {
			return false
		}
		g.prog.maybePrint(now, g.stats)
		timer.Reset(spaceCheck)
		select {
		case <-ctx.Done():
			return false
		case <-g.space:
		case <-timer.C:
		}
	}
	return true
}

// hasSpace says whether Produce would take a record of size bytes without blocking. Only this
// generator produces with the client, so the buffer can only drain between this check and the
// Produce after it. (A promise fires just before the client frees its record's room, so a
// Produce may still wait a moment, never long.)
func (g *generator) hasSpace(size int) bool {
	if g.maxBuffered > 0 && g.inFlight.Load() >= g.maxBuffered {
		return false
	}
	if g.maxBufferedBytes > 0 && g.client.BufferedProduceBytes()+int64(size) > g.maxBufferedBytes {
		return false
	}
	return true
}

// produce hands o to the client; o goes back to the pool when its promise fires.
func (g *generator) produce(o *outRec, sentAt time.Time) {
	o.sentAt = sentAt
	o.rec = kgo.Record{Topic: g.cfg.Topic, Key: o.key, Value: o.value}
	g.inFlight.Add(1)
	g.client.Produce(g.recCtx, &o.rec, o.promise)
}

// plainError names the common errors of producing in plain words.
func plainError(err error, topic string) string {
	switch {
	case err == nil:
		return "unknown error"
	case errors.Is(err, kerr.UnknownTopicOrPartition):
		return fmt.Sprintf("topic %q does not exist: create it with `streamscale topics create`", topic)
	case errors.Is(err, kgo.ErrRecordTimeout):
		return "timed out: the broker did not acknowledge in time (is it reachable?)"
	}
	return kafkaconn.ExplainProduce(err)
}
