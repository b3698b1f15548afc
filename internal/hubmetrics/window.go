package hubmetrics

import (
	"context"
	"fmt"
	"time"
)

// ParseWhen reads a point in time: RFC 3339, or a duration meaning that long before now. ""
// is the zero time (an open bound).
func ParseWhen(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time (2026-11-25T04:00:00Z) nor a duration ago (30m)", s)
}

// Span is a span of recorded rows; a zero bound is open (since the first run, until now).
type Span struct{ From, To time.Time }

// ParseSpan reads --from and --to (ParseWhen each) and checks that to is after from when
// both are given; its errors name the flag.
func ParseSpan(from, to string, now time.Time) (Span, error) {
	f, err := ParseWhen(from, now)
	if err != nil {
		return Span{}, fmt.Errorf("--from: %w", err)
	}
	t, err := ParseWhen(to, now)
	if err != nil {
		return Span{}, fmt.Errorf("--to: %w", err)
	}
	if !f.IsZero() && !t.IsZero() && !t.After(f) {
		return Span{}, fmt.Errorf("--to %s is not after --from %s", t.Format(time.RFC3339), f.Format(time.RFC3339))
	}
	return Span{From: f, To: t}, nil
}

// String says the window in words: "between <from> and <to>".
func (w Span) String() string {
	f := func(t time.Time, open string) string {
		if t.IsZero() {
			return open
		}
		return t.UTC().Format(time.RFC3339)
	}
	return "between " + f(w.From, "the first run") + " and " + f(w.To, "now")
}

// Recorded reads h's rows in the window; where names the store in the error when it holds
// none (only what `streamscale run` sampled is kept).
func Recorded(ctx context.Context, h History, w Span, where string) (Recording, error) {
	out, err := h.Rows(ctx, w.From, w.To)
	if err != nil {
		return Recording{}, err
	}
	if len(out.Rows) == 0 {
		return Recording{}, fmt.Errorf("no recorded broker traffic %s in %s: only what `streamscale run` sampled is kept; for live figures drop --run/--from/--to", w, where)
	}
	return out, nil
}
