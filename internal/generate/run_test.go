package generate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// newKfake starts franz-go's in-process fake cluster (a unit-test fake, not a real broker)
// with topic "in" of the given partitions, and returns a client for it.
func newKfake(t *testing.T, partitions int32) *kgo.Client {
	t.Helper()
	_, cl := newKfakeCluster(t, partitions)
	return cl
}

// newKfakeCluster is newKfake returning the fake cluster too (to inject faults), with extra
// client options after a 1 ms linger.
func newKfakeCluster(t *testing.T, partitions int32, opts ...kgo.Opt) (*kfake.Cluster, *kgo.Client) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, "in"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...), kgo.ProducerLinger(time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return c, cl
}

type rec struct {
	key   string
	value []byte
	part  int32
}

func consumeAll(t *testing.T, cl *kgo.Client, want int) []rec {
	t.Helper()
	consumer, err := kgo.NewClient(kgo.SeedBrokers(cl.OptValue(kgo.SeedBrokers).([]string)...), kgo.ConsumeTopics("in"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer consumer.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []rec
	for len(out) < want {
		fs := consumer.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consumed %d of %d records before the timeout", len(out), want)
		}
		fs.EachRecord(func(r *kgo.Record) { out = append(out, rec{string(r.Key), r.Value, r.Partition}) })
	}
	return out
}

func TestRun_Kfake_ExactCountAndSequences(t *testing.T) {
	cl := newKfake(t, 2)
	cfg := DefaultConfig()
	cfg.Count, cfg.Rate, cfg.Devices, cfg.DuplicateFraction, cfg.Seed = 5000, 50000, 50, 0.01, 9
	sum, err := Run(context.Background(), cl, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Events != 5000 || sum.Acked != sum.Records || sum.Records != sum.Events+sum.DuplicatesSent || sum.Errors != 0 {
		t.Fatalf("summary = %+v", sum)
	}
	if sum.DuplicatesSent == 0 {
		t.Fatal("a 1% duplicate fraction over 5000 events sent no duplicate")
	}
	recs := consumeAll(t, cl, int(sum.Records))
	next := map[string]int64{}
	partOf := map[string]int32{}
	var prev []byte
	dups := 0
	for _, r := range recs {
		var e struct {
			DeviceID string `json:"deviceId"`
			Seq      int64  `json:"deviceSequenceNumber"`
		}
		if err := json.Unmarshal(r.value, &e); err != nil {
			t.Fatal(err)
		}
		if e.DeviceID != r.key {
			t.Fatalf("key %q != deviceId %q", r.key, e.DeviceID)
		}
		if p, ok := partOf[r.key]; ok && p != r.part {
			t.Fatalf("device %s in two partitions", r.key)
		}
		partOf[r.key] = r.part
		switch {
		case e.Seq == next[r.key]:
			next[r.key]++
		case e.Seq == next[r.key]-1 && bytes.Equal(r.value, prev):
			dups++ // a byte-identical duplicate directly after its original
		default:
			t.Fatalf("device %s: sequence %d, want %d", r.key, e.Seq, next[r.key])
		}
		prev = r.value
	}
	var total int64
	for _, n := range next {
		total += n
	}
	if total != 5000 || len(next) != 50 || int64(dups) != sum.DuplicatesSent {
		t.Fatalf("got %d events over %d devices and %d duplicates, want 5000 over 50 and %d", total, len(next), dups, sum.DuplicatesSent)
	}
}

// TestRun_Kfake_QuietDevicesStopAfterAQuarter: 2 of 20 devices send during the first quarter
// of 4,000 events only (their round-robin share: 50 each), the 18 others carry the rest, every
// device's sequence still gap-free, and nothing else changes.
func TestRun_Kfake_QuietDevicesStopAfterAQuarter(t *testing.T) {
	cl := newKfake(t, 1)
	cfg := DefaultConfig()
	cfg.Count, cfg.Rate, cfg.Devices, cfg.DuplicateFraction, cfg.QuietDevices = 4000, 100000, 20, 0, 0.1
	if _, err := Run(context.Background(), cl, cfg, nil); err != nil {
		t.Fatal(err)
	}
	recs := consumeAll(t, cl, 4000)
	seqs, lastAt := map[string][]int64{}, map[string]int{}
	for i, r := range recs {
		var e struct {
			Seq int64 `json:"deviceSequenceNumber"`
		}
		if err := json.Unmarshal(r.value, &e); err != nil {
			t.Fatal(err)
		}
		seqs[r.key] = append(seqs[r.key], e.Seq)
		lastAt[r.key] = i
	}
	prefix := cfg.DeviceIDPrefix
	for dev, s := range seqs {
		for i, v := range s {
			if v != int64(i) {
				t.Fatalf("device %s: sequences are not one gap-free run: %v", dev, s)
			}
		}
		quiet := dev == prefix+"0" || dev == prefix+"1"
		switch {
		case quiet && (len(s) != 50 || lastAt[dev] >= 1000):
			t.Errorf("quiet device %s: %d events, the last at %d; want 50, all in the first 1000", dev, len(s), lastAt[dev])
		case !quiet && len(s) != 50+3000/18 && len(s) != 50+3000/18+1:
			t.Errorf("device %s: %d events, want %d or one more", dev, len(s), 50+3000/18)
		}
	}
	if len(seqs) != 20 {
		t.Fatalf("%d devices, want 20", len(seqs))
	}
}

func TestRun_Kfake_InstancesShareTheDeviceSpace(t *testing.T) {
	cl := newKfake(t, 1)
	for i := range 3 {
		cfg := DefaultConfig()
		cfg.Count, cfg.Rate, cfg.Devices, cfg.DuplicateFraction = 300, 100000, 30, 0
		cfg.Instance, cfg.Instances = i, 3
		if _, err := Run(context.Background(), cl, cfg, nil); err != nil {
			t.Fatal(err)
		}
	}
	recs := consumeAll(t, cl, 900)
	seqs := map[string][]int64{}
	for _, r := range recs {
		var e struct {
			Seq int64 `json:"deviceSequenceNumber"`
		}
		if err := json.Unmarshal(r.value, &e); err != nil {
			t.Fatal(err)
		}
		seqs[r.key] = append(seqs[r.key], e.Seq)
	}
	if len(seqs) != 30 {
		t.Fatalf("%d devices, want 30", len(seqs))
	}
	for dev, s := range seqs {
		for i, v := range s {
			if v != int64(i) {
				t.Fatalf("device %s: sequences %v are not one gap-free run (instances overlap?)", dev, s)
			}
		}
	}
}

func TestRun_Kfake_CancelReturnsSummary(t *testing.T) {
	cl := newKfake(t, 1)
	cfg := DefaultConfig()
	cfg.Rate, cfg.Duration = 1000, time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	sum, err := Run(ctx, cl, cfg, nil)
	if err == nil || time.Since(start) > 10*time.Second {
		t.Fatalf("Run after cancel = %v after %s, want ctx error promptly", err, time.Since(start))
	}
	if sum.Events == 0 || sum.Acked != sum.Records {
		t.Fatalf("summary after cancel = %+v, want sent records all acknowledged", sum)
	}
}

// TestRunKfake_CountWithRampIsNotShort: a counted run with a ramp holds its rate and must not
// be reported short (its length was once measured with the ramp's first, long gap).
func TestRunKfake_CountWithRampIsNotShort(t *testing.T) {
	cl := newKfake(t, 1)
	cfg := DefaultConfig()
	cfg.Count, cfg.Rate, cfg.Ramp, cfg.DuplicateFraction = 500, 200, 2*time.Second, 0
	sum, err := Run(context.Background(), cl, cfg, nil)
	if err != nil {
		t.Fatalf("Run = %v (summary %+v)", err, sum)
	}
	if sum.Events != 500 || sum.Elapsed < 3.5 || sum.Elapsed > 3.6 {
		t.Fatalf("summary = %+v, want 500 events in about 3.5 s", sum)
	}
}

// TestRunKfake_FailedRecordsFailTheRun: some records refused by the broker (kfake fails one
// produce request) fail the run, in one line that names how many and the cause in plain words,
// while the others are delivered and counted as acknowledged.
func TestRunKfake_FailedRecordsFailTheRun(t *testing.T) {
	c, cl := newKfakeCluster(t, 1, kgo.DisableIdempotentWrite())
	c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "in", Err: kerr.TopicAuthorizationFailed})
	cfg := DefaultConfig()
	cfg.Count, cfg.Rate, cfg.DuplicateFraction = 2000, 20000, 0
	sum, err := Run(context.Background(), cl, cfg, nil)
	var de *DeliveryError
	if !errors.As(err, &de) || !errors.Is(err, kerr.TopicAuthorizationFailed) {
		t.Fatalf("Run = %v, want a *DeliveryError wrapping TOPIC_AUTHORIZATION_FAILED", err)
	}
	msg := err.Error()
	want := fmt.Sprintf("%d of 2000 records failed delivery, the first because: not authorized", sum.Errors)
	if !strings.HasPrefix(msg, want) || strings.Contains(msg, "\n") {
		t.Errorf("error = %q, want one line starting %q", msg, want)
	}
	if sum.Errors == 0 || sum.Acked == 0 || sum.Acked+sum.Errors != sum.Records || sum.Abandoned != 0 {
		t.Errorf("summary = %+v, want some failed and the rest acknowledged", sum)
	}
	if !strings.HasPrefix(sum.FirstError, "not authorized: ") {
		t.Errorf("FirstError = %q, want the cause in plain words", sum.FirstError)
	}
}

