//go:build integration

package integration

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/relay"
)

const events = 10_000

// TestIntegrationPipeline runs the real pipeline — Kafka broker, Flink cluster, relay job —
// sends 10,000 generated events and checks every output record against its input byte for
// byte; then a record from Kafka's own console producer (another client) must come out with
// both fields, and a non-JSON record must land in the dead-letter topic.
func TestIntegrationPipeline(t *testing.T) {
	_, st := startStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	r := startRelay(ctx, t, st, "in", "out")
	fc, spec, job := r.fc, r.spec, r.job
	again, err := relay.Ensure(ctx, fc, spec, logWriter{t})
	if err != nil || !again.Reused || again.JobID != job.JobID {
		t.Fatalf("second Ensure = %+v, %v; want the running job %s reused", again, err, job.JobID)
	}
	// The job shows its brokers, so a relay of the same name for another cluster is not reused.
	if params, err := fc.JobUserConfig(ctx, job.JobID); err != nil || params["bootstrap-servers"] != st.Kafka.Bootstrap {
		t.Fatalf("job user config = %v, %v; want bootstrap-servers %s", params, err, st.Kafka.Bootstrap)
	}
	other := spec
	other.Brokers = "elsewhere:9092"
	if found, ok, err := relay.Find(ctx, fc, other); err != nil || ok {
		t.Fatalf("Find for other brokers = %+v, %v, %v; want none", found, ok, err)
	}

	gcfg := generate.DefaultConfig()
	gcfg.Count, gcfg.Rate, gcfg.DuplicateFraction, gcfg.Seed = events, 5000, 0, 1
	sum, err := generate.Run(ctx, r.producer, gcfg, nil)
	if err != nil || sum.Acked != events {
		t.Fatalf("generate: %+v, %v", sum, err)
	}

	inputs := consume(ctx, t, st.Kafka.Bootstrap, "in", events)
	outputs := consume(ctx, t, st.Kafka.Bootstrap, "out", events)
	byValue := make(map[string]*kgo.Record, len(inputs))
	for _, r := range inputs {
		byValue[string(r.Value)] = r
	}
	schemas := loadSchemas(t)
	matched := map[string]bool{}
	for _, out := range outputs {
		if err := schemas.ValidateOutput(out.Value); err != nil {
			t.Fatalf("an output record does not match docs/output.schema.json: %v\n%s", err, out.Value)
		}
		in, enq, proc := splitOutput(t, out.Value)
		if err := schemas.ValidateEvent(in); err != nil {
			t.Fatalf("its input does not match docs/event.schema.json: %v\n%s", err, in)
		}
		src, ok := byValue[string(in)]
		if !ok {
			t.Fatalf("output %s is not an input plus the two fields", out.Value)
		}
		if matched[string(in)] {
			t.Fatalf("input relayed twice: %s", in)
		}
		matched[string(in)] = true
		if !bytes.Equal(out.Key, src.Key) {
			t.Fatalf("key %q, want %q", out.Key, src.Key)
		}
		if want := src.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z"); enq != want {
			t.Fatalf("enqueuedAt %s, want the input record's timestamp %s", enq, want)
		}
		e, _ := time.Parse(time.RFC3339Nano, enq)
		p, err := time.Parse(time.RFC3339Nano, proc)
		if err != nil || p.Before(e) {
			t.Fatalf("processedAt %s is not a time at or after enqueuedAt %s", proc, enq)
		}
	}
	if len(outputs) != events || len(matched) != events {
		t.Fatalf("%d outputs matched %d inputs, want exactly %d", len(outputs), len(matched), events)
	}
	if extra := consumeFor(ctx, t, st.Kafka.Bootstrap, "out", 3*time.Second); len(extra) != events {
		t.Fatalf("out holds %d records after settling, want exactly %d", len(extra), events)
	}

	// Another Kafka client: Kafka's own console producer.
	runtimeDir := filepath.Join(buildDir(t), "runtime", "kafka", "*")
	cmd := exec.CommandContext(ctx, "java", "-cp", runtimeDir, "org.apache.kafka.tools.ConsoleProducer",
		"--bootstrap-server", st.Kafka.Bootstrap, "--topic", "in")
	cmd.Stdin = strings.NewReader("{\"from\":\"console-producer\"}\nnot json\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kafka console producer: %v\n%s", err, out)
	}
	all := consume(ctx, t, st.Kafka.Bootstrap, "out", events+1)
	found := false
	for _, r := range all {
		if bytes.HasPrefix(r.Value, []byte(`{"from":"console-producer","enqueuedAt":"`)) && bytes.Contains(r.Value, []byte(`","processedAt":"`)) {
			found = true
		}
	}
	if !found {
		t.Fatal("the console producer's record did not come out of \"out\" with both fields")
	}
	dead := consume(ctx, t, st.Kafka.Bootstrap, "in-dead-letter", 1)
	if string(dead[0].Value) != "not json" || !hasHeader(dead[0], "streamscale.error") {
		t.Fatalf("dead letter = %q with headers %v", dead[0].Value, dead[0].Headers)
	}
}

