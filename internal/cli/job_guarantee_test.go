package cli

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/flinktest"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// parseJobFlags parses args into job flags on a bare command and validates them.
func parseJobFlags(t *testing.T, args ...string) (*relay.Options, error) {
	t.Helper()
	j := pipeline.DefaultJobOptions()
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error {
		if err := j.Validate(); err != nil {
			return flagErrorf(err) // as the commands do
		}
		return nil
	}}
	j.AddFlags(cmd.Flags())
	j.AddJobFlag(cmd.Flags())
	return j, execute(cmd, args...)
}

// TestJobFlagsTuning: --buffer-timeout and --job-linger reach the job only when given, zero
// included, so that a job jar that predates them still runs.
func TestJobFlagsTuning(t *testing.T) {
	j, err := parseJobFlags(t)
	if err != nil {
		t.Fatal(err)
	}
	if s := j.Spec(kafkaconn.Conn{Brokers: []string{"b:9092"}}, pipeline.DefaultTopicOptions().Relay(), 2); s.BufferTimeout != nil || s.Linger != nil {
		t.Fatalf("defaults passed: buffer timeout %v, linger %v", s.BufferTimeout, s.Linger)
	}
	j, err = parseJobFlags(t, "--buffer-timeout", "0s", "--job-linger", "20ms")
	if err != nil {
		t.Fatal(err)
	}
	s := j.Spec(kafkaconn.Conn{Brokers: []string{"b:9092"}}, pipeline.DefaultTopicOptions().Relay(), 2)
	if s.BufferTimeout == nil || *s.BufferTimeout != 0 || s.Linger == nil || *s.Linger != 20*time.Millisecond {
		t.Fatalf("buffer timeout %v, linger %v; want 0 and 20ms", s.BufferTimeout, s.Linger)
	}
}

// TestJobFlagsValidate: every bad value or combination is a usage error (exit 2) of one line
// that names the flag.
func TestJobFlagsValidate(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{args: nil},
		{args: []string{"--guarantee", "exactly-once"}},
		{args: []string{"--guarantee", "none"}},
		{args: []string{"--dedup"}},
		{args: []string{"--dedup", "--dedup-window", "5"}},
		{args: []string{"--restart-strategy", "fixed-delay", "--restart-attempts", "3", "--restart-delay", "2s"}},
		{args: []string{"--guarantee", "exactly-once", "--transaction-timeout", "5m"}},
		{args: []string{"--checkpoint-dir", "/var/ckpt"}},
		{args: []string{"--checkpoint-dir", "s3://bucket/ckpt"}},
		{args: []string{"--guarantee", "exactly_once"}, wantErr: "--guarantee: \"exactly_once\" is not a delivery guarantee: use at-least-once, exactly-once or none"},
		{args: []string{"--dedup", "--dedup-window", "0"}, wantErr: "--dedup-window: 0 must be at least 1"},
		{args: []string{"--dedup-window", "50"}, wantErr: "--dedup-window needs --dedup"},
		{args: []string{"--checkpoint-interval", "0s"}, wantErr: "--checkpoint-interval: 0s is below Flink's minimum"},
		{args: []string{"--guarantee", "none", "--checkpoint-interval", "5s"}, wantErr: "--guarantee none takes no checkpoints"},
		{args: []string{"--transaction-timeout", "5m"}, wantErr: "--transaction-timeout needs --guarantee exactly-once"},
		{args: []string{"--guarantee", "exactly-once", "--transaction-timeout", "20m"}, wantErr: "at most Kafka's transaction.max.timeout.ms"},
		{args: []string{"--guarantee", "exactly-once", "--checkpoint-interval", "30s", "--transaction-timeout", "10s"}, wantErr: "above the checkpoint interval (30s)"},
		{args: []string{"--guarantee", "exactly-once", "--checkpoint-interval", "10m"}, wantErr: "is not below the transaction timeout (10m0s)"},
		{args: []string{"--restart-strategy", "failure-rate"}, wantErr: "--restart-strategy: \"failure-rate\" is not a restart strategy"},
		{args: []string{"--restart-strategy", "none", "--restart-attempts", "2"}, wantErr: "need --restart-strategy fixed-delay"},
		{args: []string{"--restart-delay", "2s"}, wantErr: "need --restart-strategy fixed-delay"},
		{args: []string{"--restart-strategy", "fixed-delay", "--restart-attempts", "0"}, wantErr: "--restart-attempts: 0 must be at least 1"},
		{args: []string{"--dedup", "--dedup-window", "1000001"}, wantErr: "above the job's limit of 1000000"},
		{args: []string{"--restart-strategy", "none"}},
		{args: []string{"--job", "complex"}},
		{args: []string{"--job", "relay", "--dedup"}},
		{args: []string{"--job", "complex", "--guarantee", "exactly-once"}},
		{args: []string{"--job", "cep"}, wantErr: "--job: unknown job \"cep\": use relay or complex"},
		{args: []string{"--job", "complex", "--dedup"}, wantErr: "--dedup is for the relay"},
		{args: []string{"--job", "complex", "--dedup-window", "5"}, wantErr: "--dedup is for the relay"},
		{args: []string{"--checkpoint-dir", "relative/dir"}, wantErr: "--checkpoint-dir: \"relative/dir\" is neither an absolute path nor a URI"},
		{args: []string{"--buffer-timeout", "0s", "--job-linger", "0s"}},
		{args: []string{"--buffer-timeout", "-1ms"}, wantErr: "--buffer-timeout: -1ms must be between 0 and 1m"},
		{args: []string{"--job-linger", "2m"}, wantErr: "--job-linger: 2m0s must be between 0 and 1m"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, err := parseJobFlags(t, tt.args...)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var fe *FlagError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v (%T), want a one-line usage error with %q", err, err, tt.wantErr)
			}
		})
	}
}

