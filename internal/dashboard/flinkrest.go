package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FlinkREST reads a job's state and statistics from Flink's REST API: /jobs/overview to find
// the job, /jobs/:id for state, uptime and per-vertex record counts, /jobs/:id/metrics for
// numRestarts, /jobs/:id/checkpoints, and /jobs/:id/vertices/:vid/backpressure.
type FlinkREST struct {
	// Base is the REST API's address, e.g. http://127.0.0.1:8081.
	Base string
	// JobID picks the job; when empty, the newest job named JobName that has not ended (or
	// any relay job, "streamscale-relay …", when JobName is empty too).
	JobID, JobName string
	Client         *http.Client
	// Now is the clock the rates are measured by (nil: time.Now).
	Now func() time.Time

	mu   sync.Mutex
	last map[string]vertexCount // vertex id → counts at the previous sample
}

// vertexCount is a vertex's counters when they last changed, and the rates then computed.
// Flink's REST API refreshes them only every few seconds (metrics.fetcher.update-interval),
// so between refreshes the last rates hold instead of dropping to zero and then spiking.
type vertexCount struct {
	at              time.Time
	read, write     int64
	inRate, outRate float64
}

// staleAfter is how long unchanged counters keep their last rates; after it they mean a
// stopped flow.
const staleAfter = 15 * time.Second

// clock is now, or time.Now when it is nil.
func clock(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}

// ErrNoJob says there is no job to show.
var ErrNoJob = errors.New("no relay job runs on this Flink")

// Sample reads the job now; rates are against the previous Sample.
func (f *FlinkREST) Sample(ctx context.Context) (*JobView, error) {
	id, err := f.pick(ctx)
	if err != nil {
		return nil, err
	}
	var d restJob
	if err := f.get(ctx, "/jobs/"+url.PathEscape(id), &d); err != nil {
		return nil, err
	}
	v := &JobView{ID: d.JID, Name: d.Name, State: d.State, UptimeMs: d.Duration, Restarts: -1,
		Vertices: f.vertexViews(clock(f.Now)(), d.Vertices)}
	if d.State != "RUNNING" {
		return v, nil
	}
	var errs []error
	restarts, err := f.restarts(ctx, id)
	if err != nil {
		errs = append(errs, err)
	}
	v.Restarts = restarts
	cp, err := f.checkpoints(ctx, id)
	if err != nil {
		errs = append(errs, err)
	}
	v.Checkpoints = cp
	for i := range v.Vertices {
		level, ratio, err := f.backpressure(ctx, id, v.Vertices[i].ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		v.Vertices[i].Backpressure, v.Vertices[i].BackpressureRatio = level, ratio
	}
	return v, errors.Join(errs...)
}

// restJob is the part of Flink's /jobs/<id> answer the dashboard shows.
type restJob struct {
	JID       string       `json:"jid"`
	Name      string       `json:"name"`
	State     string       `json:"state"`
	Duration  int64        `json:"duration"`
	StartTime int64        `json:"start-time"`
	Now       int64        `json:"now"`
	Vertices  []restVertex `json:"vertices"`
}

// restVertex is one vertex of a restJob with its record counters.
type restVertex struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Parallelism int    `json:"parallelism"`
	Status      string `json:"status"`
	Metrics     struct {
		ReadRecords  int64 `json:"read-records"`
		WriteRecords int64 `json:"write-records"`
	} `json:"metrics"`
}

// vertexViews turns the vertices read at now into views, with their record rates against the
// counts the previous Sample saw (kept while Flink has not refreshed the counters).
func (f *FlinkREST) vertexViews(now time.Time, vertices []restVertex) []VertexView {
	views := []VertexView{}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last == nil {
		f.last = map[string]vertexCount{}
	}
	for _, x := range vertices {
		vv := VertexView{ID: x.ID, Name: x.Name, Parallelism: x.Parallelism, Status: x.Status,
			ReadRecords: x.Metrics.ReadRecords, WriteRecords: x.Metrics.WriteRecords}
		cur := vertexCount{at: now, read: x.Metrics.ReadRecords, write: x.Metrics.WriteRecords}
		prev, seen := f.last[x.ID]
		switch {
		case seen && cur.read == prev.read && cur.write == prev.write && now.Sub(prev.at) < staleAfter:
			cur = prev // not refreshed yet: keep the rates and when they were measured
		case seen:
			if secs := now.Sub(prev.at).Seconds(); secs > 0 {
				cur.inRate = nonNegative(float64(cur.read-prev.read) / secs)
				cur.outRate = nonNegative(float64(cur.write-prev.write) / secs)
			}
		}
		vv.RecordsInPerSec, vv.RecordsOutPerSec = cur.inRate, cur.outRate
		f.last[x.ID] = cur
		views = append(views, vv)
	}
	return views
}