// TestIntegrationJobFailureIsExplained submits the relay job with a bad argument and expects
// Flink's exception in the error.
func TestIntegrationJobFailureIsExplained(t *testing.T) {
	st := sharedStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fc := sharedFlink(t, st)
	jar, err := fc.UploadJar(ctx, filepath.Join(buildDir(t), "jobs", "relay-job.jar"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = fc.RunJar(ctx, jar, flink.RunRequest{EntryClass: relay.EntryClass, ProgramArgsList: []string{"--input-topic", "in"}})
	if err == nil || !strings.Contains(err.Error(), "--bootstrap-servers is required") {
		t.Fatalf("RunJar without --bootstrap-servers = %v, want Flink's exception naming the flag", err)
	}
}

// TestIntegrationTooFewSlotsIsRefused: on the real JobManager, a relay job that needs more
// slots than the stack has is refused at once with the slot counts, and no job is left.
func TestIntegrationTooFewSlotsIsRefused(t *testing.T) {
	st := sharedStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fc := sharedFlink(t, st)
	ov, err := fc.Overview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	spec := relay.Spec{
		JarPath: filepath.Join(buildDir(t), "jobs", "relay-job.jar"), Brokers: st.Kafka.Bootstrap,
		InTopic: "slots-in", OutTopic: "slots-out", DeadLetterTopic: "slots-dead-letter",
		Parallelism: ov.SlotsTotal + 1, FixedSlots: true, SlotWait: time.Second,
	}
	_, err = relay.Ensure(ctx, fc, spec, nil)
	var se *relay.SlotsError
	if !errors.As(err, &se) || se.Total != ov.SlotsTotal || se.Need != ov.SlotsTotal+1 {
		t.Fatalf("Ensure with parallelism %d on %d slots = %v, want a SlotsError", spec.Parallelism, ov.SlotsTotal, err)
	}
	if _, found, err := relay.Find(ctx, fc, spec); err != nil || found {
		t.Fatalf("a relay job for the refused spec exists (found %v, %v)", found, err)
	}
}

// splitOutput splits an output value into the input bytes it must start with and the two
// added timestamps.
func splitOutput(t *testing.T, v []byte) (in []byte, enqueued, processed string) {
	t.Helper()
	const enq, proc = `,"enqueuedAt":"`, `","processedAt":"`
	i := bytes.LastIndex(v, []byte(enq))
	j := bytes.LastIndex(v, []byte(proc))
	if i < 0 || j < i || !bytes.HasSuffix(v, []byte(`"}`)) {
		t.Fatalf("output lacks the two fields at its end: %s", v)
	}
	in = append(append([]byte(nil), v[:i]...), '}')
	return in, string(v[i+len(enq) : j]), string(v[j+len(proc) : len(v)-2])
}

func hasHeader(r *kgo.Record, key string) bool {
	for _, h := range r.Headers {
		if h.Key == key && len(h.Value) > 0 {
			return true
		}
	}
	return false
}

// consume reads topic from the start until it has n records (consumeUntil), or fails the test.
func consume(ctx context.Context, t *testing.T, bootstrap, topic string, n int) []*kgo.Record {
	t.Helper()
	out, ok := consumeUntil(ctx, t, bootstrap, []string{topic}, n)
	if !ok {
		t.Fatalf("%s: %d of %d records before the timeout", topic, len(out), n)
	}
	return out
}

// consumeFor reads topic from the start until no record arrives for quiet.
func consumeFor(ctx context.Context, t *testing.T, bootstrap, topic string, quiet time.Duration) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []*kgo.Record
	for {
		pctx, cancel := context.WithTimeout(ctx, quiet)
		fs := cl.PollFetches(pctx)
		cancel()
		recs := fs.Records()
		if len(recs) == 0 {
			return out
		}
		out = append(out, recs...)
	}
}
