package relay

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/flink"
)

func TestProgramArgs_Guarantees(t *testing.T) {
	base := "--bootstrap-servers b:9092 --input-topic in --output-topic out --dead-letter-topic dl --checkpoint-interval-ms 1000 --job-name streamscale-relay in->out"
	prefix := Spec{InTopic: "in", OutTopic: "out"}.TransactionalIDPrefix()
	tests := []struct {
		name string
		set  func(*Spec)
		want string
	}{
		{name: "defaults pass nothing new (a jar without the settings still runs)", set: func(*Spec) {}, want: base},
		{name: "at-least-once given", set: func(s *Spec) { s.Guarantee = AtLeastOnce }, want: base},
		{name: "exactly-once", set: func(s *Spec) { s.Guarantee = ExactlyOnce },
			want: base + " --guarantee exactly-once --transactional-id-prefix " + prefix},
		{name: "exactly-once with timeout", set: func(s *Spec) { s.Guarantee, s.TransactionTimeout = ExactlyOnce, 5*time.Minute },
			want: base + " --guarantee exactly-once --transactional-id-prefix " + prefix + " --transaction-timeout-ms 300000"},
		{name: "none ignores the transaction timeout", set: func(s *Spec) { s.Guarantee, s.TransactionTimeout = None, time.Minute },
			want: base + " --guarantee none"},
		{name: "dedup", set: func(s *Spec) { s.DedupWindow = 100 }, want: base + " --dedup-window 100"},
		{name: "state and restarts", set: func(s *Spec) {
			s.CheckpointDir = "file:///var/ckpt"
			s.Restart = Restart{Strategy: RestartFixedDelay, Attempts: 3, Delay: 2 * time.Second}
			s.MaxRecordBytes = EventHubsMaxRecordBytes
		}, want: base + " --checkpoint-dir file:///var/ckpt --restart-strategy fixed-delay --restart-attempts 3 --restart-delay-ms 2000 --max-record-bytes 999000"},
		{name: "buffer timeout and linger, zero included", set: func(s *Spec) {
			zero, linger := time.Duration(0), 20*time.Millisecond
			s.BufferTimeout, s.Linger = &zero, &linger
		}, want: base + " --buffer-timeout-ms 0 --linger-ms 20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Spec{Brokers: "b:9092", InTopic: "in", OutTopic: "out", DeadLetterTopic: "dl", CheckpointInterval: time.Second}
			tt.set(&s)
			if got := strings.Join(s.ProgramArgs(), " "); got != tt.want {
				t.Fatalf("ProgramArgs = %q\nwant          %q", got, tt.want)
			}
		})
	}
}

func TestTransactionalIDPrefix(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	a := Spec{InTopic: "a-b", OutTopic: "c"}.TransactionalIDPrefix()
	b := Spec{InTopic: "a", OutTopic: "b-c"}.TransactionalIDPrefix()
	if a == b {
		t.Fatalf("prefixes of different topic pairs collide: %q", a)
	}
	for _, p := range []string{a, b} {
		if !valid.MatchString(p) {
			t.Errorf("prefix %q has characters outside [A-Za-z0-9._-]", p)
		}
	}
	if a != (Spec{InTopic: "a-b", OutTopic: "c", Brokers: "x"}).TransactionalIDPrefix() {
		t.Error("the prefix depends on more than the topic pair: a resubmitted job would not fence its predecessor")
	}
}

func TestParseGuaranteeAndRestart(t *testing.T) {
	for _, s := range []string{"at-least-once", "exactly-once", "none"} {
		if g, err := ParseGuarantee(s); err != nil || string(g) != s {
			t.Errorf("ParseGuarantee(%q) = %q, %v", s, g, err)
		}
	}
	for _, s := range []string{"", "exactly_once", "EXACTLY-ONCE", "at-most-once"} {
		if _, err := ParseGuarantee(s); err == nil || !strings.Contains(err.Error(), "at-least-once, exactly-once or none") {
			t.Errorf("ParseGuarantee(%q) = %v; want an error naming the three", s, err)
		}
	}
	for _, s := range []string{"exponential-delay", "fixed-delay", "none"} {
		if r, err := ParseRestartStrategy(s); err != nil || string(r) != s {
			t.Errorf("ParseRestartStrategy(%q) = %q, %v", s, r, err)
		}
	}
	if _, err := ParseRestartStrategy("failure-rate"); err == nil {
		t.Error("ParseRestartStrategy accepted failure-rate, which the job does not offer")
	}
}