// TestJobFlagsSpec: what the flags make of the relay's spec: the checkpoint interval follows
// the guarantee unless given, dedup's window only with --dedup, the local stack's checkpoint
// directory per topic pair, Event Hubs' record size.
func TestJobFlagsSpec(t *testing.T) {
	home := "/h"
	tests := []struct {
		name string
		args []string
		conn kafkaconn.Conn
		want func(relay.Spec) bool
	}{
		{name: "defaults", want: func(s relay.Spec) bool {
			return s.Guarantee == relay.AtLeastOnce && s.CheckpointInterval == 10*time.Second && s.DedupWindow == 0 &&
				s.CheckpointDir == "file:///h/flink/checkpoints/"+s.TransactionalIDPrefix() && s.MaxRecordBytes == 0 && s.Restart == relay.Restart{}
		}},
		{name: "exactly-once checkpoints every second", args: []string{"--guarantee", "exactly-once"}, want: func(s relay.Spec) bool {
			return s.Guarantee == relay.ExactlyOnce && s.CheckpointInterval == time.Second
		}},
		{name: "an interval given wins", args: []string{"--guarantee", "exactly-once", "--checkpoint-interval", "3s"}, want: func(s relay.Spec) bool {
			return s.CheckpointInterval == 3*time.Second
		}},
		{name: "dedup with its default window", args: []string{"--dedup"}, want: func(s relay.Spec) bool { return s.DedupWindow == 100 }},
		{name: "restart and dir", args: []string{"--restart-strategy", "fixed-delay", "--restart-attempts", "4", "--restart-delay", "1s", "--checkpoint-dir", "/data/ck"},
			want: func(s relay.Spec) bool {
				return s.Restart == relay.Restart{Strategy: relay.RestartFixedDelay, Attempts: 4, Delay: time.Second} && s.CheckpointDir == "file:///data/ck"
			}},
		{name: "the complex job", args: []string{"--job", "complex"}, want: func(s relay.Spec) bool {
			return s.Job == relay.JobComplex && s.MainClass() == relay.ComplexEntryClass && s.JobName() == "streamscale-complex in->out" &&
				s.CheckpointDir == "file:///h/flink/checkpoints/"+s.TransactionalIDPrefix() && strings.Contains(s.TransactionalIDPrefix(), "complex")
		}},
		{name: "the relay by default", want: func(s relay.Spec) bool {
			return s.Job == relay.JobRelay && s.MainClass() == relay.EntryClass && s.JobName() == "streamscale-relay in->out"
		}},
		{name: "event hubs record size", conn: kafkaconn.Conn{EventHubs: true}, want: func(s relay.Spec) bool {
			return s.MaxRecordBytes == relay.EventHubsMaxRecordBytes
		}},
	}
	f, _, _ := testFactory()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := parseJobFlags(t, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			cf := f.newConn()
			cf.Home = home
			if s := cf.JobSpec(*j, tt.conn, pipeline.DefaultTopicOptions().Relay(), 2); !tt.want(s) {
				t.Fatalf("spec = %+v", s)
			}
		})
	}
}

// TestExactlyOnceRefusedOnEventHubs: run, job submit and bench relay refuse exactly-once
// against Event Hubs with one line that says why and what works, before asking Kafka or Flink
// anything (Flink's stub fails the test on any request).
func TestExactlyOnceRefusedOnEventHubs(t *testing.T) {
	for _, args := range [][]string{
		{"job", "submit"}, {"job", "resume"}, {"run"}, {"bench", "relay"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			f, _, _ := testFactory()
			f.Kafka = eventHubsConn(t)
			err := execute(NewRootCmd(f, "test"), append(args, "--guarantee", "exactly-once", "--flink-url", flinkStub(t, ""))...)
			var fe *FlagError
			if !errors.As(err, &fe) || !errors.Is(err, relay.ErrExactlyOnceEventHubs) {
				t.Fatalf("error %v (%T), want the Event Hubs refusal as a usage error", err, err)
			}
			for _, w := range []string{"no Kafka transactions", "at-least-once", "--dedup"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("refusal %q lacks %q", err, w)
				}
			}
		})
	}
}

