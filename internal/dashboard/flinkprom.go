package dashboard

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/streamscale/streamscale/internal/promscrape"
)

// FlinkPrometheus sums the relay job's own counters over Flink's Prometheus reporter
// endpoints (one per TaskManager; the JobManager's may be listed too): relayedRecords and
// deadLetteredRecords, which Flink exposes as
// flink_taskmanager_job_task_operator_relayedRecords{job_id=…,task_name=…,subtask_index=…}.
type FlinkPrometheus struct {
	URLs   []string
	Client *http.Client

	mu   sync.Mutex
	prev *counterSample
}

type counterSample struct {
	at                    time.Time
	relayed, deadLettered float64
}

// CounterValues are the job's counters and their rates over the last interval (rates nil on
// the first sample or after a counter reset, e.g. a job restart).
type CounterValues struct {
	Relayed, DeadLettered               float64
	RelayedPerSec, DeadLetteredPerSec   *float64
	RelayedPresent, DeadLetteredPresent bool
}

// Sample scrapes every endpoint. jobID, when set, keeps only that job's series. An endpoint
// that does not answer (a TaskManager that restarts) fails the sample, so that a partial sum
// never reads as a drop.
func (p *FlinkPrometheus) Sample(ctx context.Context, jobID string) (CounterValues, error) {
	var out CounterValues
	var errs []error
	for _, u := range p.URLs {
		samples, err := promscrape.Fetch(ctx, p.Client, u, "Flink metrics")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, s := range samples {
			if jobID != "" && s.Label("job_id") != "" && s.Label("job_id") != jobID {
				continue
			}
			switch {
			case strings.HasSuffix(s.Name, "_relayedRecords"):
				out.Relayed += s.Value
				out.RelayedPresent = true
			case strings.HasSuffix(s.Name, "_deadLetteredRecords"):
				out.DeadLettered += s.Value
				out.DeadLetteredPresent = true
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return CounterValues{}, err
	}
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if prev := p.prev; prev != nil {
		if secs := now.Sub(prev.at).Seconds(); secs > 0 {
			if d := out.Relayed - prev.relayed; d >= 0 && out.RelayedPresent {
				r := d / secs
				out.RelayedPerSec = &r
			}
			if d := out.DeadLettered - prev.deadLettered; d >= 0 && out.DeadLetteredPresent {
				r := d / secs
				out.DeadLetteredPerSec = &r
			}
		}
	}
	p.prev = &counterSample{at: now, relayed: out.Relayed, deadLettered: out.DeadLettered}
	return out, nil
}
