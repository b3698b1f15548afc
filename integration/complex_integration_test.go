//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/schema"
	"github.com/streamscale/streamscale/internal/tags"
	"github.com/streamscale/streamscale/internal/verify"
)

// TestIntegrationJobSubmitComplex drives the built CLI against a real stack: `job submit --job
// complex` runs the complex job, `generate` sends the generator's events (source duplicates
// included), hand-made devices send both TEMP and CO2 readings (the generator gives each
// device one type unless --mixed-types, so only such a device makes
// HighCO2WithSeveralTemperaturesIn70s; their value tags must be the hand-worked ones), and one
// event per partition 200 s ahead moves the job's watermark past every device's NoNews
// deadline. The output holds exactly the tags internal/tags recomputes from the input: none
// missing, unexpected or duplicated, every record valid against docs/tag.schema.json, every
// tag kind there. Then `verify --job complex --from-beginning` (the CLI path) finds the same:
// exit 0, the same counts per kind.
func TestIntegrationJobSubmitComplex(t *testing.T) {
	stack, st := startStack(t)
	c := newCLI(t)
	c.env = append(c.env, "STREAMSCALE_HOME="+stack.Config().Home) // the last value wins
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	mustRun := func(args ...string) string {
		t.Helper()
		out, errOut, code := c.run(ctx, args...)
		t.Logf("streamscale %s:\n%s%s", strings.Join(args, " "), errOut, out)
		if code != 0 {
			t.Fatalf("streamscale %s exited %d:\n%s", strings.Join(args, " "), code, errOut)
		}
		return out
	}
	mustRun("topics", "create", "--partitions", "2")
	mustRun("job", "submit", "--job", "complex", "--checkpoint-interval", "1s", "--job-jar", filepath.Join(buildDir(t), "jobs", "relay-job.jar"))
	mustRun("generate", "--count", "3000", "--rate", "1000", "--devices", "20", "--duplicate-fraction", "0.01", "--seed", "1")
	sendMixedDevice(ctx, t, st.Kafka.Bootstrap, "in")
	sendClock(ctx, t, st.Kafka.Bootstrap, "in", 2)

	in := consumeFor(ctx, t, st.Kafka.Bootstrap, "in", 3*time.Second)
	records := make([]tags.Record, len(in))
	for i, r := range in {
		records[i] = tags.Record{Partition: r.Partition, Offset: r.Offset, Value: r.Value}
	}
	exp := tags.Expect(records)
	if len(exp.Must) == 0 {
		t.Fatalf("no tags expected from %d input records", len(in))
	}

	schemas, err := schema.Load(filepath.Join("..", "docs"))
	if err != nil {
		t.Fatal(err)
	}
	written := readTags(ctx, t, st.Kafka.Bootstrap, exp, schemas)
	checkMixedExampleTags(t, written)
	res := tags.Reconcile(exp, written)
	if !res.OK() {
		t.Fatalf("%d tags expected, %d written: missing %v, unexpected %v, duplicated %v", res.Expected, res.Written, head(res.Missing), head(res.Unexpected), res.Duplicated)
	}
	for _, kind := range verify.TagKinds {
		if res.ByTag[kind] == 0 {
			t.Errorf("no %s tag among %v", kind, res.ByTag)
		}
	}
	t.Logf("%d input records, %d tags as expected %v, %d NoNews pending", len(in), res.Written, res.ByTag, res.PendingOpen)

	vres := verifyComplex(ctx, t, c)
	for _, kind := range verify.TagKinds {
		if vres.Tags.ByKind[kind] != res.ByTag[kind] {
			t.Errorf("verify counts %v, the test's reconciliation %v", vres.Tags.ByKind, res.ByTag)
			break
		}
	}
	if vres.Tags.Expected != res.Expected {
		t.Errorf("verify expected %d tags, the test %d", vres.Tags.Expected, res.Expected)
	}
}

// verifyComplex runs `verify --job complex --from-beginning --json` (exactly once demanded)
// and checks its verdict: exit 0, nothing missing, unexpected or duplicated.
func verifyComplex(ctx context.Context, t *testing.T, c *cli, extra ...string) verify.Result {
	t.Helper()
	args := append([]string{"verify", "--job", "complex", "--from-beginning", "--json", "--max-duplicate-fraction", "0", "--idle-timeout", "60s"}, extra...)
	out, errOut, code := c.run(ctx, args...)
	var vres verify.Result
	if err := json.Unmarshal([]byte(out), &vres); err != nil || vres.Tags == nil {
		t.Fatalf("verify --job complex --json printed no tag result (%v):\n%s\n%s", err, out, errOut)
	}
	tr := vres.Tags
	t.Logf("verify --job complex: %d tags expected, %d written, by kind %v, pending %d/%d, tag latency p99 %.1f ms, NoNews latency p50 %.0f ms\n%s",
		tr.Expected, tr.Written, tr.ByKind, tr.PendingWritten, tr.PendingWritten+tr.PendingOpen, vres.LatencyMs.Pipeline.P99, tr.TimerLatencyMs.P50, errOut)
	if code != 0 || tr.Missing != 0 || tr.Unexpected != 0 || tr.Duplicated != 0 || tr.Expected == 0 {
		t.Fatalf("verify --job complex exited %d: %d expected, %d missing %v, %d unexpected %v, %d duplicated %v\n%s",
			code, tr.Expected, tr.Missing, tr.MissingExamples, tr.Unexpected, tr.UnexpectedExamples, tr.Duplicated, tr.DuplicatedExamples, errOut)
	}
	return vres
}