// lifecycleStub is the Flink REST double (flinktest; not a Flink cluster) with one job,
// "abc" (name "": the relay's, streamscale-relay in->out), in state, with a retained checkpoint
// unless noCheckpoints; it takes no jar.
func lifecycleStub(t *testing.T, state flink.JobState, name string, noCheckpoints bool) *flinktest.Server {
	st := flinktest.New(t)
	if name == "" {
		name = "streamscale-relay in->out"
	}
	j := flinktest.Job{Name: name, States: []flink.JobState{state}}
	if !noCheckpoints {
		j.Checkpoints = `{"counts":{"restored":0,"total":3,"in_progress":0,"completed":3,"failed":0},"latest":{"completed":{"className":"completed","id":3,"status":"COMPLETED","is_savepoint":false,"trigger_timestamp":1000,"latest_ack_timestamp":2000,"external_path":"file:/h/flink/checkpoints/x/abc/chk-3","discarded":false},"savepoint":null,"failed":null,"restored":null},"history":[]}`
	}
	st.Add("abc", j)
	st.RefuseUploads = true
	return st
}

// TestJobStopStub: job stop takes a savepoint into the local stack's directory without
// draining, prints where it is and records it; job list then shows it and the last
// checkpoint; a savepoint that fails shows Flink's root cause in one line.
func TestJobStopStub(t *testing.T) {
	st := lifecycleStub(t, flink.StateRunning, "", false)
	home := t.TempDir()
	f, out, _ := testFactory()
	// The local stack's endpoints file points job stop at the stub, as a local Flink.
	writeEndpoints(t, home, st.URL)
	if err := execute(NewRootCmd(f, "test"), "job", "stop", "--home", home); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out.String()); got != "file:/h/flink/savepoints/savepoint-abc-1" {
		t.Fatalf("job stop printed %q", got)
	}
	want := `"targetDirectory":"file://` + local.SavepointsDir(home) + `"`
	if !strings.Contains(st.StopBody, want) || !strings.Contains(st.StopBody, `"drain":false`) {
		t.Errorf("stop request %s, want %s and drain false", st.StopBody, want)
	}
	rec, ok, err := relay.LoadStopped(local.JobsDir(home), "streamscale-relay in->out")
	if err != nil || !ok || rec.Savepoint != "file:/h/flink/savepoints/savepoint-abc-1" || rec.JobID != "abc" {
		t.Fatalf("record = %+v, %v, %v", rec, ok, err)
	}

	out.Reset()
	if err := execute(NewRootCmd(f, "test"), "job", "list", "--home", home); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"LAST SAVEPOINT", "LAST CHECKPOINT", "file:/h/flink/savepoints/savepoint-abc-1", "#3", "chk-3"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("job list lacks %q:\n%s", w, out.String())
		}
	}

	st.SetStates("abc", flink.StateRunning)
	st.SavepointFails = true
	err = execute(NewRootCmd(f, "test"), "job", "stop", "--home", home)
	if err == nil || !strings.Contains(err.Error(), "CheckpointException: Task has failed.") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("failed savepoint: %v; want Flink's root cause in one line", err)
	}
}

// TestJobStopComplexStub: job stop finds the complex job for the topics when it is the one
// that runs, and records its kind; --job relay then finds none; the recorded savepoint is
// refused to the relay (its state is the complex job's).
func TestJobStopComplexStub(t *testing.T) {
	st := lifecycleStub(t, flink.StateRunning, "streamscale-complex in->out", false)
	home := t.TempDir()
	writeEndpoints(t, home, st.URL)
	f, _, _ := testFactory()
	err := execute(NewRootCmd(f, "test"), "job", "stop", "--home", home, "--job", "relay")
	if err == nil || !strings.Contains(err.Error(), `no job named "streamscale-relay in->out" runs`) {
		t.Fatalf("job stop --job relay = %v, want no relay found", err)
	}
	if err := execute(NewRootCmd(f, "test"), "job", "stop", "--home", home); err != nil {
		t.Fatal(err)
	}
	rec, ok, err := relay.LoadStopped(local.JobsDir(home), "streamscale-complex in->out")
	if err != nil || !ok || rec.Job != relay.JobComplex || rec.Kind() != relay.JobComplex {
		t.Fatalf("record = %+v, %v, %v; want the complex job's", rec, ok, err)
	}
	conn := f.newConn()
	conn.Home = home
	resolveSavepoint := func(s relay.Spec) (string, error) {
		p, err := relay.ResolveSavepoint(t.Context(), nil, s, rec.Savepoint, conn.ResumeSources(), f.IO.ErrOut)
		return p, usageOf(err)
	}
	_, err = resolveSavepoint(relay.Spec{InTopic: "in", OutTopic: "out"})
	var fe *FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "add --job complex") {
		t.Fatalf("the relay from the complex job's savepoint: %v, want a usage error asking for --job complex", err)
	}
	if p, err := resolveSavepoint(relay.Spec{Job: relay.JobComplex, InTopic: "in", OutTopic: "out"}); err != nil || p != rec.Savepoint {
		t.Fatalf("the complex job from its savepoint: %q, %v", p, err)
	}
}