// TestRunKfake_PolicyViolationIsEventHubs: a produce refused with POLICY_VIOLATION (what
// Event Hubs answers when it throttled a request past its timeout, or for a message over 1 MB)
// is explained as such, not as a topic setting.
func TestRunKfake_PolicyViolationIsEventHubs(t *testing.T) {
	c, cl := newKfakeCluster(t, 1, kgo.DisableIdempotentWrite())
	c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "in", Err: kerr.PolicyViolation, Count: -1})
	cfg := DefaultConfig()
	cfg.Count, cfg.Rate = 100, 10000
	sum, err := Run(context.Background(), cl, cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "failed delivery: Event Hubs rejected the request (policy violation") || strings.Contains(err.Error(), "topic setting") {
		t.Fatalf("Run = %v", err)
	}
	if !strings.HasPrefix(sum.FirstError, "Event Hubs rejected the request") {
		t.Errorf("FirstError = %q", sum.FirstError)
	}
}

func TestRun_Kfake_UnknownTopicIsNamed(t *testing.T) {
	c2, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c2.ListenAddrs()...), kgo.RecordDeliveryTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	cfg := DefaultConfig()
	cfg.Topic, cfg.Count, cfg.Rate = "nope", 10, 1000
	_, err = Run(context.Background(), cl, cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("Run to a missing topic = %v, want an error naming the topic", err)
	}
}

