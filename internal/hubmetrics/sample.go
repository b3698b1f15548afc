package hubmetrics

import (
	"context"
	"time"
)

// SampleConfig says how long Sample records and who is told of each row.
type SampleConfig struct {
	// Topics are the topics of each row.
	Topics []string
	// Interval is a row's width.
	Interval time.Duration
	// Duration is how long to sample (0: one interval; with Follow, until ctx ends).
	Duration time.Duration
	// Follow samples until ctx ends (or Duration), rows as they close going to OnRow.
	Follow bool
	// OnRow, when set, is given each row as it closes (from the recorder's goroutine); its
	// first error ends the sampling with that error.
	OnRow func(Row) error
}

// Sample records src with a Recorder for c.Duration (one interval by default), or with
// c.Follow until ctx ends (or c.Duration), and returns the rows: the live side of `report`.
// A sample that failed is merged into the next row, so the rows returned are good.
func Sample(ctx context.Context, src Source, c SampleConfig) ([]Row, error) {
	duration := c.Duration
	if duration <= 0 && !c.Follow {
		duration = c.Interval
	}
	printErr := make(chan error, 1)
	var ropts []RecorderOpt
	if c.OnRow != nil {
		ropts = append(ropts, OnRow(func(r Row) {
			if err := c.OnRow(r); err != nil {
				select {
				case printErr <- err:
				default:
				}
			}
		}))
	}
	rec, err := StartRecorder(context.WithoutCancel(ctx), src, c.Topics, c.Interval, ropts...)
	if err != nil {
		return nil, err
	}
	var end <-chan time.Time
	if duration > 0 {
		timer := time.NewTimer(duration)
		defer timer.Stop()
		end = timer.C
	}
	select {
	case <-end:
	case err := <-printErr:
		_, _ = rec.Stop(ctx)
		return nil, err
	case <-ctx.Done():
		if !c.Follow {
			_, _ = rec.Stop(context.WithoutCancel(ctx))
			return nil, ctx.Err()
		}
	}
	rows, _ := rec.Stop(context.WithoutCancel(ctx))
	return rows, nil
}

// Regrouped is the recording with its rows regrouped to width, when width is wider than the
// rows it holds (a narrower width cannot split rows: the recording is returned as it is).
func (r Recording) Regrouped(width time.Duration) Recording {
	if time.Duration(r.Interval) < width {
		r.Rows = Regroup(r.Rows, width)
		r.Interval = Duration(width)
	}
	return r
}
