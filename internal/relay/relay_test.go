package relay

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/flink"
)

func TestProgramArgs(t *testing.T) {
	s := Spec{Brokers: "127.0.0.1:9092", InTopic: "in", OutTopic: "out", DeadLetterTopic: "in-dead-letter", CheckpointInterval: 2 * time.Second}
	got := strings.Join(s.ProgramArgs(), " ")
	want := "--bootstrap-servers 127.0.0.1:9092 --input-topic in --output-topic out --dead-letter-topic in-dead-letter --checkpoint-interval-ms 2000 --job-name streamscale-relay in->out"
	if got != want {
		t.Fatalf("ProgramArgs = %q\nwant          %q", got, want)
	}
	s.CheckpointInterval = 0
	if !strings.Contains(strings.Join(s.ProgramArgs(), " "), "--checkpoint-interval-ms 10000") {
		t.Fatal("default checkpoint interval is not 10 s")
	}
	if (Spec{InTopic: "a", OutTopic: "b"}).JobName() == s.JobName() {
		t.Fatal("job names of different topic pairs collide, so one would be reused for the other")
	}
}

func stubSpec(t *testing.T) Spec {
	jar := filepath.Join(t.TempDir(), "relay-job.jar")
	if err := os.WriteFile(jar, []byte("PK"), 0o644); err != nil {
		t.Fatal(err)
	}
	return Spec{JarPath: jar, Brokers: "127.0.0.1:9092", InTopic: "in", OutTopic: "out", DeadLetterTopic: "in-dead-letter", Parallelism: 2, StartTimeout: 30 * time.Second}
}

const unknownTopic = "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition."

// TestEnsureStubCancelsJobThatDoesNotStart: whatever keeps a freshly submitted job from
// running (it restarts, fails, the start timeout passes, Ctrl-C), Ensure leaves no job behind
// that has not ended, and its error keeps Flink's root cause.
func TestEnsureStubCancelsJobThatDoesNotStart(t *testing.T) {
	tests := []struct {
		name        string
		states      []flink.JobState
		cause       string
		timeout     time.Duration
		interrupt   time.Duration
		wantIs      error
		wantInError []string
	}{
		{name: "restarting", states: []flink.JobState{flink.StateCreated, flink.StateRestarting}, cause: unknownTopic,
			wantInError: []string{"RESTARTING", unknownTopic, "cancelled the job"}},
		{name: "failing", states: []flink.JobState{flink.StateInitializing, flink.StateFailing}, cause: unknownTopic,
			wantInError: []string{"FAILING", unknownTopic, "cancelled the job"}},
		{name: "failed", states: []flink.JobState{flink.StateFailed}, cause: unknownTopic,
			wantInError: []string{"FAILED", unknownTopic}},
		{name: "start timeout", states: []flink.JobState{flink.StateCreated}, timeout: 300 * time.Millisecond, wantIs: context.DeadlineExceeded,
			wantInError: []string{"not running after 300ms", "CREATED", "cancelled the job"}},
		{name: "timeout while restarting between polls", states: []flink.JobState{flink.StateRunning}, cause: unknownTopic, timeout: 300 * time.Millisecond, wantIs: context.DeadlineExceeded,
			wantInError: []string{unknownTopic, "cancelled the job"}},
		{name: "interrupted", states: []flink.JobState{flink.StateCreated}, interrupt: 300 * time.Millisecond, wantIs: context.Canceled,
			wantInError: []string{"CREATED", "cancelled the job"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, c := newStubFlink(t)
			st.Next, st.NextCause = tt.states, tt.cause
			// A RUNNING job here has a task that never runs (it keeps failing between polls).
			st.NextStuck = true
			s := stubSpec(t)
			if tt.timeout > 0 {
				s.StartTimeout = tt.timeout
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.interrupt > 0 {
				time.AfterFunc(tt.interrupt, cancel)
			}
			_, err := Ensure(ctx, c, s, nil)
			if err == nil {
				t.Fatal("Ensure succeeded on a job that never runs")
			}
			t.Log(err)
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
			for _, w := range tt.wantInError {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line", err)
			}
			if left := st.Unended(); len(left) > 0 {
				t.Errorf("jobs left behind: %v", left)
			}
		})
	}
}

// TestEnsureStubReusesStartingJob: a relay job for the same topics that is still starting is
// waited for and reused, not doubled by a twin.
func TestEnsureStubReusesStartingJob(t *testing.T) {
	for _, state := range []flink.JobState{flink.StateCreated, flink.StateInitializing, flink.StateReconciling} {
		t.Run(string(state), func(t *testing.T) {
			st, c := newStubFlink(t)
			addJob(st, "old", "streamscale-relay in->out", "", state, state, flink.StateRunning)
			res, err := Ensure(context.Background(), c, stubSpec(t), nil)
			if err != nil || res.JobID != "old" || !res.Reused {
				t.Fatalf("Ensure = %+v, %v; want job old reused", res, err)
			}
			if st.Uploads != 0 {
				t.Fatalf("uploaded the jar %d times: a twin was submitted", st.Uploads)
			}
		})
	}
}

// TestEnsureStubReplacesFailingJob: a relay job for the same topics that restarts instead of
// running is cancelled and a fresh one (with the current settings) submitted.
func TestEnsureStubReplacesFailingJob(t *testing.T) {
	st, c := newStubFlink(t)
	addJob(st, "old", "streamscale-relay in->out", unknownTopic, flink.StateRestarting)
	st.Next = []flink.JobState{flink.StateCreated, flink.StateRunning}
	var progress strings.Builder
	res, err := Ensure(context.Background(), c, stubSpec(t), &progress)
	if err != nil || res.JobID == "old" || res.JobID == "" || res.Reused {
		t.Fatalf("Ensure = %+v, %v; want a fresh job", res, err)
	}
	if s := st.StateOf("old"); s != flink.StateCanceled {
		t.Fatalf("the restarting job is %s, want CANCELED", s)
	}
	if !strings.Contains(progress.String(), unknownTopic) || !strings.Contains(progress.String(), "submitting a fresh one") {
		t.Fatalf("progress does not say why the old job was replaced:\n%s", progress.String())
	}
}

// TestEnsureStubExistingJobTimeout: a relay job for the same topics that does not run within
// the start timeout is cancelled, and no fresh one is submitted (it would wait the same way).
func TestEnsureStubExistingJobTimeout(t *testing.T) {
	st, c := newStubFlink(t)
	addJob(st, "old", "streamscale-relay in->out", "", flink.StateCreated)
	s := stubSpec(t)
	s.StartTimeout = 300 * time.Millisecond
	_, err := Ensure(context.Background(), c, s, nil)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "old") {
		t.Fatalf("Ensure = %v, want a timeout naming job old", err)
	}
	if st.StateOf("old") != flink.StateCanceled || st.Uploads != 0 {
		t.Fatalf("old job %s, %d uploads; want it cancelled and nothing submitted", st.StateOf("old"), st.Uploads)
	}
}

