package flink

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The bodies below follow Flink 2.2's REST messages (see savepoints.go for the sources).
const (
	jobID        = "a5e0edd8e66b53f1b89c2041f91b8fd2"
	triggerID    = "8f6e3c1d2b4a59687766554433221100"
	spInProgress = `{"status":{"id":"IN_PROGRESS"},"operation":null}`
	spCompleted  = `{"status":{"id":"COMPLETED"},"operation":{"location":"file:/home/u/.streamscale/flink/savepoints/savepoint-a5e0ed-0123456789ab"}}`
	spFailed     = `{"status":{"id":"COMPLETED"},"operation":{"failure-cause":{"class":"java.util.concurrent.CompletionException",` +
		`"stack-trace":"java.util.concurrent.CompletionException: org.apache.flink.runtime.checkpoint.CheckpointException: Failure to finalize checkpoint.\n\tat a.b(C.java:1)\nCaused by: java.io.IOException: Permission denied: /ro/savepoints\n\tat d.e(F.java:2)\n",` +
		`"serialized-throwable":"rO0ABXNy"}}}`
	checkpointsBody = `{"counts":{"restored":1,"total":7,"in_progress":0,"completed":6,"failed":1},` +
		`"summary":{"checkpointed_size":{"min":1,"max":2,"avg":1,"p50":1.0,"p90":2.0,"p95":2.0,"p99":2.0,"p999":2.0},"state_size":{"min":1,"max":2,"avg":1,"p50":1.0,"p90":2.0,"p95":2.0,"p99":2.0,"p999":2.0}},` +
		`"latest":{"completed":{"className":"completed","id":7,"status":"COMPLETED","is_savepoint":false,"savepointFormat":null,"trigger_timestamp":1764447000000,"latest_ack_timestamp":1764447000120,"checkpointed_size":4096,"state_size":4096,"end_to_end_duration":120,"alignment_buffered":0,"processed_data":0,"persisted_data":0,"num_subtasks":4,"num_acknowledged_subtasks":4,"checkpoint_type":"CHECKPOINT","tasks":{},"external_path":"file:/home/u/.streamscale/flink/checkpoints/a5e0edd8e66b53f1b89c2041f91b8fd2/chk-7","discarded":false},` +
		`"savepoint":{"className":"completed","id":3,"status":"COMPLETED","is_savepoint":true,"savepointFormat":"CANONICAL","trigger_timestamp":1764446000000,"latest_ack_timestamp":1764446000300,"checkpointed_size":4096,"state_size":4096,"end_to_end_duration":300,"alignment_buffered":0,"processed_data":0,"persisted_data":0,"num_subtasks":4,"num_acknowledged_subtasks":4,"checkpoint_type":"SAVEPOINT","tasks":{},"external_path":"file:/home/u/.streamscale/flink/savepoints/savepoint-a5e0ed-0123456789ab","discarded":false},` +
		`"failed":null,` +
		`"restored":{"id":2,"restore_timestamp":1764445000000,"is_savepoint":true,"external_path":"file:/old/savepoint-1"}},` +
		`"history":[]}`
)

func TestStopWithSavepoint_StubServer(t *testing.T) {
	tests := []struct {
		name     string
		polls    []string // answers of GET …/savepoints/{trigger}, one per call, staying on the last
		wantLoc  string
		wantFail string
	}{
		{name: "completes", polls: []string{spInProgress, spInProgress, spCompleted}, wantLoc: "file:/home/u/.streamscale/flink/savepoints/savepoint-a5e0ed-0123456789ab"},
		{name: "fails with Flink's root cause", polls: []string{spInProgress, spFailed}, wantFail: "java.io.IOException: Permission denied: /ro/savepoints"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotBody map[string]any
			var polls atomic.Int32
			c := stub(t, func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.Method == http.MethodPost && r.URL.Path == "/jobs/"+jobID+"/stop":
					_ = json.NewDecoder(r.Body).Decode(&gotBody)
					w.WriteHeader(http.StatusAccepted)
					io.WriteString(w, `{"request-id":"`+triggerID+`"}`)
				case r.Method == http.MethodGet && r.URL.Path == "/jobs/"+jobID+"/savepoints/"+triggerID:
					i := int(polls.Add(1)) - 1
					io.WriteString(w, tt.polls[min(i, len(tt.polls)-1)])
				default:
					http.NotFound(w, r)
				}
			})
			trigger, err := c.TriggerStop(context.Background(), jobID, "file:///sp")
			if err != nil || trigger != triggerID {
				t.Fatalf("TriggerStop = %q, %v", trigger, err)
			}
			if gotBody["targetDirectory"] != "file:///sp" || gotBody["drain"] != false {
				t.Errorf("stop body = %v, want targetDirectory file:///sp and drain false", gotBody)
			}
			loc, err := c.waitSavepoint(context.Background(), jobID, trigger, time.Millisecond)
			var failed *SavepointFailedError
			switch {
			case tt.wantFail != "":
				if !errors.As(err, &failed) || failed.Cause != tt.wantFail || strings.Contains(err.Error(), "\n") {
					t.Fatalf("waitSavepoint = %q, %v; want one line with %q", loc, err, tt.wantFail)
				}
			case err != nil || loc != tt.wantLoc:
				t.Fatalf("waitSavepoint = %q, %v; want %q", loc, err, tt.wantLoc)
			}
		})
	}
}

