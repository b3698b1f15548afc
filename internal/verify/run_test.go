package verify

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// kfakeWith starts franz-go's in-process fake cluster (a unit-test fake, not a real broker)
// with topic "out" holding the given values in partition 0, and returns a fresh client.
func kfakeWith(t *testing.T, values []string) *kgo.Client {
	t.Helper()
	return kfakeTopics(t, map[string][]string{"out": values})
}

// kfakeTopics seeds several one-partition topics of a kfake cluster.
func kfakeTopics(t *testing.T, topics map[string][]string) *kgo.Client {
	t.Helper()
	names := make([]string, 0, len(topics))
	for n := range topics {
		names = append(names, n)
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, names...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	p, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for topic, values := range topics {
		for _, v := range values {
			if err := p.ProduceSync(context.Background(), &kgo.Record{Topic: topic, Value: []byte(v)}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}
	cl, err := kgo.NewClient(append(ClientOpts(), kgo.SeedBrokers(c.ListenAddrs()...))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func outRecord(dev string, seq int) string {
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	return fmt.Sprintf(`{"deviceId":%q,"deviceSequenceNumber":%d,"createdAt":"%s","enqueuedAt":"%s","processedAt":"%s"}`, dev, seq, now, now, now)
}

func TestRun_Kfake_CountsMissingAndDuplicates(t *testing.T) {
	values := []string{
		outRecord("a", 0), outRecord("a", 1), outRecord("a", 1), outRecord("a", 3), // dup 1, missing 2
		outRecord("b", 0), `{"deviceId":"b","deviceSequenceNumber":1}`, // without the added fields
		"not json",
	}
	cl := kfakeWith(t, values)
	cfg := DefaultConfig()
	cfg.IdleTimeout, cfg.SequencesStartAtZero = time.Second, true
	res, err := Run(context.Background(), cl, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 7 || res.Events != 5 || res.Duplicates != 1 || res.Missing != 1 || res.Malformed != 1 || res.MissingFields != 1 || res.Devices != 2 {
		t.Fatalf("result = %+v", res)
	}
	if res.LatencyMs.Pipeline.Count != 5 {
		t.Fatalf("pipeline latency count = %d, want 5 (every record with both fields)", res.LatencyMs.Pipeline.Count)
	}
}

func TestRun_Kfake_BoundsStopAtEnd(t *testing.T) {
	var values []string
	for i := range 10 {
		values = append(values, outRecord("a", i))
	}
	cl := kfakeWith(t, values)
	cfg := DefaultConfig()
	cfg.Bounds = map[int32]OffsetRange{0: {Start: 2, End: 6}}
	res, err := Run(context.Background(), cl, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 4 || res.Events != 4 || res.Missing != 0 {
		t.Fatalf("window [2,6) read as %+v, want exactly 4 records, none missing", res)
	}
}

func TestRun_Kfake_ReconcilesInputAndOutput(t *testing.T) {
	in := func(dev string, seq int) string {
		return fmt.Sprintf(`{"deviceId":%q,"deviceSequenceNumber":%d}`, dev, seq)
	}
	cl := kfakeTopics(t, map[string][]string{
		"in":  {in("a", 0), in("a", 1), in("a", 1), in("a", 2), in("b", 0), "not json"},
		"out": {outRecord("a", 0), outRecord("a", 1), outRecord("a", 1), outRecord("a", 1), outRecord("a", 9), outRecord("b", 0)},
	})
	cfg := DefaultConfig()
	cfg.Bounds = map[int32]OffsetRange{0: {Start: 0, End: 6}}
	cfg.InputTopic, cfg.InputBounds = "in", map[int32]OffsetRange{0: {Start: 0, End: 6}}
	res, err := Run(context.Background(), cl, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	// a/2 never came out; a/9 never went in; a/1 went in twice (source) and came out three
	// times (one pipeline duplicate).
	// The record that is not JSON is counted apart, not as an event nor as missing.
	if !res.Reconciled || res.InputEvents != 4 || res.Missing != 1 || res.Unexpected != 1 || res.SourceDuplicates != 1 || res.Duplicates != 1 || res.InputNotEvents != 1 {
		t.Fatalf("reconciliation = %+v", res)
	}
}

func TestRun_Kfake_EnqueuedWindowLeavesNeighboursOut(t *testing.T) {
	base := time.Now().UTC().Truncate(time.Millisecond).Add(-2 * time.Minute) // latencies stay inside the histograms' hour
	at := func(dev string, seq int, enq time.Time) string {
		ts := enq.Format("2006-01-02T15:04:05.000Z")
		return fmt.Sprintf(`{"deviceId":%q,"deviceSequenceNumber":%d,"createdAt":"%s","enqueuedAt":"%s","processedAt":"%s"}`, dev, seq, ts, ts, ts)
	}
	cl := kfakeWith(t, []string{
		at("a", 0, base.Add(-time.Millisecond)), // before the window
		at("a", 1, base), at("a", 2, base.Add(time.Minute-time.Millisecond)),
		at("a", 3, base.Add(time.Minute)),           // at the window's end: outside
		`{"deviceId":"a","deviceSequenceNumber":9}`, // no enqueuedAt: kept, counted without fields
	})
	cfg := DefaultConfig()
	cfg.IdleTimeout = time.Second
	cfg.EnqueuedFrom, cfg.EnqueuedTo = base, base.Add(time.Minute)
	res, err := Run(context.Background(), cl, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 3 || res.OutsideWindow != 2 || res.MissingFields != 1 || res.LatencyMs.Pipeline.Count != 2 {
		t.Fatalf("result = %+v, want 3 records kept (2 in the window, 1 without enqueuedAt) and 2 outside", res)
	}
}
