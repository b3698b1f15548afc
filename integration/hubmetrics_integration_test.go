//go:build integration

package integration

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// TestIntegrationReportMatchesOffsets checks the report's broker-side count against an
// independent one: the records the broker says it appended to a topic between two snapshots
// must equal the growth of the topic's end offsets, and the number the generator sent.
func TestIntegrationReportMatchesOffsets(t *testing.T) {
	st := sharedStack(t)
	const topic, n = "report-check", 3000
	cl := topicClient(t, st.Kafka.Bootstrap, topic, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	adm := kadm.NewClient(cl)
	src := hubmetrics.PrometheusSource{URL: st.Kafka.MetricsURL}
	before, err := src.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	startOffsets, err := kafkaconn.EndOffsets(ctx, adm, topic)
	if err != nil {
		t.Fatal(err)
	}
	g := generate.DefaultConfig()
	g.Topic, g.Count, g.Rate, g.DuplicateFraction = topic, n, 5000, 0
	if _, err := generate.Run(ctx, cl, g, nil); err != nil {
		t.Fatal(err)
	}
	after, err := src.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	endOffsets, err := kafkaconn.EndOffsets(ctx, adm, topic)
	if err != nil {
		t.Fatal(err)
	}
	var appended int64
	for p, end := range endOffsets {
		appended += end - startOffsets[p]
	}
	row := hubmetrics.Delta(before, after, []string{topic})
	h := row.Hubs[0]
	t.Logf("broker: %d records in %d batches, %d bytes; offsets grew by %d", h.IncomingMessages, h.IncomingBatches, h.IncomingBytes, appended)
	if h.IncomingMessages != n || appended != n {
		t.Fatalf("broker counted %d records, offsets grew by %d, generator sent %d: all three must agree", h.IncomingMessages, appended, n)
	}
	if h.IncomingBatches <= 0 || h.IncomingBatches > n || h.IncomingBytes < n*800 {
		t.Fatalf("implausible batches %d / bytes %d for %d records", h.IncomingBatches, h.IncomingBytes, n)
	}
}

// TestIntegrationReportSeesThrottling puts a produce quota on one client id, produces past
// it, and checks that the report's broker-wide throttle time rose: the THROTTLE MS column
// reads the broker's own throttle-time histograms.
func TestIntegrationReportSeesThrottling(t *testing.T) {
	st := sharedStack(t)
	const topic, quota = "throttle-check", 100 * 1024 // bytes/s
	clientID := "streamscale-throttle-test"
	cl := topicClient(t, st.Kafka.Bootstrap, topic, 1)
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	entity := kadm.ClientQuotaEntity{{Type: "client-id", Name: &clientID}}
	setQuota := func(remove bool) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		res, err := adm.AlterClientQuotas(ctx, []kadm.AlterClientQuotaEntry{{Entity: entity,
			Ops: []kadm.AlterClientQuotaOp{{Key: "producer_byte_rate", Value: quota, Remove: remove}}}})
		if err == nil && len(res) > 0 && res[0].Err != nil {
			err = res[0].Err
		}
		return err
	}
	if err := setQuota(false); err != nil {
		t.Fatalf("set quota: %v", err)
	}
	t.Cleanup(func() {
		if err := setQuota(true); err != nil {
			t.Errorf("remove quota: %v", err)
		}
	})

	src := hubmetrics.PrometheusSource{URL: st.Kafka.MetricsURL}
	before, err := src.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if before.Throttle == nil {
		t.Fatal("the local broker's metrics carry no throttle-time histograms: check the exporter config of local up")
	}
	producer, err := kgo.NewClient(kgo.SeedBrokers(st.Kafka.Bootstrap), kgo.ClientID(clientID), kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	// Each round sends 2 MB at once: 200 KB/s over the broker's 10 s quota window, twice the
	// quota. The quota reaches the broker through the metadata log shortly after it is set, so
	// rounds go on until the broker throttles or 60 s pass (here it took ~15 s).
	value := make([]byte, 10*1024)
	var after hubmetrics.Snapshot
	deadline := time.Now().Add(60 * time.Second)
	for {
		for range 200 {
			producer.Produce(ctx, &kgo.Record{Value: value}, func(_ *kgo.Record, err error) {
				if err != nil {
					t.Errorf("produce: %v", err)
				}
			})
		}
		if err := producer.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if after, err = src.Snapshot(ctx); err != nil {
			t.Fatal(err)
		}
		if hubmetrics.Delta(before, after, nil).Throttle.ProduceMs > 0 || time.Now().After(deadline) {
			break
		}
	}
	row := hubmetrics.Delta(before, after, []string{topic})
	t.Logf("throttle: produce %d ms, fetch %d ms; %d records in", row.Throttle.ProduceMs, row.Throttle.FetchMs, row.Hubs[0].IncomingMessages)
	if row.Throttle.ProduceMs <= 0 {
		t.Fatalf("producing twice the quota was not throttled by the broker's count: %+v", row.Throttle)
	}
}
