// Package flinktest is a test double of the Flink REST API, for unit tests: an HTTP server
// that answers the endpoints internal/flink calls (jobs, overview, jars, cancel,
// stop-with-savepoint, checkpoints, exceptions, configuration) from a few jobs a test puts on
// it. It is not a Flink cluster; the integration tests use the real JobManager.
package flinktest

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

// TriggerID is the request id every stop-with-savepoint gets.
const TriggerID = "00000000000000000000000000000001"

// Job is a job on the double.
type Job struct {
	Name string
	// States are what GET /jobs/{id} answers, one per call, staying on the last.
	States []flink.JobState
	// Cause is the root cause its exception history shows ("": none).
	Cause string
	// Stuck: its tasks never run, even when the job is RUNNING.
	Stuck bool
	// Brokers is the bootstrap-servers global job parameter it shows ("": none).
	Brokers string
	// Params are further global job parameters (guarantee, dedup-window, job).
	Params map[string]string
	// Checkpoints is its GET /jobs/{id}/checkpoints body ("": 404, checkpointing off).
	Checkpoints string
	start       int64
}

func (j *Job) state() flink.JobState { return j.States[0] }

// Server is the double. Set its fields before the code under test runs, and read them after;
// handlers hold Mu.
type Server struct {
	// URL is the server's base URL, for --flink-url.
	URL string
	t   testing.TB

	Mu    sync.Mutex
	Jobs  map[string]*Job
	Order []string
	// Next are the states of the job the next run submits; NextCause and NextStuck its cause
	// and stuckness.
	Next      []flink.JobState
	NextCause string
	NextStuck bool
	// NextName is the name of the job the next run submits (default the relay's for in->out).
	NextName string
	// Uploads counts jar uploads; RefuseUploads answers them 404.
	Uploads       int
	RefuseUploads bool
	// RunArgs are the program arguments of the last run and RunSavepoint its savepoint path;
	// ArgFileExisted says whether the file after --kafka-properties-file existed then.
	RunArgs        []string
	RunSavepoint   string
	ArgFileExisted bool
	// Cancels are the ids cancel was asked for.
	Cancels []string
	// Refuse fails the test on any request.
	Refuse bool
	// FreeSlots are the free slots GET /overview answers, one per call, staying on the last
	// (none given: 64, plenty); SlotsTotal is the total it gives with them.
	FreeSlots  []int
	SlotsTotal int
	// StopBody is the last stop-with-savepoint request's body. SavepointFails makes the
	// savepoint fail with a CheckpointException; otherwise it completes at SavepointLocation
	// and the job is FINISHED.
	StopBody          string
	SavepointFails    bool
	SavepointLocation string
	// JobManagerConfig is the GET /jobmanager/config body ("": none, 404).
	JobManagerConfig string
}

// New starts a double, closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, Jobs: map[string]*Job{}, SavepointLocation: "file:/h/flink/savepoints/savepoint-abc-1"}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Client is a Flink REST client of the double.
func (s *Server) Client() *flink.Client {
	c, err := flink.New(s.URL)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// Add puts a job on the double.
func (s *Server) Add(id string, j Job) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	j.start = int64(len(s.Order) + 1)
	s.Jobs[id] = &j
	s.Order = append(s.Order, id)
}

// SetStates sets the states job id walks through.
func (s *Server) SetStates(id string, states ...flink.JobState) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.Jobs[id].States = states
}

// StateOf is job id's state now.
func (s *Server) StateOf(id string) flink.JobState {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	return s.Jobs[id].state()
}

// Unended lists the jobs not in a terminal state: jobs left behind.
func (s *Server) Unended() []string {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	var out []string
	for _, id := range s.Order {
		if !s.Jobs[id].state().IsTerminal() {
			out = append(out, id+" "+string(s.Jobs[id].state()))
		}
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if s.Refuse {
		s.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, "no", http.StatusInternalServerError)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/overview":
		free, total := 64, 64
		if len(s.FreeSlots) > 0 {
			free, total = s.FreeSlots[0], s.SlotsTotal
			if len(s.FreeSlots) > 1 {
				s.FreeSlots = s.FreeSlots[1:]
			}
		}
		fmt.Fprintf(w, `{"taskmanagers":1,"slots-total":%d,"slots-available":%d,"jobs-running":1,"flink-version":"2.2.1"}`, total, free)
	case r.Method == http.MethodGet && r.URL.Path == "/jobs/overview":
		jobs := []map[string]any{}
		for _, id := range s.Order {
			j := s.Jobs[id]
			jobs = append(jobs, map[string]any{"jid": id, "name": j.Name, "state": j.state(), "start-time": j.start})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"jobs": jobs})
	case r.Method == http.MethodGet && r.URL.Path == "/jobmanager/config" && s.JobManagerConfig != "":
		io.WriteString(w, s.JobManagerConfig)
	case r.Method == http.MethodPost && r.URL.Path == "/jars/upload" && !s.RefuseUploads:
		s.Uploads++
		io.WriteString(w, `{"filename":"/tmp/flink-web-upload/jar1","status":"success"}`)
	case r.Method == http.MethodPost && r.URL.Path == "/jars/jar1/run":
		s.run(w, r)
	case r.Method == http.MethodDelete && r.URL.Path == "/jars/jar1":
		io.WriteString(w, `{}`)
	case len(parts) >= 2 && parts[0] == "jobs" && s.Jobs[parts[1]] != nil:
		s.serveJob(w, r, parts[1], s.Jobs[parts[1]], parts[2:])
	default:
		http.NotFound(w, r)
	}
}