// TestEnsureStubRefusesSecuredKafka: with TLS/SASL/Event Hubs the job would run and read
// nothing, so Ensure refuses before asking Flink anything, also when a relay job already runs.
func TestEnsureStubRefusesSecuredKafka(t *testing.T) {
	st, c := newStubFlink(t)
	addJob(st, "old", "streamscale-relay in->out", "", flink.StateRunning)
	st.Refuse = true
	s := stubSpec(t)
	s.Secured = true
	_, err := Ensure(context.Background(), c, s, nil)
	if !errors.Is(err, ErrSecuredKafka) {
		t.Fatalf("Ensure with a secured connection = %v, want ErrSecuredKafka", err)
	}
	if !strings.Contains(err.Error(), "--job-kafka-properties-file") {
		t.Fatalf("error %q does not say how to pass the settings", err)
	}
}

// TestEnsureStubPassesSecuredSettingsInAFile: a secured connection's settings reach the job
// only as --kafka-properties-file: a given path is passed as is; otherwise ClientConfig's file
// is passed, exists while Flink builds the job and is removed once it is submitted.
func TestEnsureStubPassesSecuredSettingsInAFile(t *testing.T) {
	t.Run("given", func(t *testing.T) {
		st, c := newStubFlink(t)
		st.Next = []flink.JobState{flink.StateRunning}
		s := stubSpec(t)
		s.Secured, s.KafkaPropertiesFile = true, "/on/the/jobmanager/kafka.properties"
		if _, err := Ensure(context.Background(), c, s, nil); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(strings.Join(st.RunArgs, " "), "--kafka-properties-file /on/the/jobmanager/kafka.properties") {
			t.Fatalf("run args %q lack the given file", st.RunArgs)
		}
	})
	t.Run("written", func(t *testing.T) {
		st, c := newStubFlink(t)
		st.Next = []flink.JobState{flink.StateRunning}
		s := stubSpec(t)
		path := filepath.Join(t.TempDir(), "client.properties")
		s.Secured = true
		s.ClientConfig = func() (string, func(), error) {
			if err := os.WriteFile(path, []byte("security.protocol=SSL\n"), 0o600); err != nil {
				return "", nil, err
			}
			return path, func() { _ = os.Remove(path) }, nil
		}
		if _, err := Ensure(context.Background(), c, s, nil); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(st.RunArgs, path) || !st.ArgFileExisted {
			t.Fatalf("run args %q (file there: %v); want the written file, present at submission", st.RunArgs, st.ArgFileExisted)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatalf("the client config %s outlived the submission (%v)", path, err)
		}
	})
}