// TestRunKfake_TopicErrorIsNotMissing: a topic the broker reports with an error other than
// UNKNOWN_TOPIC_OR_PARTITION (kfake answers metadata with it) is reported with that error, in
// plain words and naming the topic, not as a topic that does not exist.
func TestRunKfake_TopicErrorIsNotMissing(t *testing.T) {
	for _, tt := range []struct {
		err  *kerr.Error
		want string
	}{
		{kerr.TopicAuthorizationFailed, `topic "in": not authorized: `},
		{kerr.InvalidTopicException, `topic "in": INVALID_TOPIC_EXCEPTION`},
		{kerr.UnknownTopicOrPartition, `topic "in" does not exist`},
	} {
		t.Run(tt.err.Message, func(t *testing.T) {
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "in"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(c.Close)
			c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Metadata}, Topic: "in", Err: tt.err, Count: -1})
			cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(cl.Close)
			cfg := DefaultConfig()
			cfg.Count = 10
			_, err = Run(context.Background(), cl, cfg, nil)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("Run = %v, want it to start %q", err, tt.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"defaults", func(*Config) {}, ""},
		{"zero rate", func(c *Config) { c.Rate = 0 }, "rate"},
		{"no duration", func(c *Config) { c.Duration = 0 }, "duration"},
		{"count instead of duration", func(c *Config) { c.Duration, c.Count = 0, 10 }, ""},
		{"no devices", func(c *Config) { c.Devices = 0 }, "devices"},
		{"fraction above one", func(c *Config) { c.DuplicateFraction = 2 }, "duplicate-fraction"},
		{"instance out of range", func(c *Config) { c.Instance, c.Instances = 3, 3 }, "instance"},
		{"more instances than devices", func(c *Config) { c.Devices, c.Instances = 2, 3 }, "instances"},
		{"quiet devices", func(c *Config) { c.QuietDevices = 0.1 }, ""},
		{"all devices quiet", func(c *Config) { c.QuietDevices = 1 }, "quiet-devices"},
		{"negative quiet devices", func(c *Config) { c.QuietDevices = -0.1 }, "quiet-devices"},
		{"quiet devices unlimited without count", func(c *Config) { c.QuietDevices, c.Unlimited = 0.1, true }, "quiet-devices: needs a known number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.mutate(&c)
			err := c.Validate()
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.want)
			}
		})
	}
}

