package hubmetrics

import (
	"context"
	"time"
)

// History answers for a past window with rows already aggregated per interval: what a
// metrics store keeps, such as Azure Monitor's per-minute metrics of an Event Hubs namespace,
// or the rows `streamscale run` recorded (runlog.TrafficHistory). Source is its live
// counterpart: cumulative counters that a Recorder turns into rows. Both feed the same
// table, CSV, JSON and charts.
type History interface {
	// Rows returns the rows that overlap [from, to) (a zero bound is open), oldest first,
	// at the store's own interval.
	Rows(ctx context.Context, from, to time.Time) (Recording, error)
}