// TestEnsureStubChecksFreeSlots: a fixed-size cluster without enough free slots is refused at
// once, naming the jobs that hold them, with nothing submitted; slots that come free within a
// few seconds (a job just cancelled) are waited for; a cluster that may grow is only noted.
func TestEnsureStubChecksFreeSlots(t *testing.T) {
	tests := []struct {
		name       string
		fixed      bool
		free       []int
		wantErr    bool
		wantUpload bool
		wantNote   string
	}{
		{name: "fixed, enough free", fixed: true, free: []int{2}, wantUpload: true},
		{name: "fixed, none free", fixed: true, free: []int{0}, wantErr: true},
		{name: "fixed, freed after a cancel", fixed: true, free: []int{0, 0, 2}, wantUpload: true},
		{name: "may grow, none free", fixed: false, free: []int{0}, wantUpload: true, wantNote: "0 of 2 task slots free and the relay job needs 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, c := newStubFlink(t)
			addJob(st, "holder", "streamscale-relay a->b", "", flink.StateRunning)
			st.FreeSlots, st.SlotsTotal = tt.free, 2
			st.Next = []flink.JobState{flink.StateRunning}
			s := stubSpec(t)
			s.FixedSlots, s.SlotWait = tt.fixed, 1500*time.Millisecond
			var progress strings.Builder
			_, err := Ensure(context.Background(), c, s, &progress)
			var se *SlotsError
			if tt.wantErr {
				if !errors.As(err, &se) || se.Free != 0 || se.Total != 2 || se.Need != 2 {
					t.Fatalf("Ensure = %v, want a SlotsError 0 of 2 free, 2 needed", err)
				}
				for _, w := range []string{`holder "streamscale-relay a->b"`, "streamscale job cancel", "--parallelism", "--slots"} {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
			} else if err != nil {
				t.Fatalf("Ensure = %v", err)
			}
			if got := st.Uploads > 0; got != tt.wantUpload {
				t.Errorf("uploaded = %v, want %v", got, tt.wantUpload)
			}
			if !strings.Contains(progress.String(), tt.wantNote) {
				t.Errorf("progress %q lacks %q", progress.String(), tt.wantNote)
			}
		})
	}
}

// TestFindStub: the relay job is any job of that name that has not ended, a running one first.
func TestFindStub(t *testing.T) {
	st, c := newStubFlink(t)
	s := stubSpec(t)
	ctx := context.Background()
	addJob(st, "failed", s.JobName(), "", flink.StateFailed)
	addJob(st, "cancelling", s.JobName(), "", flink.StateCancelling)
	addJob(st, "other", "streamscale-relay a->b", "", flink.StateRunning)
	if _, ok, err := Find(ctx, c, s); ok || err != nil {
		t.Fatalf("Find found a job among ended ones (%v)", err)
	}
	addJob(st, "restarting", s.JobName(), "", flink.StateRestarting)
	if j, ok, err := Find(ctx, c, s); !ok || err != nil || j.ID != "restarting" {
		t.Fatalf("Find = %+v, %v, %v; want the restarting job", j, ok, err)
	}
	addJob(st, "running", s.JobName(), "", flink.StateRunning)
	addJob(st, "created", s.JobName(), "", flink.StateCreated)
	if j, ok, err := Find(ctx, c, s); !ok || err != nil || j.ID != "running" {
		t.Fatalf("Find = %+v, %v, %v; want the running job", j, ok, err)
	}
}

// TestFindStubMatchesBrokers: a relay of the same name that reads other brokers is another
// cluster's and not reused; one that reads the same brokers, or does not say, is.
func TestFindStubMatchesBrokers(t *testing.T) {
	st, c := newStubFlink(t)
	s := stubSpec(t) // brokers 127.0.0.1:9092
	ctx := context.Background()
	addJob(st, "elsewhere", s.JobName(), "", flink.StateRunning)
	st.Jobs["elsewhere"].Brokers = "other:9093"
	if j, ok, err := Find(ctx, c, s); ok || err != nil {
		t.Fatalf("Find = %+v, %v, %v; want nothing: the only relay reads other brokers", j, ok, err)
	}
	addJob(st, "unsaid", s.JobName(), "", flink.StateRunning)
	if j, ok, _ := Find(ctx, c, s); !ok || j.ID != "unsaid" {
		t.Fatalf("Find = %+v, %v; want the job that does not show its brokers", j, ok)
	}
	addJob(st, "here", s.JobName(), "", flink.StateRunning)
	st.Jobs["here"].Brokers = s.Brokers
	if j, ok, _ := Find(ctx, c, s); !ok || j.ID != "here" {
		t.Fatalf("Find = %+v, %v; want the job for these brokers (started last)", j, ok)
	}
	s.Brokers = ""
	if _, ok, _ := Find(ctx, c, s); !ok {
		t.Fatal("Find without brokers found nothing: the name should decide")
	}
}

func TestProgramArgsOutputCluster(t *testing.T) {
	s := Spec{Brokers: "a:9093", InTopic: "in", OutTopic: "out", DeadLetterTopic: "dl", KafkaPropertiesFile: "/in.properties"}
	if got := strings.Join(s.ProgramArgs(), " "); strings.Contains(got, "--output-bootstrap") || strings.Contains(got, "--output-kafka") {
		t.Errorf("one cluster: %s", got)
	}
	s.OutputBrokers, s.OutputKafkaPropertiesFile = "b:9093", "/out.properties"
	got := strings.Join(s.ProgramArgs(), " ")
	if !strings.Contains(got, "--output-bootstrap-servers b:9093") || !strings.Contains(got, "--output-kafka-properties-file /out.properties") {
		t.Errorf("two clusters: %s", got)
	}
}