// run is POST /jars/jar1/run: a new job in the Next states.
func (s *Server) run(w http.ResponseWriter, r *http.Request) {
	var req flink.RunRequest
	_ = json.NewDecoder(r.Body).Decode(&req)
	s.RunArgs = req.ProgramArgsList
	s.RunSavepoint = req.SavepointPath
	if i := slices.Index(req.ProgramArgsList, "--kafka-properties-file"); i >= 0 && i+1 < len(req.ProgramArgsList) {
		_, err := os.Stat(req.ProgramArgsList[i+1])
		s.ArgFileExisted = err == nil
	}
	name := s.NextName
	if name == "" {
		name = "streamscale-relay in->out"
	}
	id := fmt.Sprintf("job%d", len(s.Order)+1)
	s.Jobs[id] = &Job{Name: name, States: s.Next, Cause: s.NextCause, Stuck: s.NextStuck, start: int64(len(s.Order) + 1)}
	s.Order = append(s.Order, id)
	fmt.Fprintf(w, `{"jobid":%q}`, id)
}

// serveJob answers /jobs/{id}/{rest...}.
func (s *Server) serveJob(w http.ResponseWriter, r *http.Request, id string, j *Job, rest []string) {
	sub := strings.Join(rest, "/")
	switch {
	case r.Method == http.MethodGet && sub == "":
		st := j.state()
		if len(j.States) > 1 {
			j.States = j.States[1:]
		}
		vs := "DEPLOYING"
		if st == flink.StateRunning && !j.Stuck {
			vs = "RUNNING"
		}
		fmt.Fprintf(w, `{"jid":%q,"name":%q,"state":%q,"vertices":[{"id":"v","name":"relay","parallelism":2,"status":%q}]}`, id, j.Name, st, vs)
	case r.Method == http.MethodGet && sub == "config":
		user := map[string]string{}
		if j.Brokers != "" {
			user["bootstrap-servers"] = j.Brokers
		}
		for k, v := range j.Params {
			user[k] = v
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"jid": id, "execution-config": map[string]any{"user-config": user}})
	case r.Method == http.MethodGet && sub == "checkpoints":
		if j.Checkpoints == "" {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"errors":["Checkpointing has not been enabled."]}`)
			return
		}
		io.WriteString(w, j.Checkpoints)
	case r.Method == http.MethodGet && sub == "exceptions":
		writeExceptions(w, j.Cause)
	case r.Method == http.MethodPatch && sub == "" && r.URL.Query().Get("mode") == "cancel":
		s.Cancels = append(s.Cancels, id)
		if j.state().IsTerminal() {
			w.WriteHeader(http.StatusConflict)
			fmt.Fprintf(w, `{"errors":["Job cancellation failed because the job has already reached another terminal state (%s)."]}`, j.state())
			return
		}
		j.States = []flink.JobState{flink.StateCanceled}
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{}`)
	case r.Method == http.MethodPost && sub == "stop":
		b, _ := io.ReadAll(r.Body)
		s.StopBody = string(b)
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{"request-id":"`+TriggerID+`"}`)
	case r.Method == http.MethodGet && sub == "savepoints/"+TriggerID:
		if s.SavepointFails {
			io.WriteString(w, `{"status":{"id":"COMPLETED"},"operation":{"failure-cause":{"class":"java.util.concurrent.CompletionException","stack-trace":"java.util.concurrent.CompletionException: x\nCaused by: org.apache.flink.runtime.checkpoint.CheckpointException: Task has failed.\n","serialized-throwable":"AA=="}}}`)
			return
		}
		j.States = []flink.JobState{flink.StateFinished}
		fmt.Fprintf(w, `{"status":{"id":"COMPLETED"},"operation":{"location":%q}}`, s.SavepointLocation)
	default:
		http.NotFound(w, r)
	}
}

// writeExceptions writes an exception history whose root cause is cause ("": empty).
func writeExceptions(w io.Writer, cause string) {
	if cause == "" {
		io.WriteString(w, `{"exceptionHistory":{"entries":[]}}`)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"exceptionHistory": map[string]any{"entries": []map[string]any{{
		"exceptionName": "org.apache.flink.runtime.JobException",
		"stacktrace":    "org.apache.flink.runtime.JobException: Recovery is suppressed\nCaused by: " + cause + "\n\tat x.y(Z.java:1)",
		"timestamp":     1,
	}}}})
}
