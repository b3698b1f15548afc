package relay

import (
	"context"
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
		}, want: base + " --checkpoint-dir file:///var/ckpt --restart-strategy fixed-delay --restart-attempts 3 --restart-delay-ms 2000 --max-record-bytes 990000"},
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, c := newStubFlink(t)
			s := stubSpec(t)
			s.Guarantee, s.DedupWindow = tt.guarantee, tt.dedup
			st.add("old", s.JobName(), "", flink.StateRunning)
			st.jobs["old"].params = tt.params
			st.next = []flink.JobState{flink.StateRunning}
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
			if st.stateOf("old") != flink.StateCanceled {
				t.Errorf("the replaced job is %s, want CANCELED", st.stateOf("old"))
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
	st.next = []flink.JobState{flink.StateRunning}
	if _, err := Ensure(context.Background(), c, s, nil); err != nil {
		t.Fatal(err)
	}
	if st.runSavepoint != s.SavepointPath {
		t.Fatalf("run request savepointPath = %q, want %q", st.runSavepoint, s.SavepointPath)
	}
	_, err := Ensure(context.Background(), c, s, nil)
	if err == nil || !strings.Contains(err.Error(), "stop it first") {
		t.Fatalf("Ensure with a running relay and a savepoint = %v; want a refusal", err)
	}
}
