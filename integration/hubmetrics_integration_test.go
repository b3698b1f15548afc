//go:build integration

package integration

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

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
