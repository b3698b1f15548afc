package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
)

// killAndRestore waits until the output holds cfg.KillAfter's worth of the load (not a time
// from the job's start: on a loaded machine the load may start many seconds after the job
// runs), kills -9 the TaskManager that runs most of the job's subtasks, and brings the stack
// back with local up (in the background of the failover, as an orchestrator would). It gives
// up without a kill when ended closes first. When Flink noticed is read later (detect).
func killAndRestore(ctx context.Context, ended <-chan struct{}, cfg FailoverConfig, stack *local.Stack, ep pipeline.Endpoints, out, jobID string, kill *Kill) error {
	flinkURL := ep.FlinkURL
	cl, err := ep.Kafka.NewClient()
	if err != nil {
		return err
	}
	defer cl.Close()
	wctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-ended:
			cancel()
		case <-wctx.Done():
		}
	}()
	want := int64(cfg.Rate * cfg.KillAfter.Seconds())
	err = waitForRecords(wctx, kadm.NewClient(cl), out, want, cfg.Duration+2*time.Minute, io.Discard)
	cancel()
	select {
	case <-ended:
		return errors.New("the run ended before the kill: lengthen --duration or shorten --kill-after")
	default:
	}
	if err != nil {
		return fmt.Errorf("wait for %d records in %q before the kill: %w", want, out, err)
	}
	st, err := stack.Status(ctx)
	if err != nil {
		return err
	}
	counts, err := subtasksPerTaskManager(ctx, flinkURL, jobID)
	if err != nil {
		return err
	}
	kill.TaskManager, kill.PID, kill.Subtasks = pickTaskManager(counts, st.Flink.TaskManagerResourceIDs, st.Flink.TaskManagerPIDs)
	if kill.PID == 0 {
		return fmt.Errorf("no TaskManager of the local stack runs job %s's subtasks (%v; the stack's: %v)", jobID, counts, st.Flink.TaskManagerResourceIDs)
	}
	kill.At = time.Now()
	if err := syscall.Kill(kill.PID, syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill -9 %d: %w", kill.PID, err)
	}
	waitGone(ctx, kill.PID)
	if _, err := stack.Up(ctx, io.Discard); err != nil {
		return fmt.Errorf("local up after the kill: %w", err)
	}
	kill.BackAfterMs = time.Since(kill.At).Milliseconds()
	return nil
}

// detect sets kill's DetectedMs and DetectedBy from the JobManager's log at path (-1 and ""
// when the log has no loss line for the TaskManager after the kill). It is read once the run
// is over: the loss may be declared after local up has brought the TaskManager back (under
// the baseline's 2 s × 2 heartbeat RPCs it came ~2.2 s after the kill, local up returned
// after ~1 s), so reading it right after the restore missed it.
func detect(path string, kill *Kill) {
	kill.DetectedMs, kill.DetectedBy = -1, ""
	log, err := os.ReadFile(path)
	if err != nil {
		return
	}
	if at, by, ok := detection(string(log), kill.TaskManager, kill.At); ok {
		kill.DetectedMs, kill.DetectedBy = at.Sub(kill.At).Milliseconds(), by
	}
}

// waitGone waits until pid has exited (or is a zombie), at most 30 s: its listening sockets
// stay taken until then.
func waitGone(ctx context.Context, pid int) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return
		}
		if i := strings.LastIndexByte(string(stat), ')'); i < 0 || i+2 >= len(stat) || stat[i+2] == 'Z' || stat[i+2] == 'X' {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// subtasksPerTaskManager counts the job's running subtasks per TaskManager resource id
// (GET /jobs/{jid}/vertices/{vid}: subtasks[].taskmanager-id, Flink 2.2.1's
// SubtaskExecutionAttemptDetailsInfo).
func subtasksPerTaskManager(ctx context.Context, flinkURL, jobID string) (map[string]int, error) {
	fc, err := flink.New(flinkURL)
	if err != nil {
		return nil, err
	}
	job, err := fc.Job(ctx, jobID)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, v := range job.Vertices {
		var details struct {
			Subtasks []struct {
				TaskManager string `json:"taskmanager-id"`
			} `json:"subtasks"`
		}
		u := strings.TrimRight(flinkURL, "/") + "/jobs/" + url.PathEscape(jobID) + "/vertices/" + url.PathEscape(v.ID)
		if err := getJSON(ctx, u, &details); err != nil {
			return nil, err
		}
		for _, s := range details.Subtasks {
			counts[s.TaskManager]++
		}
	}
	return counts, nil
}

func getJSON(ctx context.Context, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	return nil
}

// pickTaskManager is the TaskManager of the stack (ids and pids in the same order) that runs
// the most subtasks; ties go to the lower id. No pid: none of them runs any.
func pickTaskManager(counts map[string]int, ids []string, pids []int) (id string, pid, subtasks int) {
	for i, rid := range ids {
		n := counts[rid]
		if n > subtasks || (n == subtasks && n > 0 && rid < id) {
			id, pid, subtasks = rid, pids[i], n
		}
	}
	return id, pid, subtasks
}

// detection finds in the JobManager's log the first line after the kill that declares the
// TaskManager lost (JobMaster's and ResourceManager's heartbeat listeners in Flink 2.2.1:
// "TaskManager with id X is no longer reachable." after failed heartbeat RPCs, "Heartbeat of
// TaskManager with id X timed out." after heartbeat.timeout). Log times are local time, to the
// millisecond (the stack's log4j pattern).
func detection(log, taskManager string, after time.Time) (time.Time, string, bool) {
	for _, line := range strings.Split(log, "\n") {
		var by string
		switch {
		case strings.Contains(line, "TaskManager with id "+taskManager) && strings.Contains(line, "is no longer reachable"):
			by = "rpc-failure"
		case strings.Contains(line, "Heartbeat of TaskManager with id "+taskManager) && strings.Contains(line, "timed out"):
			by = "heartbeat-timeout"
		default:
			continue
		}
		if len(line) < 23 {
			continue
		}
		at, err := time.ParseInLocation("2006-01-02 15:04:05,000", line[:23], time.Local)
		if err != nil || at.Before(after.Truncate(time.Millisecond)) {
			continue
		}
		return at, by, true
	}
	return time.Time{}, "", false
}