// TestWaitSavepoint_Cancelled: Ctrl-C while waiting ends the wait with the context's error and
// a message that the savepoint may still complete.
func TestWaitSavepoint_Cancelled(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, spInProgress) })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.waitSavepoint(ctx, jobID, triggerID, time.Millisecond)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "may still finish") {
		t.Fatalf("waitSavepoint = %v", err)
	}
}

// TestTriggerStop_Refused: a job that cannot be stopped (e.g. not running) comes back as
// Flink's message in one line.
func TestTriggerStop_Refused(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `{"errors":["org.apache.flink.runtime.rest.handler.RestHandlerException: Job `+jobID+` is not in state RUNNING."]}`)
	})
	_, err := c.TriggerStop(context.Background(), jobID, "")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusConflict || !strings.Contains(err.Error(), "not in state RUNNING") {
		t.Fatalf("TriggerStop = %v", err)
	}
}

func TestCheckpoints_StubServer(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/jobs/" + jobID + "/checkpoints":
			io.WriteString(w, checkpointsBody)
		case "/jobs/nockpt/checkpoints":
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"errors":["Checkpointing has not been enabled."]}`)
		case "/jobs/nockpt":
			io.WriteString(w, `{"jid":"nockpt","name":"x","state":"RUNNING","vertices":[]}`)
		default:
			http.NotFound(w, r)
		}
	})
	st, err := c.Checkpoints(context.Background(), jobID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Counts.Completed != 6 || st.Counts.Failed != 1 || st.Counts.Restored != 1 {
		t.Errorf("counts = %+v", st.Counts)
	}
	if cp := st.Latest.Completed; cp == nil || cp.ID != 7 || cp.IsSavepoint || !strings.HasSuffix(cp.ExternalPath, "/chk-7") || cp.Time().UnixMilli() != 1764447000120 {
		t.Errorf("latest completed = %+v", cp)
	}
	if sp := st.Latest.Savepoint; sp == nil || !sp.IsSavepoint || !strings.Contains(sp.ExternalPath, "savepoint-a5e0ed") {
		t.Errorf("latest savepoint = %+v", sp)
	}
	if r := st.Latest.Restored; r == nil || r.ExternalPath != "file:/old/savepoint-1" {
		t.Errorf("restored = %+v", r)
	}
	st, err = c.Checkpoints(context.Background(), "nockpt")
	if err != nil || st.Latest.Completed != nil {
		t.Errorf("job without checkpointing: %+v, %v; want empty stats", st, err)
	}
	if _, err := c.Checkpoints(context.Background(), "gone"); err == nil {
		t.Error("unknown job: want an error")
	}
}

func TestClusterConfig_SavepointDir(t *testing.T) {
	tests := []struct {
		body string
		want string
	}{
		{`[{"key":"execution.checkpointing.savepoint-dir","value":"file:///sp"},{"key":"rest.port","value":"8081"}]`, "file:///sp"},
		{`[{"key":"state.savepoints.dir","value":"hdfs:///old"}]`, "hdfs:///old"},
		{`[{"key":"rest.port","value":"8081"}]`, ""},
	}
	for _, tt := range tests {
		c := stub(t, func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, tt.body) })
		conf, err := c.ClusterConfig(context.Background())
		if err != nil || SavepointDir(conf) != tt.want {
			t.Errorf("SavepointDir(%s) = %q, %v; want %q", tt.body, SavepointDir(conf), err, tt.want)
		}
	}
}
