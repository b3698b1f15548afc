//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/schema"
)

// TestIntegrationGenerateRateAccuracy sends at 1k, 5k, 10k and 50k events/s into the real
// broker and counts the records per 10 s window by the broker's own append timestamps (not
// the generator's counters): every full window must hold the target ±1%.
func TestIntegrationGenerateRateAccuracy(t *testing.T) {
	st := sharedStack(t)
	// A warm-up first, as any benchmark has: on a broker that has just started, the first
	// seconds' appends lag (JIT, first segments), which moved 1.2% of the first window.
	warm := topicClient(t, st.Kafka.Bootstrap, "rate-warm-up", 2)
	wcfg := generate.DefaultConfig()
	wcfg.Topic, wcfg.Rate, wcfg.Duration = "rate-warm-up", 5000, 5*time.Second
	wctx, wcancel := context.WithTimeout(context.Background(), time.Minute)
	if _, err := generate.Run(wctx, warm, wcfg, nil); err != nil {
		wcancel()
		t.Fatalf("warm-up: %v", err)
	}
	wcancel()
	for _, rate := range []float64{1000, 5000, 10000, 50000} {
		t.Run(fmt.Sprintf("%.0f_per_s", rate), func(t *testing.T) {
			topic := fmt.Sprintf("rate-%.0f", rate)
			cl := topicClient(t, st.Kafka.Bootstrap, topic, 2)
			cfg := generate.DefaultConfig()
			cfg.Topic, cfg.Rate, cfg.Duration, cfg.DuplicateFraction = topic, rate, 21*time.Second, 0
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			sum, err := generate.Run(ctx, cl, cfg, nil)
			if err != nil {
				t.Fatalf("generate: %v (%+v)", err, sum)
			}
			recs := consume(ctx, t, st.Kafka.Bootstrap, topic, int(sum.Records))
			first := recs[0].Timestamp
			for _, r := range recs {
				if r.Timestamp.Before(first) {
					first = r.Timestamp
				}
			}
			windows := make([]int, 2)
			for _, r := range recs {
				if w := int(r.Timestamp.Sub(first) / (10 * time.Second)); w < len(windows) {
					windows[w]++
				}
			}
			want := rate * 10
			for i, n := range windows {
				t.Logf("window %d: %d records by broker time (target %.0f, %+.2f%%)", i, n, want, 100*(float64(n)-want)/want)
				if math.Abs(float64(n)-want) > want*0.01 {
					t.Errorf("window %d holds %d records, want %.0f ±1%%", i, n, want)
				}
			}
			t.Logf("send lag p99 %.2f ms, ack p99 %.2f ms", sum.SendLagMs.P99, sum.ProduceLatencyMs.P99)
		})
	}
}

// TestIntegrationGenerateInstancesShareDevices runs three generator instances against one
// topic of the real broker: together they must send each device's sequence exactly once and
// without gaps, and no device may be sent by two instances.
func TestIntegrationGenerateInstancesShareDevices(t *testing.T) {
	st := sharedStack(t)
	const topic, devices, perInstance = "instances", 300, 3000
	cl := topicClient(t, st.Kafka.Bootstrap, topic, 4)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Three instances, each with a producer of its own, as three processes or containers
	// would have.
	errs := make(chan error, 3)
	for i := range 3 {
		icl := cl
		if i > 0 {
			var err error
			if icl, err = (kafkaconn.Conn{Brokers: []string{st.Kafka.Bootstrap}}).NewClient(kgo.ProducerLinger(5 * time.Millisecond)); err != nil {
				t.Fatal(err)
			}
			defer icl.Close()
		}
		go func() {
			cfg := generate.DefaultConfig()
			cfg.Topic, cfg.Rate, cfg.Count, cfg.Devices, cfg.DuplicateFraction = topic, 5000, perInstance, devices, 0
			cfg.Instance, cfg.Instances, cfg.Seed = i, 3, int64(i+1)
			_, err := generate.Run(ctx, icl, cfg, nil)
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	recs := consume(ctx, t, st.Kafka.Bootstrap, topic, 3*perInstance)
	schemas := loadSchemas(t)
	seen := map[string]map[int64]bool{}
	for _, r := range recs {
		if err := schemas.ValidateEvent(r.Value); err != nil {
			t.Fatalf("a record the generator sent does not match docs/event.schema.json: %v\n%s", err, r.Value)
		}
		var e struct {
			DeviceID string `json:"deviceId"`
			Seq      int64  `json:"deviceSequenceNumber"`
		}
		if err := json.Unmarshal(r.Value, &e); err != nil {
			t.Fatal(err)
		}
		if string(r.Key) != e.DeviceID {
			t.Fatalf("key %q, want the deviceId %q", r.Key, e.DeviceID)
		}
		if seen[e.DeviceID] == nil {
			seen[e.DeviceID] = map[int64]bool{}
		}
		if seen[e.DeviceID][e.Seq] {
			t.Fatalf("device %s sequence %d sent twice: instances overlap", e.DeviceID, e.Seq)
		}
		seen[e.DeviceID][e.Seq] = true
	}
	if len(seen) != devices {
		t.Fatalf("%d devices, want %d", len(seen), devices)
	}
	for dev, seqs := range seen {
		for s := range int64(len(seqs)) {
			if !seqs[s] {
				t.Fatalf("device %s misses sequence %d of %d", dev, s, len(seqs))
			}
		}
	}
}

// topicClient creates topic with LogAppendTime on the shared broker and returns a producer
// client for it.
func topicClient(t *testing.T, bootstrap, topic string, partitions int32) *kgo.Client {
	t.Helper()
	conn := kafkaconn.Conn{Brokers: []string{bootstrap}}
	cl, err := conn.NewClient(kgo.ProducerLinger(5*time.Millisecond), kgo.MaxBufferedRecords(1<<16), kgo.ProducerBatchCompression(kgo.NoCompression()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := kafkaconn.EnsureTopics(ctx, cl, []kafkaconn.TopicSpec{{Name: topic, Partitions: partitions, Configs: kafkaconn.LogAppendTime()}}); err != nil {
		t.Fatal(err)
	}
	return cl
}

// loadSchemas compiles the data contract's JSON Schemas from docs/.
func loadSchemas(t *testing.T) *schema.Set {
	t.Helper()
	s, err := schema.Load(filepath.Join("..", "docs"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
