//go:build integration

package integration

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
)

// TestIntegrationJobStopResume drives the built CLI against a real stack: the relay relays a
// first batch; `job stop` takes a savepoint, prints where it is and records it; a second batch
// arrives while no relay runs; `job list` shows the savepoint; `job submit --from-savepoint
// last` is refused while a relay runs and `job resume` starts a new job from that savepoint
// (Flink says so: latest.restored); cancelled, it resumes from its retained checkpoint. Out then
// holds each event of the three batches exactly once.
func TestIntegrationJobStopResume(t *testing.T) {
	stack, st := startStack(t)
	home := stack.Config().Home
	c := newCLI(t)
	c.env = append(c.env, "STREAMSCALE_HOME="+home) // the last value wins: this stack's home
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	fc := sharedFlink(t, st)

	mustRun := func(args ...string) string {
		t.Helper()
		out, errOut, code := c.run(ctx, args...)
		t.Logf("streamscale %s:\n%s%s", strings.Join(args, " "), errOut, out)
		if code != 0 {
			t.Fatalf("streamscale %s exited %d:\n%s", strings.Join(args, " "), code, errOut)
		}
		return strings.TrimSpace(out)
	}
	const batch = 3000
	jar := filepath.Join(buildDir(t), "jobs", "relay-job.jar")
	mustRun("topics", "create", "--partitions", "2")
	first := mustRun("job", "submit", "--checkpoint-interval", "1s", "--job-jar", jar)
	mustRun("generate", "--count", "3000", "--rate", "3000", "--duplicate-fraction", "0", "--seed", "1")
	consume(ctx, t, st.Kafka.Bootstrap, "out", batch)

	savepoint := mustRun("job", "stop")
	if !strings.HasPrefix(savepoint, "file:") || !strings.Contains(savepoint, local.SavepointsDir(home)) {
		t.Fatalf("job stop printed %q, want a savepoint under %s", savepoint, local.SavepointsDir(home))
	}
	if _, err := os.Stat(filepath.Join(strings.TrimPrefix(strings.TrimPrefix(savepoint, "file:"), "//"), "_metadata")); err != nil {
		t.Fatalf("the savepoint has no _metadata: %v", err)
	}
	if state, err := fc.WaitTerminal(ctx, first); err != nil || state != flink.StateFinished {
		t.Fatalf("the stopped job is %s, %v; want FINISHED", state, err)
	}
	rec, ok, err := relay.LoadStopped(local.JobsDir(home), "streamscale-relay in->out")
	if err != nil || !ok || rec.Savepoint != savepoint || rec.JobID != first {
		t.Fatalf("record = %+v, %v, %v; want job %s's savepoint %s", rec, ok, err, first, savepoint)
	}
	if list := mustRun("job", "list"); !strings.Contains(list, savepoint) {
		t.Fatalf("job list does not show the savepoint:\n%s", list)
	}

	// While no relay runs.
	mustRun("generate", "--count", "3000", "--rate", "3000", "--duplicate-fraction", "0", "--seed", "2")

	second := mustRun("job", "resume", "--checkpoint-interval", "1s", "--job-jar", jar)
	if second == first || second == "" {
		t.Fatalf("job resume printed %q", second)
	}
	stats, err := fc.Checkpoints(ctx, second)
	if err != nil || stats.Latest.Restored == nil || !strings.HasSuffix(strings.TrimRight(stats.Latest.Restored.ExternalPath, "/"), filepath.Base(strings.TrimRight(savepoint, "/"))) {
		t.Fatalf("the resumed job's restored checkpoint = %+v, %v; want %s", stats.Latest.Restored, err, savepoint)
	}
	_, errOut, code := c.run(ctx, "job", "submit", "--from-savepoint", "last", "--job-jar", jar)
	if code == 0 || !strings.Contains(errOut, "stop it first") {
		t.Fatalf("job submit --from-savepoint with a relay running exited %d: %s", code, errOut)
	}

	consume(ctx, t, st.Kafka.Bootstrap, "out", 2*batch)
	checkOnce(ctx, t, st.Kafka.Bootstrap, 2*batch)

	// Cancelled, the relay keeps its checkpoints: once one has completed after the output
	// settled (so it holds every input offset), resume starts from it, newer than the
	// savepoint, and nothing is written twice.
	afterSettled := completedCheckpoint(ctx, t, fc, second, 0)
	completedCheckpoint(ctx, t, fc, second, afterSettled+1)
	mustRun("job", "cancel")
	if state, err := fc.WaitTerminal(ctx, second); err != nil || state != flink.StateCanceled {
		t.Fatalf("the cancelled job is %s, %v", state, err)
	}
	_, errOut, code = c.run(ctx, "job", "resume", "--checkpoint-interval", "1s", "--job-jar", jar)
	if code != 0 || !strings.Contains(errOut, "resuming from the checkpoint of job "+second) {
		t.Fatalf("job resume after cancel exited %d; want it to resume from job %s's retained checkpoint:\n%s", code, second, errOut)
	}
	mustRun("generate", "--count", "3000", "--rate", "3000", "--duplicate-fraction", "0", "--seed", "3")
	consume(ctx, t, st.Kafka.Bootstrap, "out", 3*batch)
	checkOnce(ctx, t, st.Kafka.Bootstrap, 3*batch)
	mustRun("job", "cancel")
}

// checkOnce waits until out stops growing and checks it holds want distinct events, none twice.
func checkOnce(ctx context.Context, t *testing.T, bootstrap string, want int) {
	t.Helper()
	settled := consumeFor(ctx, t, bootstrap, "out", 3*time.Second)
	seen := map[string]bool{}
	for _, r := range settled {
		in, _, _ := splitOutput(t, r.Value)
		if seen[string(in)] {
			t.Fatalf("an event came out twice: %s", in)
		}
		seen[string(in)] = true
	}
	if len(seen) != want {
		t.Fatalf("out holds %d distinct events, want each of the %d sent exactly once", len(seen), want)
	}
}

// completedCheckpoint polls the job's checkpoint statistics until its latest completed
// checkpoint's id is at least atLeast and returns that id.
func completedCheckpoint(ctx context.Context, t *testing.T, fc *flink.Client, jobID string, atLeast int64) int64 {
	t.Helper()
	for {
		st, err := fc.Checkpoints(ctx, jobID)
		if err != nil {
			t.Fatal(err)
		}
		if cp := st.Latest.Completed; cp != nil && cp.ID >= atLeast {
			return cp.ID
		}
		select {
		case <-ctx.Done():
			t.Fatalf("job %s completed no checkpoint %d: %v", jobID, atLeast, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}
