package cli

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestCommandFlagsToOptions: each command's flags and arguments reach its options through
// runF, without Kafka or Flink (gh's first layer of command tests).
func TestCommandFlagsToOptions(t *testing.T) {
	f, _, _ := testFactory()
	t.Run("job stop", func(t *testing.T) {
		var got *jobStopOptions
		cmd := newJobStopCmd(f, func(_ context.Context, o *jobStopOptions) error { got = o; return nil })
		if err := execute(cmd, "abc", "--savepoint-dir", "/sp", "--timeout", "1m", "--job", "complex", "--in-topic", "a"); err != nil {
			t.Fatal(err)
		}
		if got.id != "abc" || got.savepointDir != "file:///sp" || got.timeout != time.Minute || got.kind != "complex" || got.topics.In != "a" {
			t.Errorf("options %+v", got)
		}
	})
	t.Run("job cancel", func(t *testing.T) {
		var got *jobCancelOptions
		cmd := newJobCancelCmd(f, func(_ context.Context, o *jobCancelOptions) error { got = o; return nil })
		if err := execute(cmd, "--out-topic", "b", "--flink-url", "http://flink:8081"); err != nil {
			t.Fatal(err)
		}
		if got.id != "" || got.topics.Out != "b" || got.conn.FlinkURL != "http://flink:8081" {
			t.Errorf("options %+v", got)
		}
	})
	t.Run("job submit", func(t *testing.T) {
		var got *jobSubmitOptions
		cmd := newJobSubmitCmd(f, func(_ context.Context, o *jobSubmitOptions) error { got = o; return nil })
		if err := execute(cmd, "--from-savepoint", "/x/sp", "--guarantee", "exactly-once", "--job", "complex"); err != nil {
			t.Fatal(err)
		}
		if got.fromSavepoint != "file:///x/sp" || got.job.Guarantee != "exactly-once" || got.job.Job != "complex" {
			t.Errorf("options %+v", got)
		}
	})
	t.Run("job resume", func(t *testing.T) {
		var got *jobResumeOptions
		cmd := newJobResumeCmd(f, func(_ context.Context, o *jobResumeOptions) error { got = o; return nil })
		if err := execute(cmd, "--dedup", "--in-topic", "i"); err != nil {
			t.Fatal(err)
		}
		if !got.job.Dedup || got.topics.In != "i" {
			t.Errorf("options %+v", got)
		}
	})
	t.Run("topics delete", func(t *testing.T) {
		var got *topicsOptions
		cmd := newTopicsDeleteCmd(f, func(_ context.Context, o *topicsOptions) error { got = o; return nil })
		if err := execute(cmd, "x", "y"); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.names, []string{"x", "y"}) {
			t.Errorf("names %v", got.names)
		}
	})
	t.Run("topics create", func(t *testing.T) {
		var got *topicsOptions
		cmd := newTopicsCreateCmd(f, func(_ context.Context, o *topicsOptions) error { got = o; return nil })
		if err := execute(cmd, "--tier", "5", "--dead-letter-topic", "dl"); err != nil {
			t.Fatal(err)
		}
		if got.topics.Tier != 5 || got.topics.Relay().DeadLetter != "dl" {
			t.Errorf("options %+v", got.topics)
		}
	})
	t.Run("peek", func(t *testing.T) {
		var got *peekOptions
		cmd := newPeekCmd(f, func(_ context.Context, o *peekOptions) error { got = o; return nil })
		if err := execute(cmd, "in", "-n", "2", "--raw"); err != nil {
			t.Fatal(err)
		}
		if got.topic != "in" || got.n != 2 || !got.raw {
			t.Errorf("options %+v", got)
		}
	})
	t.Run("yarn session stop", func(t *testing.T) {
		var got *yarnSessionOptions
		cmd := newYarnSessionStopCmd(f, func(_ context.Context, o *yarnSessionOptions) error { got = o; return nil })
		if err := execute(cmd, "--application-id", "application_1_2", "--name", "s"); err != nil {
			t.Fatal(err)
		}
		if got.ApplicationID != "application_1_2" || got.Session.Name != "s" {
			t.Errorf("options %+v", got)
		}
	})
}