// restarts reads the job's numRestarts metric; -1 when Flink does not report it.
func (f *FlinkREST) restarts(ctx context.Context, id string) (int64, error) {
	var metrics []struct {
		ID    string `json:"id"`
		Value string `json:"value"`
	}
	err := f.get(ctx, "/jobs/"+url.PathEscape(id)+"/metrics?get=numRestarts", &metrics)
	restarts := int64(-1)
	for _, m := range metrics {
		if m.ID == "numRestarts" {
			if n, err := strconv.ParseFloat(m.Value, 64); err == nil {
				restarts = int64(n)
			}
		}
	}
	return restarts, err
}

// pick finds the job to show.
func (f *FlinkREST) pick(ctx context.Context) (string, error) {
	if f.JobID != "" {
		return f.JobID, nil
	}
	var ov struct {
		Jobs []struct {
			JID       string `json:"jid"`
			Name      string `json:"name"`
			State     string `json:"state"`
			StartTime int64  `json:"start-time"`
		} `json:"jobs"`
	}
	if err := f.get(ctx, "/jobs/overview", &ov); err != nil {
		return "", err
	}
	best, bestStart, bestLive := "", int64(-1), false
	for _, j := range ov.Jobs {
		match := j.Name == f.JobName || (f.JobName == "" && strings.HasPrefix(j.Name, "streamscale-relay"))
		if !match {
			continue
		}
		live := !terminal(j.State)
		// A job that has not ended beats one that has; then the newest.
		if (live && !bestLive) || (live == bestLive && j.StartTime > bestStart) {
			best, bestStart, bestLive = j.JID, j.StartTime, live
		}
	}
	if best == "" {
		return "", ErrNoJob
	}
	return best, nil
}

func terminal(state string) bool {
	switch state {
	case "FAILED", "CANCELED", "FINISHED":
		return true
	}
	return false
}

func (f *FlinkREST) checkpoints(ctx context.Context, id string) (*CheckpointView, error) {
	var st struct {
		Counts struct {
			InProgress int64 `json:"in_progress"`
			Completed  int64 `json:"completed"`
			Failed     int64 `json:"failed"`
		} `json:"counts"`
		Latest struct {
			Completed *struct {
				EndToEndDuration int64 `json:"end_to_end_duration"`
				StateSize        int64 `json:"state_size"`
				CheckpointedSize int64 `json:"checkpointed_size"`
			} `json:"completed"`
		} `json:"latest"`
	}
	err := f.get(ctx, "/jobs/"+url.PathEscape(id)+"/checkpoints", &st)
	var he *httpError
	if errors.As(err, &he) && he.status == http.StatusNotFound {
		return nil, nil // checkpointing is off (guarantee none)
	}
	if err != nil {
		return nil, err
	}
	cv := &CheckpointView{Completed: st.Counts.Completed, Failed: st.Counts.Failed, InProgress: st.Counts.InProgress}
	if c := st.Latest.Completed; c != nil {
		cv.LastDurationMs, cv.LastSizeBytes = c.EndToEndDuration, max(c.StateSize, c.CheckpointedSize)
	}
	return cv, nil
}

func (f *FlinkREST) backpressure(ctx context.Context, id, vid string) (string, float64, error) {
	var bp struct {
		Status   string `json:"status"`
		Level    string `json:"backpressureLevel"`
		Subtasks []struct {
			Ratio float64 `json:"ratio"`
		} `json:"subtasks"`
	}
	if err := f.get(ctx, "/jobs/"+url.PathEscape(id)+"/vertices/"+url.PathEscape(vid)+"/backpressure", &bp); err != nil {
		return "", 0, err
	}
	ratio := 0.0
	for _, s := range bp.Subtasks {
		ratio = max(ratio, s.Ratio)
	}
	return bp.Level, ratio, nil
}

type httpError struct {
	status int
	path   string
}

func (e *httpError) Error() string { return fmt.Sprintf("flink REST %s: HTTP %d", e.path, e.status) }

func (f *FlinkREST) get(ctx context.Context, path string, out any) error {
	hc := f.Client
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(f.Base, "/")+path, nil)
	if err != nil {
		return fmt.Errorf("flink REST: %w", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("flink REST at %s not reachable: %w", f.Base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return &httpError{status: resp.StatusCode, path: path}
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("flink REST %s: %w", path, err)
	}
	return nil
}

func nonNegative(x float64) float64 { return max(x, 0) }