// eventAt is an input event as the generator writes its fields (the complex job reads only
// these), created at.
func eventAt(device, id, typ string, value float64, at time.Time) []byte {
	return []byte(fmt.Sprintf(`{"eventId":%q,"value":%v,"deviceId":%q,"type":%q,"createdAt":%q}`, id, value, device, typ, at.UTC().Format("2006-01-02T15:04:05.000000Z")))
}

// produceTo writes values to topic, each to its partition.
func produceTo(ctx context.Context, t *testing.T, bootstrap, topic string, values map[int32][][]byte) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for p, vs := range values {
		for _, v := range vs {
			if err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Partition: p, Value: v}).FirstErr(); err != nil {
				t.Fatalf("produce to %s/%d: %v", topic, p, err)
			}
		}
	}
}

// sendMixedDevice sends devices with both TEMP and CO2 readings to partition 0: two
// temperatures in [70, 80), then CO2 above 80, which makes HighCO2WithSeveralTemperaturesIn70s;
// and the sample's example the other way round (CO2 95, TEMP 71, TEMP 72, then TEMP 10), where
// the sample tags TEMP 72 and TEMP 10 (mixedExampleTags).
func sendMixedDevice(ctx context.Context, t *testing.T, bootstrap, topic string) {
	now := time.Now()
	produceTo(ctx, t, bootstrap, topic, map[int32][][]byte{0: {
		eventAt("mixed://device-1", "mixed-1", "TEMP", 71.5, now),
		eventAt("mixed://device-1", "mixed-2", "TEMP", 74, now.Add(time.Millisecond)),
		eventAt("mixed://device-1", "mixed-3", "CO2", 95, now.Add(2*time.Millisecond)),
		eventAt("mixed://device-2", "mixed-co2-95", "CO2", 95, now),
		eventAt("mixed://device-2", "mixed-temp-71", "TEMP", 71, now.Add(time.Millisecond)),
		eventAt("mixed://device-2", "mixed-temp-72", "TEMP", 72, now.Add(2*time.Millisecond)),
		eventAt("mixed://device-2", "mixed-temp-10", "TEMP", 10, now.Add(3*time.Millisecond)),
	}})
}

// mixedExampleTags are the value tags the sample's rules give sendMixedDevice's devices, worked
// out by hand from the sample's ComplexEventProcessingLogic.
var mixedExampleTags = []tags.Key{
	{DeviceID: "mixed://device-1", Tag: tags.SeveralTemperatures, TriggerEventID: "mixed-2"},
	{DeviceID: "mixed://device-1", Tag: tags.HighCO2, TriggerEventID: "mixed-3"},
	{DeviceID: "mixed://device-2", Tag: tags.SeveralTemperatures, TriggerEventID: "mixed-temp-72"},
	{DeviceID: "mixed://device-2", Tag: tags.HighCO2, TriggerEventID: "mixed-temp-72"},
	{DeviceID: "mixed://device-2", Tag: tags.HighCO2, TriggerEventID: "mixed-temp-10"},
}

// checkMixedExampleTags fails unless the job wrote exactly mixedExampleTags as the mixed
// devices' value tags: the hand-worked expectation, independent of internal/tags.
func checkMixedExampleTags(t *testing.T, written []tags.Key) {
	t.Helper()
	var got []string
	for _, k := range written {
		if strings.HasPrefix(k.DeviceID, "mixed://") && (k.Tag == tags.SeveralTemperatures || k.Tag == tags.HighCO2) {
			got = append(got, k.String())
		}
	}
	var want []string
	for _, k := range mixedExampleTags {
		want = append(want, k.String())
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the mixed devices' value tags: the job wrote %v, the sample's rules give %v", got, want)
	}
}

// sendClock sends one event per partition created 200 s from now: every partition's watermark
// (its latest createdAt − 60 s) then passes every earlier event's NoNews deadline (createdAt +
// 45 s), so the job's timers fire for every device whose last event came before.
func sendClock(ctx context.Context, t *testing.T, bootstrap, topic string, partitions int32) {
	at := time.Now().Add(200 * time.Second)
	values := map[int32][][]byte{}
	for p := range partitions {
		values[p] = [][]byte{eventAt(fmt.Sprintf("clock://partition-%d", p), fmt.Sprintf("clock-%d-%d", p, at.UnixNano()), "CO2", 1, at)}
	}
	produceTo(ctx, t, bootstrap, topic, values)
}

