//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/schema"
	"github.com/streamscale/streamscale/internal/tags"
)

// TestIntegrationJobSubmitComplex drives the built CLI against a real stack: `job submit --job
// complex` runs the complex job, `generate` sends the generator's events (source duplicates
// included), and the output holds exactly the tags internal/tags recomputes from the input:
// none missing, unexpected or duplicated, every record valid against docs/tag.schema.json, and
// the tag kinds the generator's load can fire (FirstTagForThisKey, <n>RecordsForThisKey,
// SeveralTemperaturesIn70s) all there. NoNews tags stay pending: the load never pauses 45 s.
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
	res := tags.Reconcile(exp, written)
	if !res.OK() {
		t.Fatalf("%d tags expected, %d written: missing %v, unexpected %v, duplicated %v", res.Expected, res.Written, head(res.Missing), head(res.Unexpected), res.Duplicated)
	}
	for _, kind := range []string{tags.First, "<n>" + tags.RecordsSuffix, tags.SeveralTemperatures} {
		if res.ByTag[kind] == 0 {
			t.Errorf("no %s tag among %v", kind, res.ByTag)
		}
	}
	t.Logf("%d input records, %d tags as expected %v, %d NoNews pending", len(in), res.Written, res.ByTag, res.PendingOpen)
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
