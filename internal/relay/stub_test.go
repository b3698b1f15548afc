package relay

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/streamscale/streamscale/internal/flink"
)

// stubFlink is a unit-test HTTP stub of the Flink REST endpoints the relay uses (not a Flink
// cluster; the integration tests use the real JobManager). Each job walks through its states,
// one per GET /jobs/{id}, and stays in the last; cancel ends a job that has not ended, and is
// refused with 409 for one that has, as Flink does.
type stubFlink struct {
	t *testing.T

	mu      sync.Mutex
	jobs    map[string]*stubJob
	order   []string
	next    []flink.JobState // the states of the job the next run submits
	cause   string           // its exception's root cause
	stuck   bool             // its tasks never run, even when the job is RUNNING
	uploads int
	// runArgs are the program arguments of the last run, and argFileExisted whether the file
	// after --kafka-properties-file existed when the run was asked for.
	runArgs        []string
	runSavepoint   string
	argFileExisted bool
	cancels        []string
	refuse         bool // fail the test on any request
	// freeSlots are the free slots GET /overview answers, one per call, staying on the last
	// (none given: 64, plenty); slotsTotal is the total it gives with them.
	freeSlots  []int
	slotsTotal int
}

type stubJob struct {
	// brokers is the bootstrap-servers global job parameter the job shows ("": none).
	brokers string
	// params are further global job parameters it shows (guarantee, dedup-window).
	params map[string]string
	// checkpoints is its GET /jobs/{id}/checkpoints body ("": 404, checkpointing off).
	checkpoints string
	name        string
	states      []flink.JobState
	cause       string
	stuck       bool
	start       int64
}

func (j *stubJob) state() flink.JobState { return j.states[0] }

func newStubFlink(t *testing.T) (*stubFlink, *flink.Client) {
	s := &stubFlink{t: t, jobs: map[string]*stubJob{}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	c, err := flink.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// add puts a job on the stub cluster.
func (s *stubFlink) add(id, name string, cause string, states ...flink.JobState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs[id] = &stubJob{name: name, states: states, cause: cause, start: int64(len(s.order) + 1)}
	s.order = append(s.order, id)
}

func (s *stubFlink) stateOf(id string) flink.JobState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jobs[id].state()
}

// unended lists the jobs not in a terminal state: jobs left behind.
func (s *stubFlink) unended() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, id := range s.order {
		if !s.jobs[id].state().IsTerminal() {
			out = append(out, id+" "+string(s.jobs[id].state()))
		}
	}
	return out
}

func (s *stubFlink) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse {
		s.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, "no", http.StatusInternalServerError)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/overview":
		free, total := 64, 64
		if len(s.freeSlots) > 0 {
			free, total = s.freeSlots[0], s.slotsTotal
			if len(s.freeSlots) > 1 {
				s.freeSlots = s.freeSlots[1:]
			}
		}
		fmt.Fprintf(w, `{"taskmanagers":1,"slots-total":%d,"slots-available":%d,"jobs-running":1,"flink-version":"2.2.1"}`, total, free)
	case r.Method == http.MethodGet && r.URL.Path == "/jobs/overview":
		var jobs []map[string]any
		for _, id := range s.order {
			j := s.jobs[id]
			jobs = append(jobs, map[string]any{"jid": id, "name": j.name, "state": j.state(), "start-time": j.start})
		}
		json.NewEncoder(w).Encode(map[string]any{"jobs": jobs})
	case r.Method == http.MethodPost && r.URL.Path == "/jars/upload":
		s.uploads++
		io.WriteString(w, `{"filename":"/tmp/flink-web-upload/jar1","status":"success"}`)
	case r.Method == http.MethodPost && r.URL.Path == "/jars/jar1/run":
		var req flink.RunRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		s.runArgs = req.ProgramArgsList
		s.runSavepoint = req.SavepointPath
		if i := slices.Index(req.ProgramArgsList, "--kafka-properties-file"); i >= 0 && i+1 < len(req.ProgramArgsList) {
			_, err := os.Stat(req.ProgramArgsList[i+1])
			s.argFileExisted = err == nil
		}
		id := fmt.Sprintf("job%d", len(s.order)+1)
		s.jobs[id] = &stubJob{name: "streamscale-relay in->out", states: s.next, cause: s.cause, stuck: s.stuck, start: int64(len(s.order) + 1)}
		s.order = append(s.order, id)
		fmt.Fprintf(w, `{"jobid":%q}`, id)
	case r.Method == http.MethodDelete && r.URL.Path == "/jars/jar1":
		io.WriteString(w, `{}`)
	case len(parts) >= 2 && parts[0] == "jobs" && s.jobs[parts[1]] != nil:
		j := s.jobs[parts[1]]
		switch {
		case r.Method == http.MethodGet && len(parts) == 2:
			st := j.state()
			if len(j.states) > 1 {
				j.states = j.states[1:]
			}
			vs := "DEPLOYING"
			if st == flink.StateRunning && !j.stuck {
				vs = "RUNNING"
			}
			fmt.Fprintf(w, `{"jid":%q,"name":%q,"state":%q,"vertices":[{"id":"v","name":"relay","parallelism":2,"status":%q}]}`, parts[1], j.name, st, vs)
		case r.Method == http.MethodGet && len(parts) == 3 && parts[2] == "config":
			user := map[string]string{}
			if j.brokers != "" {
				user["bootstrap-servers"] = j.brokers
			}
			for k, v := range j.params {
				user[k] = v
			}
			json.NewEncoder(w).Encode(map[string]any{"jid": parts[1], "execution-config": map[string]any{"user-config": user}})
		case r.Method == http.MethodGet && len(parts) == 3 && parts[2] == "checkpoints":
			if j.checkpoints == "" {
				w.WriteHeader(http.StatusNotFound)
				io.WriteString(w, `{"errors":["Checkpointing has not been enabled."]}`)
				return
			}
			io.WriteString(w, j.checkpoints)
		case r.Method == http.MethodGet && len(parts) == 3 && parts[2] == "exceptions":
			if j.cause == "" {
				io.WriteString(w, `{"exceptionHistory":{"entries":[]}}`)
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"exceptionHistory": map[string]any{"entries": []map[string]any{{
				"exceptionName": "org.apache.flink.runtime.JobException",
				"stacktrace":    "org.apache.flink.runtime.JobException: Recovery is suppressed\nCaused by: " + j.cause + "\n\tat x.y(Z.java:1)",
				"timestamp":     1,
			}}}})
		case r.Method == http.MethodPatch && len(parts) == 2 && r.URL.Query().Get("mode") == "cancel":
			s.cancels = append(s.cancels, parts[1])
			if j.state().IsTerminal() {
				w.WriteHeader(http.StatusConflict)
				fmt.Fprintf(w, `{"errors":["Job cancellation failed because the job has already reached another terminal state (%s)."]}`, j.state())
				return
			}
			j.states = []flink.JobState{flink.StateCanceled}
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, `{}`)
		default:
			http.NotFound(w, r)
		}
	default:
		http.NotFound(w, r)
	}
}
