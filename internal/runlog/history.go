package runlog

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/streamscale/streamscale/internal/hubmetrics"
)

// TrafficHistory serves the hub-table rows that runs recorded in Dir: one run's when Run is
// set ("last" is the latest), else every run's. It implements hubmetrics.History.
type TrafficHistory struct {
	Dir string
	Run string
}

var _ hubmetrics.History = TrafficHistory{}

// Rows implements hubmetrics.History. The interval is the widest any of the runs used, the
// throughput units the largest any recorded.
func (h TrafficHistory) Rows(ctx context.Context, from, to time.Time) (hubmetrics.Recording, error) {
	ids, err := h.ids()
	if err != nil {
		return hubmetrics.Recording{}, err
	}
	var out hubmetrics.Recording
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return hubmetrics.Recording{}, err
		}
		r, err := Load(h.Dir, id)
		if err != nil {
			return hubmetrics.Recording{}, err
		}
		if len(r.Traffic) == 0 {
			if h.Run != "" {
				return hubmetrics.Recording{}, fmt.Errorf("run %s recorded no broker traffic (it ran against another Kafka, or with a streamscale before the hub table was recorded)", id)
			}
			continue
		}
		var rec hubmetrics.Recording
		if err := json.Unmarshal(r.Traffic, &rec); err != nil {
			return hubmetrics.Recording{}, fmt.Errorf("run %s: corrupt traffic in run.json: %w", id, err)
		}
		if out.Interval == 0 || rec.Interval > out.Interval {
			out.Interval = rec.Interval
		}
		out.ThroughputUnits = max(out.ThroughputUnits, rec.ThroughputUnits)
		if h.Run != "" {
			out.Run = id
		}
		out.Rows = append(out.Rows, hubmetrics.Window(rec.Rows, from, to)...)
	}
	sort.SliceStable(out.Rows, func(i, j int) bool { return out.Rows[i].Start.Before(out.Rows[j].Start) })
	return out, nil
}

// ids is the one run asked for ("last" resolves to the latest), or every recorded run.
func (h TrafficHistory) ids() ([]string, error) {
	switch h.Run {
	case "":
		return List(h.Dir)
	case "last":
		r, err := Last(h.Dir)
		if err != nil {
			return nil, err
		}
		return []string{r.ID}, nil
	}
	return []string{h.Run}, nil
}