// TestJobStopNeedsSavepointDirElsewhere: on a Flink other than the local stack's, without a
// configured savepoint directory, --savepoint-dir is required (a usage error).
func TestJobStopNeedsSavepointDirElsewhere(t *testing.T) {
	st := lifecycleStub(t, flink.StateRunning, "", false)
	st.JobManagerConfig = `[{"key":"rest.port","value":"8081"}]`
	f, _, _ := testFactory()
	err := execute(NewRootCmd(f, "test"), "job", "stop", "--flink-url", st.URL, "--home", t.TempDir())
	var fe *FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "--savepoint-dir is required") {
		t.Fatalf("job stop = %v, want a usage error asking for --savepoint-dir", err)
	}
}

// writeEndpoints writes a local stack's stack.json in home whose Flink REST port is
// flinkURL's (a stub on 127.0.0.1), so that commands take it for the local Flink.
func writeEndpoints(t *testing.T, home, flinkURL string) {
	t.Helper()
	u, err := url.Parse(flinkURL)
	if err != nil {
		t.Fatal(err)
	}
	state := fmt.Sprintf(`{"version":1,"config":{"kafkaPort":1,"controllerPort":2,"metricsPort":3,"flinkRestPort":%s,"flinkRpcPort":4,"slots":2}}`, u.Port())
	if err := os.WriteFile(filepath.Join(home, "stack.json"), []byte(state), 0o644); err != nil {
		t.Fatal(err)
	}
	if ep, err := local.ReadEndpoints(home); err != nil || ep.FlinkURL != flinkURL {
		t.Fatalf("endpoints %+v, %v; want Flink at %s", ep, err, flinkURL)
	}
}

// TestJobResumeStub: job resume starts from the cancelled relay's retained checkpoint (it
// says so, then submits: the stub has no jar endpoints, so the submission fails); without a
// recorded savepoint or a retained checkpoint it fails with one line that says what to do,
// and submits nothing.
func TestJobResumeStub(t *testing.T) {
	for _, tt := range []struct {
		name          string
		noCheckpoints bool
		wantErr       string
		wantProgress  string
	}{
		{name: "retained checkpoint", wantErr: "upload jar", wantProgress: "resuming from the checkpoint of job abc taken 1970-01-01T00:00:02Z: file:/h/flink/checkpoints/x/abc/chk-3"},
		{name: "nothing to resume", noCheckpoints: true, wantErr: "no savepoint or retained checkpoint of streamscale-relay in->out found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := lifecycleStub(t, flink.StateCanceled, "", tt.noCheckpoints)
			home := t.TempDir()
			writeEndpoints(t, home, st.URL)
			jar := filepath.Join(home, "relay-job.jar")
			if err := os.WriteFile(jar, []byte("PK"), 0o644); err != nil {
				t.Fatal(err)
			}
			f, _, errOut := testFactory()
			err := execute(NewRootCmd(f, "test"), "job", "resume", "--home", home, "--job-jar", jar, "--brokers", kfakeWithTopics(t, "in", "out", "in-dead-letter"))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("job resume = %v, want one line with %q", err, tt.wantErr)
			}
			if !strings.Contains(errOut.String(), tt.wantProgress) {
				t.Errorf("progress lacks %q:\n%s", tt.wantProgress, errOut.String())
			}
		})
	}
}

// TestJobSubmitFromSavepointMustBeAbsolute: a relative --from-savepoint is a usage error
// before anything is asked (Flink resolves paths on its JobManager, not here).
func TestJobSubmitFromSavepointMustBeAbsolute(t *testing.T) {
	f, _, _ := testFactory()
	err := execute(NewRootCmd(f, "test"), "job", "submit", "--from-savepoint", "savepoints/sp-1", "--flink-url", flinkStub(t, ""), "--brokers", "127.0.0.1:1")
	var fe *FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "--from-savepoint") {
		t.Fatalf("job submit = %v, want a usage error naming --from-savepoint", err)
	}
}
