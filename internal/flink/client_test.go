package flink

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// stub serves canned Flink REST responses (a unit-test HTTP stub, not a Flink cluster; the
// integration tests use the real JobManager).
func stub(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "localhost:8081", "ftp://x", "http://"} {
		if _, err := New(u); err == nil {
			t.Errorf("New(%q) accepted a bad URL", u)
		}
	}
}

func TestClient_Decode_StubServer(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/overview":
			io.WriteString(w, `{"taskmanagers":2,"slots-total":4,"slots-available":1,"jobs-running":1,"jobs-finished":0,"jobs-cancelled":3,"jobs-failed":0,"flink-version":"2.2.1","flink-commit":"450c63e"}`)
		case "/jobs/overview":
			io.WriteString(w, `{"jobs":[{"jid":"abc","name":"streamscale-relay in->out","state":"RUNNING","start-time":1,"end-time":-1,"duration":5,"tasks":{"running":2}}]}`)
		case "/taskmanagers":
			io.WriteString(w, `{"taskmanagers":[{"id":"tm-1","path":"pekko.tcp://x","slotsNumber":2,"freeSlots":0,"timeSinceLastHeartbeat":1}]}`)
		default:
			http.NotFound(w, r)
		}
	})
	ctx := context.Background()
	ov, err := c.Overview(ctx)
	if err != nil || ov.TaskManagers != 2 || ov.SlotsTotal != 4 || ov.SlotsAvailable != 1 || ov.FlinkVersion != "2.2.1" {
		t.Fatalf("Overview = %+v, %v", ov, err)
	}
	jobs, err := c.Jobs(ctx)
	if err != nil || len(jobs) != 1 || jobs[0].ID != "abc" || jobs[0].State != StateRunning || jobs[0].Name != "streamscale-relay in->out" {
		t.Fatalf("Jobs = %+v, %v", jobs, err)
	}
	tms, err := c.TaskManagers(ctx)
	if err != nil || len(tms) != 1 || tms[0].SlotsNumber != 2 {
		t.Fatalf("TaskManagers = %+v, %v", tms, err)
	}
}

func TestUploadJar_StubServer(t *testing.T) {
	jar := filepath.Join(t.TempDir(), "relay-job.jar")
	content := []byte("PK\x03\x04 not really a jar")
	if err := os.WriteFile(jar, content, 0o644); err != nil {
		t.Fatal(err)
	}
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/jars/upload" {
			http.Error(w, "wrong endpoint", http.StatusBadRequest)
			return
		}
		f, hdr, err := r.FormFile("jarfile")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got, _ := io.ReadAll(f)
		if hdr.Filename != "relay-job.jar" || string(got) != string(content) || hdr.Header.Get("Content-Type") != "application/x-java-archive" {
			http.Error(w, "bad part", http.StatusBadRequest)
			return
		}
		io.WriteString(w, `{"filename":"/tmp/flink-web/flink-web-upload/1234_relay-job.jar","status":"success"}`)
	})
	id, err := c.UploadJar(context.Background(), jar)
	if err != nil || id != "1234_relay-job.jar" {
		t.Fatalf("UploadJar = %q, %v", id, err)
	}
}

func TestRunJar_StubServer(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		var req map[string]any
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || r.URL.Path != "/jars/j1/run" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if req["entryClass"] != "a.B" || req["parallelism"] != float64(4) || len(req["programArgsList"].([]any)) != 2 {
			http.Error(w, "unexpected body", http.StatusBadRequest)
			return
		}
		if _, has := req["savepointPath"]; has {
			http.Error(w, "empty fields must be omitted", http.StatusBadRequest)
			return
		}
		io.WriteString(w, `{"jobid":"job-1"}`)
	})
	id, err := c.RunJar(context.Background(), "j1", RunRequest{EntryClass: "a.B", ProgramArgsList: []string{"--x", "y"}, Parallelism: 4})
	if err != nil || id != "job-1" {
		t.Fatalf("RunJar = %q, %v", id, err)
	}
}

func TestAPIErrorShowsRootCause(t *testing.T) {
	trace := "org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\n\tat x.y(Z.java:1)\nCaused by: org.apache.flink.client.program.ProgramInvocationException: The main method caused an error\nCaused by: java.lang.IllegalArgumentException: --bootstrap-servers is required\n\tat a.b(C.java:2)"
	c := stub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string][]string{"errors": {trace}})
	})
	_, err := c.RunJar(context.Background(), "j", RunRequest{})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 400 {
		t.Fatalf("err = %v, want *APIError 400", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "Could not execute application.") || !strings.Contains(msg, "caused by java.lang.IllegalArgumentException: --bootstrap-servers is required") || strings.Contains(msg, "\n") {
		t.Fatalf("error %q is not one line with the root cause", msg)
	}
}

func TestUnreachableEndpointIsNamed(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, _ := New(url)
	_, err := c.Overview(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not reachable") || !strings.Contains(err.Error(), url) {
		t.Fatalf("Overview on a closed port = %v, want a not-reachable error naming %s", err, url)
	}
}

