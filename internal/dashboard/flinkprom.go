package dashboard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"syscall"
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
	// SkipRefused makes URLs candidates rather than endpoints: one that refuses the
	// connection is left out of the sum (on YARN each container takes the first free port of
	// a range, so which ports answer is not known ahead). At least one must answer.
	SkipRefused bool
	// Now is the clock the rates are measured by (nil: time.Now).
	Now func() time.Time

	mu   sync.Mutex
	prev *counterSample
}

type counterSample struct {
	at                    time.Time
	relayed, deadLettered float64
	in, out               map[string]float64 // per operator name
}

// OperatorRate is one operator's records in and out per second over the last interval,
// summed over its subtasks (Flink's numRecordsIn and numRecordsOut).
type OperatorRate struct {
	Name      string  `json:"name"`
	InPerSec  float64 `json:"inPerSec"`
	OutPerSec float64 `json:"outPerSec"`
}

// CounterValues are the job's counters and their rates over the last interval (rates nil on
// the first sample or after a counter reset, e.g. a job restart).
type CounterValues struct {
	Relayed, DeadLettered               float64
	RelayedPerSec, DeadLetteredPerSec   *float64
	RelayedPresent, DeadLetteredPresent bool
	// Operators are per-operator rates, in name order (none on the first sample).
	Operators []OperatorRate
}

// Sample scrapes every endpoint. jobID, when set, keeps only that job's series. An endpoint
// that does not answer (a TaskManager that restarts) fails the sample, so that a partial sum
// never reads as a drop.
func (p *FlinkPrometheus) Sample(ctx context.Context, jobID string) (CounterValues, error) {
	var out CounterValues
	var errs []error
	in, outRecs := map[string]float64{}, map[string]float64{}
	answered := 0
	for _, u := range p.URLs {
		samples, err := promscrape.Fetch(ctx, p.Client, u, "Flink metrics")
		if p.SkipRefused && errors.Is(err, syscall.ECONNREFUSED) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		answered++
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
			case s.Name == "flink_taskmanager_job_task_operator_numRecordsIn" && s.Label("operator_name") != "":
				in[s.Label("operator_name")] += s.Value
			case s.Name == "flink_taskmanager_job_task_operator_numRecordsOut" && s.Label("operator_name") != "":
				outRecs[s.Label("operator_name")] += s.Value
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return CounterValues{}, err
	}
	if answered == 0 && len(p.URLs) > 0 {
		return CounterValues{}, fmt.Errorf("no Flink metrics endpoint answers among the %d tried, %s … %s", len(p.URLs), p.URLs[0], p.URLs[len(p.URLs)-1])
	}
	now := clock(p.Now)()
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
			out.Operators = operatorRates(prev, in, outRecs, secs)
		}
	}
	p.prev = &counterSample{at: now, relayed: out.Relayed, deadLettered: out.DeadLettered, in: in, out: outRecs}
	return out, nil
}

// operatorRates compares per-operator counters with the previous sample's; an operator new
// since then, or whose counters went back (a restart), is left out.
func operatorRates(prev *counterSample, in, out map[string]float64, secs float64) []OperatorRate {
	names := make([]string, 0, len(out))
	for n := range out {
		names = append(names, n)
	}
	for n := range in {
		if _, ok := out[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var rates []OperatorRate
	for _, n := range names {
		pi, okIn := prev.in[n]
		po, okOut := prev.out[n]
		if (!okIn && !okOut) || in[n] < pi || out[n] < po {
			continue
		}
		rates = append(rates, OperatorRate{Name: n, InPerSec: (in[n] - pi) / secs, OutPerSec: (out[n] - po) / secs})
	}
	return rates
}