func TestRunUnreachableBrokerIsNamed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.RetryTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	cfg := DefaultConfig()
	cfg.Count = 10
	_, err = Run(context.Background(), cl, cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "cannot reach the broker at "+addr) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Run against a closed port = %v, want one line naming the address", err)
	}
}

// newStalledKfake starts a fake cluster (franz-go's kfake) that takes every request but never
// answers a produce request, as a broker that has stalled.
func newStalledKfake(t *testing.T) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "in"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		return nil, nil, true // handled, and no answer is ever written
	})
	return c
}

// TestRunKfake_CancelWhileBrokerStalls: with the client's buffer full and the broker not
// answering, a cancel must still end Run promptly: the send loop stops, the flush waits its
// bounded time, and the records the broker never acknowledged are counted as abandoned.
func TestRunKfake_CancelWhileBrokerStalls(t *testing.T) {
	c := newStalledKfake(t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ProducerLinger(time.Millisecond), kgo.MaxBufferedRecords(200))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	cfg := DefaultConfig()
	cfg.Rate, cfg.Duration, cfg.FlushTimeout, cfg.DuplicateFraction = 5000, time.Hour, time.Second, 0
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	type result struct {
		sum Summary
		err error
	}
	done := make(chan result, 1)
	go func() {
		sum, err := Run(ctx, cl, cfg, &out)
		done <- result{sum, err}
	}()
	// Cancel once the client's buffer is full (200 records handed over, none acknowledged):
	// the send loop is then blocked on it.
	deadline := time.Now().Add(10 * time.Second)
	for cl.BufferedProduceRecords() < 200 {
		if time.Now().After(deadline) {
			t.Fatalf("the client's buffer holds %d records after 10 s, want it full at 200", cl.BufferedProduceRecords())
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	cancelled := time.Now()
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run had not returned 10 s after cancel: the send loop is stuck on the full buffer")
	}
	if took := time.Since(cancelled); took > 4*time.Second {
		t.Errorf("Run returned %s after cancel, want about the 1 s flush timeout", took)
	}
	if !errors.Is(r.err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", r.err)
	}
	if r.sum.Records != 200 || r.sum.Acked != 0 || r.sum.Abandoned != r.sum.Records {
		t.Errorf("summary = %+v, want the 200 records that fit handed over, none acknowledged, all abandoned", r.sum)
	}
	for _, want := range []string{"waiting up to 1s for 200 records in flight", "200 records abandoned unacknowledged"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("progress output %q does not say %q", out.String(), want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in different goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// answerProduceThrottled makes the fake cluster answer every produce request itself, with
// success and a throttle time, as a broker over its quota (or Event Hubs over its throughput
// units) does. The records are not stored.
func answerProduceThrottled(c *kfake.Cluster, throttleMs int32) {
	var offset int64
	c.ControlKey(int16(kmsg.Produce), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		req := kreq.(*kmsg.ProduceRequest)
		resp := req.ResponseKind().(*kmsg.ProduceResponse)
		resp.ThrottleMillis = throttleMs
		for _, t := range req.Topics {
			rt := kmsg.NewProduceResponseTopic()
			rt.Topic, rt.TopicID = t.Topic, t.TopicID
			for _, p := range t.Partitions {
				rp := kmsg.NewProduceResponseTopicPartition()
				rp.Partition, rp.BaseOffset = p.Partition, offset
				offset += 1000
				rt.Partitions = append(rt.Partitions, rp)
			}
			resp.Topics = append(resp.Topics, rt)
		}
		return resp, nil, true
	})
}

// TestRunKfake_ThrottlingIsReported: throttled produce responses are counted, shown in the
// periodic line and in the summary, with what they mean.
func TestRunKfake_ThrottlingIsReported(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "in"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	answerProduceThrottled(c, 5)
	th := &Throttle{}
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ProducerLinger(time.Millisecond), kgo.DisableIdempotentWrite(), kgo.WithHooks(th))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	cfg := DefaultConfig()
	cfg.Count, cfg.Rate, cfg.DuplicateFraction, cfg.ProgressInterval = 1000, 2000, 0, 200*time.Millisecond
	var out bytes.Buffer
	sum, err := Run(context.Background(), cl, cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Acked != 1000 || sum.ThrottledRequests == 0 || sum.ThrottleMs != 5*float64(sum.ThrottledRequests) {
		t.Fatalf("summary = %+v, want 1000 acknowledged and every response's 5 ms throttle counted", sum)
	}
	if !strings.Contains(sum.Throttled(), "the broker is throttling this producer") || !strings.Contains(sum.Throttled(), "throughput units") {
		t.Errorf("Throttled() = %q, want it in plain words", sum.Throttled())
	}
	if !strings.Contains(out.String(), "  throttled ") || !strings.Contains(out.String(), "throttled by the broker") {
		t.Errorf("progress output does not show the throttling:\n%s", out.String())
	}
	// The counts are the run's own: a second run with the same client starts from zero.
	sum2, err := Run(context.Background(), cl, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if total, _ := th.Counts(); sum2.ThrottledRequests == 0 || sum.ThrottledRequests+sum2.ThrottledRequests > total {
		t.Errorf("runs counted %d and %d throttled responses of the client's %d: want each run's own", sum.ThrottledRequests, sum2.ThrottledRequests, total)
	}
}

// TestRunKfake_NoThrottleNoMention: without throttling the periodic line does not mention it.
func TestRunKfake_NoThrottleNoMention(t *testing.T) {
	cl := newKfake(t, 1)
	cfg := DefaultConfig()
	cfg.Count, cfg.Rate, cfg.ProgressInterval = 500, 2000, 100*time.Millisecond
	var out bytes.Buffer
	sum, err := Run(context.Background(), cl, cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.ThrottledRequests != 0 || sum.Throttled() != "" || strings.Contains(out.String(), "throttled") {
		t.Errorf("summary %+v, output %q: want no throttling mentioned", sum, out.String())
	}
}

func TestInstanceSeedsDoNotCollide(t *testing.T) {
	seen := map[uint64]string{}
	for seed := uint64(0); seed < 50; seed++ {
		for inst := range 20 {
			s := instanceSeed(seed, inst)
			if prev, ok := seen[s]; ok {
				t.Fatalf("seed %d instance %d gives the content seed of %s", seed, inst, prev)
			}
			seen[s] = fmt.Sprintf("seed %d instance %d", seed, inst)
		}
	}
}