// TestEnsureStub_ReplacesJobWithOtherSettings: a running relay is reused only when the
// guarantee and de-duplication it shows (global job parameters, as GET /jobs/{id}/config
// returns them) are the ones asked for; a job that shows neither runs the defaults.
func TestEnsureStub_ReplacesJobWithOtherSettings(t *testing.T) {
	tests := []struct {
		name        string
		params      map[string]string // the running job's global job parameters
		guarantee   Guarantee
		dedup       int
		linger      *time.Duration
		wantReplace bool
		wantWhy     string
	}{
		{name: "old jar, defaults asked", params: nil, wantReplace: false},
		{name: "old jar, exactly-once asked", params: nil, guarantee: ExactlyOnce, wantReplace: true, wantWhy: "it runs at-least-once and exactly-once was asked for"},
		{name: "same guarantee", params: map[string]string{"guarantee": "exactly-once", "dedup-window": "0"}, guarantee: ExactlyOnce},
		{name: "other guarantee", params: map[string]string{"guarantee": "none", "dedup-window": "0"}, guarantee: AtLeastOnce, wantReplace: true, wantWhy: "it runs none and at-least-once was asked for"},
		{name: "dedup asked, job without", params: map[string]string{"guarantee": "at-least-once", "dedup-window": "0"}, dedup: 100, wantReplace: true, wantWhy: "without de-duplication"},
		{name: "dedup off asked, job with", params: map[string]string{"guarantee": "at-least-once", "dedup-window": "100"}, wantReplace: true, wantWhy: "with de-duplication over 100 events per device"},
		{name: "other window", params: map[string]string{"dedup-window": "50"}, dedup: 100, wantReplace: true, wantWhy: "over 50"},
		{name: "same window", params: map[string]string{"dedup-window": "100"}, dedup: 100},
		{name: "the relay asked, the complex job found", params: map[string]string{"job": "complex"}, wantReplace: true, wantWhy: "it is the complex job and the relay job was asked for"},
		{name: "the relay asked, the relay found", params: map[string]string{"job": "relay"}},
		{name: "linger not asked, job with another", params: map[string]string{"linger-ms": "0"}},
		{name: "linger asked, job with the same", params: map[string]string{"linger-ms": "0"}, linger: new(time.Duration)},
		{name: "linger asked, job with another", params: map[string]string{"linger-ms": "5"}, linger: new(time.Duration), wantReplace: true, wantWhy: "it runs with linger-ms 5 and 0 was asked for"},
		{name: "linger asked, old jar", params: nil, linger: new(time.Duration), wantReplace: true, wantWhy: "it does not show its linger-ms (an older job jar) and 0 was asked for"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, c := newStubFlink(t)
			s := stubSpec(t)
			s.Guarantee, s.DedupWindow, s.Linger = tt.guarantee, tt.dedup, tt.linger
			addJob(st, "old", s.JobName(), "", flink.StateRunning)
			st.Jobs["old"].Params = tt.params
			st.Next = []flink.JobState{flink.StateRunning}
			var progress strings.Builder
			res, err := Ensure(context.Background(), c, s, &progress)
			if err != nil {
				t.Fatal(err)
			}
			if replaced := res.JobID != "old"; replaced != tt.wantReplace {
				t.Fatalf("Ensure = %+v (replaced %v), want replaced %v; progress:\n%s", res, replaced, tt.wantReplace, progress.String())
			}
			if !tt.wantReplace {
				return
			}
			if st.StateOf("old") != flink.StateCanceled {
				t.Errorf("the replaced job is %s, want CANCELED", st.StateOf("old"))
			}
			if p := progress.String(); !strings.Contains(p, tt.wantWhy) || !strings.Contains(p, "committed offsets") {
				t.Errorf("progress does not say why (%q) and from where the new job resumes:\n%s", tt.wantWhy, p)
			}
		})
	}
}

