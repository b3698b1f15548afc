package dashboard

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// stubFlinkREST is a fake Flink REST API (httptest) answering with the JSON shapes Flink 2.2
// serves, trimmed: a running relay job with two vertices, and an older finished one.
type stubFlinkREST struct {
	mu          sync.Mutex
	read, write int64 // the first vertex's counters, advanced by the test
	noCheckpts  bool
	state       string
}

func (s *stubFlinkREST) serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		state := s.state
		if state == "" {
			state = "RUNNING"
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/jobs/overview":
			fmt.Fprintf(w, `{"jobs":[
{"jid":"0ld","name":"streamscale-relay in->out","start-time":1000,"end-time":2000,"duration":1000,"state":"FINISHED","last-modification":2000,"tasks":{"total":2}},
{"jid":"other","name":"someone else's job","start-time":9000,"end-time":-1,"duration":5,"state":"RUNNING","last-modification":9000,"tasks":{"total":1}},
{"jid":"a1b2","name":"streamscale-relay in->out","start-time":5000,"end-time":-1,"duration":60000,"state":%q,"last-modification":5000,"tasks":{"total":2}}]}`, state)
		case "/jobs/a1b2":
			fmt.Fprintf(w, `{"jid":"a1b2","name":"streamscale-relay in->out","isStoppable":false,"state":%q,"job-type":"STREAMING",
"start-time":5000,"end-time":-1,"duration":61234,"maxParallelism":-1,"now":66234,
"timestamps":{"RUNNING":5100,"CREATED":5000},
"vertices":[
 {"id":"cbc357ccb763df2852fee8c4fc7d55f2","slotSharingGroupId":"x","name":"Source: in -> relay, dead letters","maxParallelism":128,"parallelism":2,"status":"RUNNING","start-time":5100,"end-time":-1,"duration":61134,
  "tasks":{"RUNNING":2},"metrics":{"read-bytes":0,"read-bytes-complete":true,"write-bytes":100,"write-bytes-complete":true,"read-records":%d,"read-records-complete":true,"write-records":%d,"write-records-complete":true,"accumulated-backpressured-time":0,"accumulated-idle-time":0,"accumulated-busy-time":1.0}},
 {"id":"90bea66de1c231edf33913ecd54406c1","slotSharingGroupId":"x","name":"out: Writer -> out: Committer","maxParallelism":128,"parallelism":2,"status":"RUNNING","start-time":5100,"end-time":-1,"duration":61134,
  "tasks":{"RUNNING":2},"metrics":{"read-bytes":100,"read-bytes-complete":true,"write-bytes":0,"write-bytes-complete":true,"read-records":%d,"read-records-complete":true,"write-records":0,"write-records-complete":true}}],
"status-counts":{"RUNNING":2},"plan":{"jid":"a1b2","name":"x","type":"STREAMING","nodes":[]}}`, state, s.read, s.write, s.write)
		case "/jobs/a1b2/metrics":
			if r.URL.Query().Get("get") != "numRestarts" {
				t.Errorf("metrics asked for %q", r.URL.RawQuery)
			}
			fmt.Fprint(w, `[{"id":"numRestarts","value":"3"}]`)
		case "/jobs/a1b2/checkpoints":
			if s.noCheckpts {
				w.WriteHeader(http.StatusNotFound)
				fmt.Fprint(w, `{"errors":["Checkpointing has not been enabled."]}`)
				return
			}
			fmt.Fprint(w, `{"counts":{"restored":0,"total":12,"in_progress":1,"completed":10,"failed":1},
"summary":{"checkpointed_size":{"min":1,"max":2,"avg":1,"p50":1},"state_size":{"min":1,"max":2,"avg":1}},
"latest":{"completed":{"className":"completed","id":11,"status":"COMPLETED","is_savepoint":false,"trigger_timestamp":60000,"latest_ack_timestamp":60042,"checkpointed_size":4096,"state_size":8192,"end_to_end_duration":42,"alignment_buffered":0,"processed_data":0,"persisted_data":0,"num_subtasks":4,"num_acknowledged_subtasks":4,"checkpoint_type":"CHECKPOINT","tasks":{},"external_path":"file:/x","discarded":false},
"savepoint":null,"failed":null,"restored":null},"history":[]}`)
		case "/jobs/a1b2/vertices/cbc357ccb763df2852fee8c4fc7d55f2/backpressure":
			fmt.Fprint(w, `{"status":"ok","backpressureLevel":"high","end-timestamp":66000,
"subtasks":[{"subtask":0,"attemptNumber":0,"backpressureLevel":"high","ratio":0.72,"idleRatio":0.0,"busyRatio":0.28},{"subtask":1,"attemptNumber":0,"backpressureLevel":"low","ratio":0.2,"idleRatio":0.5,"busyRatio":0.3}]}`)
		case "/jobs/a1b2/vertices/90bea66de1c231edf33913ecd54406c1/backpressure":
			fmt.Fprint(w, `{"status":"ok","backpressureLevel":"ok","end-timestamp":66000,
"subtasks":[{"subtask":0,"attemptNumber":0,"backpressureLevel":"ok","ratio":0.0,"idleRatio":0.9,"busyRatio":0.1}]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (s *stubFlinkREST) advance(read, write int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.read += read
	s.write += write
}

// stubPrometheus is a fake Prometheus endpoint (httptest) serving the text that Flink's
// reporter serves, with whatever body the test sets.
type stubPrometheus struct {
	mu   sync.Mutex
	body string
	down bool
}

func (s *stubPrometheus) serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.down {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprint(w, s.body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (s *stubPrometheus) setDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

func (s *stubFlinkREST) setState(state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = state
}

func (s *stubPrometheus) set(body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body = strings.TrimLeft(body, "\n")
}
