package generate

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkSendKfake measures the generator's send path, one event per op: encode, key,
// record, promise, Produce into a franz-go client (the CLI's buffer limit and a 5 ms linger)
// and the acknowledgement, against franz-go's in-process fake cluster (kfake, storing
// nothing). The allocations include the client's and the fake's own, per batch.
func BenchmarkSendKfake(b *testing.B) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "in"), kfake.BlackholeProduce())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ProducerLinger(5*time.Millisecond), kgo.MaxBufferedRecords(1<<16))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	cfg := DefaultConfig()
	cfg.Unlimited, cfg.DuplicateFraction = true, 0
	ctx := context.Background()
	if err := prepare(ctx, cl, cfg.Topic); err != nil {
		b.Fatal(err)
	}
	g := newGenerator(cl, cfg)
	g.prog = newProgress(nil, time.Hour, time.Now(), nil, newThrottleSince(nil))
	g.recCtx = ctx
	b.ReportAllocs()
	b.SetBytes(934)
	b.ResetTimer()
	for i := range b.N {
		if !g.send(ctx, int64(i), time.Now(), time.Time{}) {
			b.Fatal("send refused an event")
		}
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if sum := g.stats.summary(time.Second, 0); sum.Acked != int64(b.N) {
		b.Fatalf("%d of %d acknowledged", sum.Acked, b.N)
	}
}
