//go:build integration

package integration

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/hublimits"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/local"
)

// TestIntegrationEventHubsTier starts a stack emulating tier 1's Event Hubs namespace (2 TUs:
// 2 MB/s in) and checks on the real broker that a load under 2 MB/s is not throttled, that two
// clients pushing flat out are held to about 2 MB/s together (one budget for the namespace, not
// one per client) with the broker reporting throttle time, that an event over 1 MiB is refused
// where Kafka's default would take it, and that a transactional producer is refused.
func TestIntegrationEventHubsTier(t *testing.T) {
	const topic = "ehtier"
	st := startTierStack(t, 1)
	if l := st.Kafka.EventHubs; l == nil || l.IngressBytesPerSec != 2_000_000 {
		t.Fatalf("status reports Event Hubs limits %+v, want tier 1's 2 MB/s in", l)
	}
	topicClient(t, st.Kafka.Bootstrap, topic, 2)
	src := hubmetrics.PrometheusSource{URL: st.Kafka.MetricsURL}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	throttleMs := func() int64 {
		t.Helper()
		s, err := src.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Throttle == nil {
			t.Fatal("the broker's metrics carry no throttle-time histograms")
		}
		return int64(s.Throttle.ProduceMs)
	}

	// Under the limit first, while the shared quota sensor holds no earlier burst: 1 MB/s
	// from two clients for 6 s.
	a, b := newTierProducer(t, st, topic, "ehtier-a"), newTierProducer(t, st, topic, "ehtier-b")
	before := throttleMs()
	rate := pushPaced(ctx, t, []*tierProducer{a, b}, 500_000, 6*time.Second)
	brokerMs := throttleMs() - before
	t.Logf("under the limit: %.2f MB/s acknowledged, broker throttle %d ms, clients told %s", rate/1e6, brokerMs, a.throttled()+b.throttled())
	if brokerMs != 0 || a.throttled()+b.throttled() != 0 {
		t.Fatalf("1 MB/s on tier 1 (2 MB/s) was throttled: broker %d ms, clients %s", brokerMs, a.throttled()+b.throttled())
	}

	// Over the limit: both clients flat out for 10 s. Kafka holds a quota's rate averaged over
	// its window (11 samples of 1 s, the rate taken over at least 10 s), so a burst of up to a
	// window's worth passes before throttling starts: over d at most rate × (d + 11 s) gets
	// through (+10%). One quota per client would let twice that through, none ~20 times.
	const flat = 10 * time.Second
	before = throttleMs()
	moved, took := pushFlatOut(ctx, t, []*tierProducer{a, b}, flat)
	brokerMs = throttleMs() - before
	allowed := 1.1 * 2e6 * (took + 11*time.Second).Seconds()
	t.Logf("flat out: %.1f MB in %s (%.2f MB/s; at most %.1f MB allowed), broker throttle %d ms, clients told %s",
		float64(moved)/1e6, took.Round(time.Millisecond), float64(moved)/1e6/took.Seconds(), allowed/1e6, brokerMs, a.throttled()+b.throttled())
	if float64(moved) > allowed {
		t.Errorf("two clients flat out moved %.1f MB in %s, over tier 1's 2 MB/s and one window's burst (%.1f MB): the quota is not one budget for all clients", float64(moved)/1e6, took, allowed/1e6)
	}
	if brokerMs <= 0 || a.throttled() <= 0 || b.throttled() <= 0 {
		t.Errorf("no throttling reported over the limit: broker %d ms, clients %s and %s", brokerMs, a.throttled(), b.throttled())
	}

	// Event size: the broker's limit is 1 MiB per batch (Kafka's default is 1 MiB + 12). An
	// uncompressed batch of one record is its value + 72 bytes here, so 1,048,500 fits,
	// 1,048,510 (1,048,582 bytes: taken by a default broker) and 1.1 MB do not.
	big, err := kgo.NewClient(kgo.SeedBrokers(st.Kafka.Bootstrap), kgo.ProducerBatchMaxBytes(4<<20), kgo.ProducerBatchCompression(kgo.NoCompression()), kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	for _, c := range []struct {
		size int
		ok   bool
	}{{1_048_500, true}, {1_048_510, false}, {1_100_000, false}} {
		err := big.ProduceSync(ctx, &kgo.Record{Value: make([]byte, c.size)}).FirstErr()
		switch {
		case c.ok && err != nil:
			t.Errorf("a %d-byte event was refused: %v", c.size, err)
		case !c.ok && !errors.Is(err, kerr.MessageTooLarge):
			t.Errorf("a %d-byte event: got %v, want the broker's MESSAGE_TOO_LARGE", c.size, err)
		}
	}

	// Transactions are refused; idempotent producing (every produce above) is not.
	txn, err := kgo.NewClient(kgo.SeedBrokers(st.Kafka.Bootstrap), kgo.TransactionalID("ehtier-txn"), kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Close()
	err = txn.BeginTransaction()
	if err == nil {
		err = txn.ProduceSync(ctx, &kgo.Record{Value: []byte("x")}).FirstErr()
	}
	if !hublimits.IsTransactionRefused(err) {
		t.Errorf("transactional producer: got %v, want TRANSACTIONAL_ID_AUTHORIZATION_FAILED", err)
	}
}

// startTierStack starts a real local stack emulating an Event Hubs tier; cleanup stops it and
// fails the test if a process it started survives.
func startTierStack(t *testing.T, tier int) local.Status {
	t.Helper()
	_, st := startStackWith(t, func(c *local.Config) { c.EventHubsTier = tier })
	return st
}

// tierProducer is a producer that counts the bytes the broker acknowledged and the throttle
// time the broker told it about (produce responses' throttle_time_ms).
type tierProducer struct {
	cl        *kgo.Client
	acked     atomic.Int64
	throttleN atomic.Int64
}

func (p *tierProducer) OnBrokerThrottle(_ kgo.BrokerMetadata, d time.Duration, _ bool) {
	p.throttleN.Add(int64(d))
}

func (p *tierProducer) throttled() time.Duration { return time.Duration(p.throttleN.Load()) }

func newTierProducer(t *testing.T, st local.Status, topic, clientID string) *tierProducer {
	t.Helper()
	p := &tierProducer{}
	cl, err := kgo.NewClient(kgo.SeedBrokers(st.Kafka.Bootstrap), kgo.ClientID(clientID), kgo.DefaultProduceTopic(topic),
		kgo.ProducerBatchCompression(kgo.NoCompression()), kgo.MaxBufferedBytes(8<<20), kgo.WithHooks(p))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	p.cl = cl
	return p
}

// produce sends one 10 KB record, counting it when acknowledged.
func (p *tierProducer) produce(ctx context.Context, t *testing.T, value []byte) {
	p.cl.Produce(ctx, &kgo.Record{Value: value}, func(r *kgo.Record, err error) {
		switch {
		case err == nil:
			p.acked.Add(int64(len(r.Value)))
		case ctx.Err() == nil && !errors.Is(err, context.Canceled):
			t.Errorf("produce: %v", err)
		}
	})
}

// pushPaced sends perClient bytes a second from each producer for d and returns the
// acknowledged bytes per second.
func pushPaced(ctx context.Context, t *testing.T, ps []*tierProducer, perClient int, d time.Duration) float64 {
	value := make([]byte, 10_000)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	var acked0 int64
	for _, p := range ps {
		acked0 += p.acked.Load()
	}
	for time.Since(start) < d {
		for _, p := range ps {
			for range perClient / 10 / len(value) {
				p.produce(ctx, t, value)
			}
		}
		<-tick.C
	}
	var sum int64
	for _, p := range ps {
		if err := p.cl.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		sum += p.acked.Load()
	}
	return float64(sum-acked0) / time.Since(start).Seconds()
}

// pushFlatOut has every producer send as fast as the broker takes it for d, and returns the
// bytes acknowledged and the time they took.
func pushFlatOut(ctx context.Context, t *testing.T, ps []*tierProducer, d time.Duration) (int64, time.Duration) {
	total := func() (n int64) {
		for _, p := range ps {
			n += p.acked.Load()
		}
		return n
	}
	pctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	value := make([]byte, 10_000)
	from, t0 := total(), time.Now()
	for _, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for pctx.Err() == nil {
				p.produce(pctx, t, value) // blocks while the client's buffer is full
			}
		}()
	}
	time.Sleep(d)
	to, took := total(), time.Since(t0)
	stop()
	wg.Wait()
	for _, p := range ps {
		// What is still buffered would spend the shared quota the next steps use.
		if err := p.cl.AbortBufferedRecords(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return to - from, took
}