// readTags reads "out" from the start until every tag exp must have is there, then on until
// it is quiet for 3 s, so that tags beyond the expected ones show; each value must be a tag.
func readTags(ctx context.Context, t *testing.T, bootstrap string, exp tags.Expected, schemas *schema.Set) []tags.Key {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.ConsumeTopics("out"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	deadline := time.Now().Add(2 * time.Minute)
	var written []tags.Key
	seen := map[tags.Key]bool{}
	have := 0
	quietSince := time.Time{}
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		fs := cl.PollFetches(pctx)
		cancel()
		n := 0
		fs.EachRecord(func(r *kgo.Record) {
			n++
			if err := schemas.ValidateTag(r.Value); err != nil {
				t.Fatalf("out record %s is not a tag: %v", r.Value, err)
			}
			var v struct{ DeviceID, Tag, TriggerEventID string }
			if err := json.Unmarshal(r.Value, &v); err != nil {
				t.Fatal(err)
			}
			k := tags.Key{DeviceID: v.DeviceID, Tag: v.Tag, TriggerEventID: v.TriggerEventID}
			written = append(written, k)
			if exp.Must[k] && !seen[k] {
				have++
			}
			seen[k] = true
		})
		switch {
		case n > 0:
			quietSince = time.Time{}
		case quietSince.IsZero():
			quietSince = time.Now()
		}
		if have == len(exp.Must) && !quietSince.IsZero() && time.Since(quietSince) >= 3*time.Second {
			return written
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d expected tags in out after 2m", have, len(exp.Must))
		}
	}
}

// head is at most the first 5 keys, for a failure message.
func head(ks []tags.Key) []tags.Key {
	if len(ks) > 5 {
		return ks[:5]
	}
	return ks
}

// TestIntegrationComplexTaskManagerKill runs the complex job under exactly-once on a stack the
// CLI started, kills its TaskManager (kill -9) while the generator sends 2,000 events/s,
// brings a new one with `local up`, moves the watermark past every NoNews deadline (so timers
// restored from the checkpoint fire), and reconciles the tags with `verify --job complex`: the
// job restarted, and 0 tags missing, unexpected or duplicated.
func TestIntegrationComplexTaskManagerKill(t *testing.T) {
	s := startFaultStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	in, out := "cx-in", "cx-out"
	mustRun := func(args ...string) string {
		t.Helper()
		stdout, errOut, code := s.c.run(ctx, args...)
		t.Logf("streamscale %s:\n%s%s", strings.Join(args, " "), errOut, stdout)
		if code != 0 {
			t.Fatalf("streamscale %s exited %d:\n%s", strings.Join(args, " "), code, errOut)
		}
		return stdout
	}
	mustRun("topics", "create", "--partitions", "2", "--in-topic", in, "--out-topic", out)
	jobID := strings.TrimSpace(mustRun(append([]string{"job", "submit", "--job", "complex", "--guarantee", "exactly-once", "--checkpoint-interval", "1s"}, s.jobFlags(in, out)...)...))
	t.Cleanup(func() { s.c.run(context.Background(), "job", "cancel", jobID) })

	const rate, seconds = 2000, 30
	b := s.start(ctx, "generate", "--topic", in, "--rate", fmt.Sprint(rate), "--duration", fmt.Sprintf("%ds", seconds), "--devices", "100", "--duplicate-fraction", "0.01", "--seed", "3")
	s.waitForRecords(ctx, b, in, rate*seconds/3)
	st := s.status(ctx)
	if len(st.Flink.TaskManagerPIDs) != 1 {
		t.Fatalf("want 1 TaskManager, status shows %v", st.Flink.TaskManagerPIDs)
	}
	s.kill(st.Flink.TaskManagerPIDs[0])
	s.up(ctx)
	if stdout, errOut, code := b.wait(t); code != 0 {
		t.Fatalf("generate exited %d:\n%s%s", code, stdout, errOut)
	}
	sendMixedDevice(ctx, t, s.bootstrap, in)
	sendClock(ctx, t, s.bootstrap, in, 2)

	vres := verifyComplex(ctx, t, s.c, "--input-topic", in, "--topic", out)
	if n := numRestarts(ctx, t, s.rest, jobID); n < 1 {
		t.Fatalf("job %s has %d restarts: the kill did not reach it", jobID, n)
	}
	if vres.InputEvents < rate*seconds || vres.Tags.ByKind[tags.NoNews] == 0 || vres.Tags.ByKind[tags.HighCO2] == 0 {
		t.Fatalf("%d input events (want %d and more), tags by kind %v: want NoNews and HighCO2 tags too", vres.InputEvents, rate*seconds, vres.Tags.ByKind)
	}
}
