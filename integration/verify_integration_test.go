//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
	"github.com/streamscale/streamscale/internal/runlog"
	"github.com/streamscale/streamscale/internal/verify"
)

// TestIntegrationVerifyCatchesInjectedFaults runs the real relay, verifies a clean window,
// then injects each fault on purpose — records produced straight into the output twice,
// a device's records out of order, a record that was never input, and events sent while the
// job is cancelled — and checks the verifier catches exactly that fault.
func TestIntegrationVerifyCatchesInjectedFaults(t *testing.T) {
	st := sharedStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const in, out = "faults-in", "faults-out"
	cl := topicClient(t, st.Kafka.Bootstrap, in, 2)
	if _, err := kafkaconn.EnsureTopics(ctx, cl, []kafkaconn.TopicSpec{
		{Name: out, Partitions: 2, Configs: kafkaconn.LogAppendTime()}, {Name: in + "-dead-letter", Partitions: 1},
	}); err != nil {
		t.Fatal(err)
	}
	adm := kadm.NewClient(cl)
	fc := sharedFlink(t, st)
	job, err := relay.Ensure(ctx, fc, relay.Spec{
		JarPath: filepath.Join(buildDir(t), "jobs", "relay-job.jar"), Brokers: st.Kafka.Bootstrap,
		InTopic: in, OutTopic: out, DeadLetterTopic: in + "-dead-letter", Parallelism: 2, CheckpointInterval: 2 * time.Second,
	}, logWriter{t})
	if err != nil {
		t.Fatal(err)
	}

	ends := func(topic string) map[int32]int64 {
		o, err := kafkaconn.EndOffsets(ctx, adm, topic)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	window := func(start, end map[int32]int64) map[int32]verify.OffsetRange {
		w := map[int32]verify.OffsetRange{}
		for p, e := range end {
			w[p] = verify.OffsetRange{Start: start[p], End: e}
		}
		return w
	}
	records := func(w map[int32]verify.OffsetRange) int64 {
		var n int64
		for _, r := range w {
			n += r.End - r.Start
		}
		return n
	}
	waitOut := func(start map[int32]int64, want int64) map[int32]int64 {
		deadline := time.Now().Add(90 * time.Second)
		for time.Now().Before(deadline) {
			e := ends(out)
			if records(window(start, e)) >= want {
				return e
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Fatalf("output did not reach %d records", want)
		return nil
	}
	check := func(inW, outW map[int32]verify.OffsetRange) verify.Result {
		t.Helper()
		vcl, err := kafkaconn.Conn{Brokers: []string{st.Kafka.Bootstrap}}.NewClient(verify.ClientOpts()...)
		if err != nil {
			t.Fatal(err)
		}
		defer vcl.Close()
		cfg := verify.DefaultConfig()
		cfg.Topic, cfg.Bounds, cfg.InputTopic, cfg.InputBounds = out, outW, in, inW
		res, err := verify.Run(ctx, vcl, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	generateN := func(n int64, seed int64) {
		g := generate.DefaultConfig()
		g.Topic, g.Count, g.Rate, g.Devices, g.DuplicateFraction, g.Seed = in, n, 5000, 50, 0.01, seed
		if _, err := generate.Run(ctx, cl, g, nil); err != nil {
			t.Fatal(err)
		}
	}

	// A clean window: nothing missing, unexpected or duplicated by the pipeline.
	in0, out0 := ends(in), ends(out)
	generateN(2000, 1)
	in1 := ends(in)
	cleanIn := window(in0, in1)
	out1 := waitOut(out0, records(cleanIn))
	clean := check(cleanIn, window(out0, out1))
	if clean.InputEvents != 2000 || clean.Missing != 0 || clean.Unexpected != 0 || clean.Duplicates != 0 || clean.OutOfOrder != 0 || clean.SourceDuplicates == 0 || clean.CreateTimeRecords != 0 {
		t.Fatalf("clean window: %+v", clean)
	}
	if fails := clean.Check(verify.DefaultChecks()); len(fails) != 0 {
		t.Fatalf("the clean window failed the default checks: %v", fails)
	}

	// Read the clean output back to have records to replay.
	replay := consume(ctx, t, st.Kafka.Bootstrap, out, int(records(window(out0, out1))))
	produce := func(recs ...*kgo.Record) {
		for _, r := range recs {
			if err := cl.ProduceSync(ctx, &kgo.Record{Topic: out, Key: r.Key, Value: r.Value}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}

	// Duplicates: three output records produced into the output again.
	produce(replay[0], replay[1], replay[2])
	out2 := ends(out)
	if res := check(cleanIn, window(out0, out2)); res.Duplicates != 3 || res.Missing != 0 {
		t.Fatalf("after injecting 3 duplicates: %+v", res)
	}

	// Out of order: two records of one device written again, later one first, in a window
	// of their own (so everything else reads as missing, which is not what is checked here).
	var first, second *kgo.Record
	for _, r := range replay {
		if string(r.Key) != string(replay[0].Key) {
			continue
		}
		if first == nil {
			first = r
		} else if second == nil {
			second = r
		}
	}
	produce(second, first)
	out3 := ends(out)
	if res := check(cleanIn, window(out2, out3)); res.OutOfOrder != 1 {
		t.Fatalf("after writing a device's records backwards: out of order = %d, want 1 (%+v)", res.OutOfOrder, res)
	}

	// Unexpected: an output record for an event that was never input.
	produce(&kgo.Record{Key: []byte("ghost"), Value: []byte(`{"deviceId":"ghost","deviceSequenceNumber":0,"createdAt":"2026-01-01T00:00:00.000000Z","enqueuedAt":"2026-01-01T00:00:00.000Z","processedAt":"2026-01-01T00:00:00.001Z"}`)})
	out4 := ends(out)
	if res := check(cleanIn, window(out3, out4)); res.Unexpected != 1 {
		t.Fatalf("after injecting a record never input: unexpected = %d, want 1", res.Unexpected)
	}

	// Missing: events sent while the job is cancelled never come out.
	if err := fc.Cancel(ctx, job.JobID); err != nil {
		t.Fatal(err)
	}
	if _, err := fc.WaitTerminal(ctx, job.JobID); err != nil {
		t.Fatal(err)
	}
	in4 := ends(in)
	generateN(500, 2)
	res := check(window(in4, ends(in)), window(out4, ends(out)))
	if res.Missing != 500 || res.InputEvents != 500 {
		t.Fatalf("events sent while the job was cancelled: missing = %d of %d input events, want 500 of 500", res.Missing, res.InputEvents)
	}
	if fails := res.Check(verify.DefaultChecks()); len(fails) == 0 {
		t.Fatal("the default checks passed a window with 500 missing events")
	}

	// Producer timestamps: the same output records in a topic left at the default
	// CreateTime carry the relay's clock, not the broker's append time; verify must say so.
	const createTime = "faults-createtime-out"
	if _, err := kafkaconn.EnsureTopics(ctx, cl, []kafkaconn.TopicSpec{{Name: createTime, Partitions: 1}}); err != nil {
		t.Fatal(err)
	}
	for _, r := range replay[:3] {
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: createTime, Key: r.Key, Value: r.Value}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	vcl, err := kafkaconn.Conn{Brokers: []string{st.Kafka.Bootstrap}}.NewClient(verify.ClientOpts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer vcl.Close()
	cfg := verify.DefaultConfig()
	cfg.Topic, cfg.Bounds = createTime, map[int32]verify.OffsetRange{0: {Start: 0, End: 3}}
	ct, err := verify.Run(ctx, vcl, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ct.CreateTimeRecords != 3 {
		t.Fatalf("records in a CreateTime topic: createTimeRecords = %d, want 3", ct.CreateTimeRecords)
	}
	checks := verify.DefaultChecks()
	checks.AllowMissing = true
	if fails := ct.Check(checks); len(fails) != 1 || !strings.Contains(fails[0].Check, "CreateTime") {
		t.Fatalf("checks on producer-stamped records = %v, want one failure naming CreateTime", fails)
	}
}

// TestIntegrationVerifyNotFooledBySecondGeneratorRun is the scenario that once fooled the
// verifier into 0 missing, 0 duplicates and exit 0, run exactly as a user did it with the
// CLI: a clean `streamscale run`, 100 records of the output copied back into the output, the
// relay cancelled through Flink's REST API, 500 more events from a second `streamscale
// generate` (every device's sequence starting at 0 again), and `streamscale verify --from
// <before the run>`. That window holds a lost event for each of the 500 and a pipeline
// duplicate for each of the 100 copies, whatever the two runs share in devices and sequence
// numbers: verify must say so and exit 1.
func TestIntegrationVerifyNotFooledBySecondGeneratorRun(t *testing.T) {
	st := sharedStack(t)
	c := newCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	const in, out = "fooled-in", "fooled-out"
	cmd := func(args ...string) []string { return append(args, "--brokers", st.Kafka.Bootstrap) }
	before := time.Now()

	stdout, stderr, code := c.run(ctx, cmd("run", "--flink-url", st.Flink.REST,
		"--job-jar", filepath.Join(buildDir(t), "jobs", "relay-job.jar"), "--in-topic", in, "--out-topic", out,
		"--duration", "10s", "--rate", "1000", "--checkpoint-interval", "2s")...)
	if code != 0 || !strings.Contains(stdout, "verification: PASS (0 missing)") {
		t.Fatalf("the clean run exited %d, want a pass\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	last, err := runlog.Last(local.RunsDir(c.home))
	if err != nil {
		t.Fatal(err)
	}

	// 100 records of the output copied back into the output, as kcat would.
	cl, err := kafkaconn.Conn{Brokers: []string{st.Kafka.Bootstrap}}.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, r := range consume(ctx, t, st.Kafka.Bootstrap, out, 100)[:100] {
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: out, Key: r.Key, Value: r.Value}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}

	// The relay cancelled through Flink's REST API.
	fc := sharedFlink(t, st)
	if err := fc.Cancel(ctx, last.JobID); err != nil {
		t.Fatal(err)
	}
	if _, err := fc.WaitTerminal(ctx, last.JobID); err != nil {
		t.Fatal(err)
	}

	// A second generator run the relay never sees.
	if stdout, stderr, code := c.run(ctx, cmd("generate", "--topic", in, "--count", "500")...); code != 0 {
		t.Fatalf("generate --count 500 exited %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}

	stdout, stderr, code = c.run(ctx, cmd("verify", "--json", "--input-topic", in, "--topic", out,
		"--from", before.UTC().Format(time.RFC3339Nano))...)
	var res verify.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("verify --json: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	if res.Missing != 500 || res.Duplicates != 100 || res.Unexpected != 0 || res.Runs != 2 {
		t.Fatalf("verify --from before the run = %d missing, %d duplicates, %d unexpected, %d runs; want 500, 100, 0, 2\nstderr:\n%s",
			res.Missing, res.Duplicates, res.Unexpected, res.Runs, stderr)
	}
	if code != 1 || !strings.Contains(stderr, "FAIL missing events: measured 500") {
		t.Fatalf("verify exited %d, want 1 with the missing events' check failed\nstderr:\n%s", code, stderr)
	}
	// The text report says the same.
	stdout, _, code = c.run(ctx, cmd("verify", "--input-topic", in, "--topic", out, "--from", before.UTC().Format(time.RFC3339Nano))...)
	if code != 1 || !regexp.MustCompile(`(?m)^missing +500$`).MatchString(stdout) || !regexp.MustCompile(`(?m)^duplicates \(made by the pipeline\) +100$`).MatchString(stdout) {
		t.Fatalf("verify (text) exited %d, want 1 with 500 missing and 100 duplicates:\n%s", code, stdout)
	}
}