func TestWaitRunning_StubServer(t *testing.T) {
	var polls atomic.Int32
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		n := polls.Add(1)
		vertexState := "DEPLOYING"
		if n >= 3 {
			vertexState = "RUNNING"
		}
		io.WriteString(w, `{"jid":"j","name":"n","state":"RUNNING","vertices":[{"id":"v1","name":"src","parallelism":2,"status":"RUNNING"},{"id":"v2","name":"map","parallelism":2,"status":"`+vertexState+`"}]}`)
	})
	if err := c.waitRunning(context.Background(), "j", time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if polls.Load() < 3 {
		t.Fatalf("returned after %d polls, before every vertex ran", polls.Load())
	}
}

func TestWaitRunningReportsFailure_StubServer(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/exceptions") {
			io.WriteString(w, `{"exceptionHistory":{"entries":[{"exceptionName":"org.apache.kafka.common.KafkaException","stacktrace":"org.apache.kafka.common.KafkaException: Failed to construct kafka consumer\nCaused by: org.apache.kafka.common.config.ConfigException: No resolvable bootstrap urls\n\tat x","timestamp":1}]}}`)
			return
		}
		io.WriteString(w, `{"jid":"j","name":"n","state":"FAILED","vertices":[]}`)
	})
	err := c.waitRunning(context.Background(), "j", time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "FAILED") || !strings.Contains(err.Error(), "No resolvable bootstrap urls") {
		t.Fatalf("waitRunning on a failed job = %v, want the state and root cause", err)
	}
}

func TestWaitRunningHonoursContext_StubServer(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{"jid":"j","state":"CREATED","vertices":[]}`)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := c.waitRunning(ctx, "j", time.Millisecond)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "CREATED") {
		t.Fatalf("waitRunning past the deadline = %v, want DeadlineExceeded naming the last state", err)
	}
}

func TestJobStateIsTerminal(t *testing.T) {
	for s, want := range map[JobState]bool{StateRunning: false, StateFailed: true, StateCanceled: true, StateFinished: true, StateRestarting: false} {
		if s.IsTerminal() != want {
			t.Errorf("%s.IsTerminal() = %v", s, !want)
		}
	}
}

// TestWaitRunningFailureIsTyped_StubServer: a job seen RESTARTING is a *JobFailedError with
// its state and root cause, so callers can tell a failing job from a timeout.
func TestWaitRunningFailureIsTyped_StubServer(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/exceptions") {
			io.WriteString(w, `{"exceptionHistory":{"entries":[{"exceptionName":"x","stacktrace":"org.apache.flink.runtime.JobException: Recovery is suppressed\nCaused by: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.\n\tat y","timestamp":1}]}}`)
			return
		}
		io.WriteString(w, `{"jid":"j","name":"n","state":"RESTARTING","vertices":[]}`)
	})
	err := c.waitRunning(context.Background(), "j", time.Millisecond)
	var failed *JobFailedError
	if !errors.As(err, &failed) || failed.State != StateRestarting || !strings.Contains(failed.Cause, "UnknownTopicOrPartitionException") {
		t.Fatalf("waitRunning on a restarting job = %#v, want a *JobFailedError with state and root cause", err)
	}
	if !strings.Contains(err.Error(), "job j RESTARTING: org.apache.kafka.common.errors.UnknownTopicOrPartitionException") {
		t.Fatalf("error %q lacks the state and root cause", err)
	}
}

// TestWaitRunningTimeoutKeepsRootCause_StubServer: when the wait times out on a job whose
// tasks never all run because it keeps failing between polls, the error still carries Flink's
// root cause, looked up although the context has ended.
func TestWaitRunningTimeoutKeepsRootCause_StubServer(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/exceptions") {
			io.WriteString(w, `{"exceptionHistory":{"entries":[{"exceptionName":"x","stacktrace":"java.lang.RuntimeException: boom\nCaused by: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment.\n\tat y","timestamp":1}]}}`)
			return
		}
		io.WriteString(w, `{"jid":"j","state":"RUNNING","vertices":[{"id":"v","status":"DEPLOYING"}]}`)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := c.waitRunning(ctx, "j", time.Millisecond)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "Timed out waiting for a node assignment") || !strings.Contains(err.Error(), "RUNNING") {
		t.Fatalf("waitRunning past the deadline = %v, want DeadlineExceeded with the last state and root cause", err)
	}
}

func TestJobUserConfig_StubServer(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/jobs/abc/config" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, `{"jid":"abc","name":"n","execution-config":{"job-parallelism":2,"user-config":{"bootstrap-servers":"b:9092","input-topic":"in"}}}`)
	})
	got, err := c.JobUserConfig(context.Background(), "abc")
	if err != nil || got["bootstrap-servers"] != "b:9092" || got["input-topic"] != "in" {
		t.Fatalf("JobUserConfig = %v, %v", got, err)
	}
	if _, err := c.JobUserConfig(context.Background(), "gone"); err == nil {
		t.Fatal("a missing job's config gave no error")
	}
}