// TestEnsureStub_FromSavepoint: a relay started from a savepoint passes its path to Flink; with
// a relay already running it is refused instead (that job would ignore the savepoint).
func TestEnsureStub_FromSavepoint(t *testing.T) {
	st, c := newStubFlink(t)
	s := stubSpec(t)
	s.SavepointPath = "file:/sp/savepoint-1"
	st.Next = []flink.JobState{flink.StateRunning}
	if _, err := Ensure(context.Background(), c, s, nil); err != nil {
		t.Fatal(err)
	}
	if st.RunSavepoint != s.SavepointPath {
		t.Fatalf("run request savepointPath = %q, want %q", st.RunSavepoint, s.SavepointPath)
	}
	_, err := Ensure(context.Background(), c, s, nil)
	if err == nil || !strings.Contains(err.Error(), "stop it first") {
		t.Fatalf("Ensure with a running relay and a savepoint = %v; want a refusal", err)
	}
}

// checkpointsJSON is a GET /jobs/{id}/checkpoints body (Flink 2.2's CheckpointingStatistics)
// whose latest completed checkpoint is at path, acknowledged at ackMs; savepoint, when not
// "", is its latest savepoint's path, acknowledged a second earlier.
func checkpointsJSON(path string, ackMs int64, savepoint string) string {
	sp := "null"
	if savepoint != "" {
		sp = fmt.Sprintf(`{"className":"completed","id":1,"status":"COMPLETED","is_savepoint":true,"trigger_timestamp":%d,"latest_ack_timestamp":%d,"external_path":%q,"discarded":false}`, ackMs-1000, ackMs-1000, savepoint)
	}
	return fmt.Sprintf(`{"counts":{"restored":0,"total":2,"in_progress":0,"completed":2,"failed":0},"latest":{"completed":{"className":"completed","id":2,"status":"COMPLETED","is_savepoint":false,"trigger_timestamp":%d,"latest_ack_timestamp":%d,"external_path":%q,"discarded":false},"savepoint":%s,"failed":null,"restored":null},"history":[]}`,
		ackMs-50, ackMs, path, sp)
}

// TestLatestResumePoint: resume picks the newest of the savepoint job stop recorded, what
// Flink retained for ended relays of the same name (not for running ones, nor for other
// relays), and the complete checkpoints in the relay's local checkpoint directory.
func TestLatestResumePoint(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC)
	ms := func(d time.Duration) int64 { return t0.Add(d).UnixMilli() }
	tests := []struct {
		name     string
		record   *Stopped
		jobs     map[string]string // job id → checkpoints body; all ended relays of s's name
		running  string            // checkpoints body of a running relay (never used)
		other    string            // checkpoints body of another relay (never used)
		localChk time.Duration     // a local chk-9 written at t0 + localChk (0: none)
		want     string
		wantNone bool
	}{
		{name: "nothing", wantNone: true},
		{name: "record only", record: &Stopped{JobName: "streamscale-relay in->out", JobID: "j0", Savepoint: "file:/sp/1", Time: t0}, want: "file:/sp/1"},
		{name: "retained checkpoint newer than the record", record: &Stopped{JobName: "streamscale-relay in->out", Savepoint: "file:/sp/1", Time: t0},
			jobs: map[string]string{"j1": checkpointsJSON("file:/ck/j1/chk-2", ms(time.Minute), "")}, want: "file:/ck/j1/chk-2"},
		{name: "record newer than the retained checkpoint", record: &Stopped{JobName: "streamscale-relay in->out", Savepoint: "file:/sp/2", Time: t0.Add(time.Hour)},
			jobs: map[string]string{"j1": checkpointsJSON("file:/ck/j1/chk-2", ms(time.Minute), "")}, want: "file:/sp/2"},
		{name: "not externalized", jobs: map[string]string{"j1": checkpointsJSON("<checkpoint-not-externalized>", ms(time.Minute), "")}, wantNone: true},
		{name: "running and other relays are not resume points", running: checkpointsJSON("file:/ck/run/chk-9", ms(time.Hour), ""),
			other: checkpointsJSON("file:/ck/other/chk-9", ms(time.Hour), ""), wantNone: true},
		{name: "local checkpoint outlives the JobManager", jobs: map[string]string{"j1": checkpointsJSON("file:/ck/j1/chk-2", ms(time.Minute), "")},
			localChk: 2 * time.Minute, want: "/jx/chk-9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, c := newStubFlink(t)
			s := stubSpec(t)
			recordDir, localDir := t.TempDir(), t.TempDir()
			if tt.record != nil {
				if err := SaveStopped(recordDir, *tt.record); err != nil {
					t.Fatal(err)
				}
			}
			for id, body := range tt.jobs {
				addJob(st, id, s.JobName(), "", flink.StateCanceled)
				st.Jobs[id].Checkpoints = body
			}
			if tt.running != "" {
				addJob(st, "run", s.JobName(), "", flink.StateRunning)
				st.Jobs["run"].Checkpoints = tt.running
			}
			if tt.other != "" {
				addJob(st, "other", "streamscale-relay a->b", "", flink.StateCanceled)
				st.Jobs["other"].Checkpoints = tt.other
			}
			if tt.localChk != 0 {
				meta := filepath.Join(localDir, "jx", "chk-9", "_metadata")
				if err := os.MkdirAll(filepath.Dir(meta), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(meta, []byte("m"), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(meta, t0.Add(tt.localChk), t0.Add(tt.localChk)); err != nil {
					t.Fatal(err)
				}
				// An incomplete checkpoint (no _metadata) is never a resume point.
				if err := os.MkdirAll(filepath.Join(localDir, "jx", "chk-10"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			p, ok, err := LatestResumePoint(context.Background(), c, s, recordDir, localDir)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantNone {
				if ok {
					t.Fatalf("found %+v, want none", p)
				}
				return
			}
			if !ok || !strings.HasSuffix(p.Path, tt.want) {
				t.Fatalf("LatestResumePoint = %+v, %v; want %s", p, ok, tt.want)
			}
		})
	}
}

// TestJobKinds: --job's values, and what each job's spec names and runs.
func TestJobKinds(t *testing.T) {
	for _, tt := range []struct {
		in, wantErr       string
		want              Job
		wantName, wantCls string
	}{
		{in: "relay", want: JobRelay, wantName: "streamscale-relay in->out", wantCls: EntryClass},
		{in: "complex", want: JobComplex, wantName: "streamscale-complex in->out", wantCls: ComplexEntryClass},
		{in: "", wantErr: `unknown job ""`},
		{in: "Relay", wantErr: `unknown job "Relay": use relay or complex`},
	} {
		j, err := ParseJob(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseJob(%q) = %v, want error %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		s := Spec{Job: j, InTopic: "in", OutTopic: "out"}
		if err != nil || j != tt.want || s.JobName() != tt.wantName || s.MainClass() != tt.wantCls {
			t.Errorf("ParseJob(%q) = %q, %v; name %q, class %q", tt.in, j, err, s.JobName(), s.MainClass())
		}
	}
	if (Spec{InTopic: "in", OutTopic: "out"}).JobName() != "streamscale-relay in->out" {
		t.Error("an empty Job is not the relay")
	}
}

// TestEnsureStub_ReplacesTheOtherJob: the complex job asked for while the relay runs for the
// same topics cancels the relay (both would write the output topic), and says so.
func TestEnsureStub_ReplacesTheOtherJob(t *testing.T) {
	st, c := newStubFlink(t)
	s := stubSpec(t)
	addJob(st, "relay", s.JobName(), "", flink.StateRunning)
	s.Job = JobComplex
	st.Next = []flink.JobState{flink.StateRunning}
	var progress strings.Builder
	res, err := Ensure(context.Background(), c, s, &progress)
	if err != nil {
		t.Fatal(err)
	}
	if res.JobID == "relay" || st.StateOf("relay") != flink.StateCanceled {
		t.Fatalf("Ensure = %+v, the relay %s; want a new job and the relay CANCELED", res, st.StateOf("relay"))
	}
	if !strings.Contains(progress.String(), "the relay job relay (streamscale-relay") {
		t.Errorf("progress does not say the relay was cancelled:\n%s", progress.String())
	}
}
