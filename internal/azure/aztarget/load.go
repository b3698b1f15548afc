package aztarget

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/streamscale/streamscale/internal/azure/provision"
	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/latency"
)

// aciLoad is the generators running on Container Instances.
type aciLoad struct{ r *provision.Runner }

// Wait waits until every generator has ended and adds up their summaries (each prints its
// own as JSON at its end). A generator that exited non-zero, or printed no summary, is an
// error naming it with its last line of output; the summary is then the others'.
//
// When ctx is cancelled (Ctrl-C) it stops the generator container groups instead of leaving
// them sending until their --duration ends, and still adds up what each one printed, so the
// run verifies and records what was sent; the error then wraps ctx's.
func (l *aciLoad) Wait(ctx context.Context) (*generate.Summary, error) {
	res, err := l.r.WaitGenerators(ctx)
	if err == nil {
		return Summarize(res)
	}
	if ctx.Err() == nil {
		return nil, err
	}
	return l.stop(context.WithoutCancel(ctx), ctx.Err())
}

// stop stops the generators after cause interrupted the wait and adds up the summaries they
// printed; a stopped generator's exit code is its signal's, not a failure.
func (l *aciLoad) stop(ctx context.Context, cause error) (*generate.Summary, error) {
	if l.r.Out != nil {
		fmt.Fprintln(l.r.Out, "interrupted: stopping the generators")
	}
	res, stopErr := l.r.StopGenerators(ctx)
	var sums []generate.Summary
	errs := []error{fmt.Errorf("generators stopped: %w", cause)}
	if stopErr != nil {
		errs = append(errs, stopErr)
	}
	for _, g := range res {
		if s, ok := summaryOf(g.Log); ok {
			sums = append(sums, s)
		} else {
			errs = append(errs, fmt.Errorf("generator %s printed no summary when stopped: %s", g.Group, lastLine(g.Log)))
		}
	}
	if len(sums) == 0 {
		return nil, errors.Join(errs...)
	}
	total := merge(sums)
	return &total, errors.Join(errs...)
}

// Summarize adds up the generators' summaries (nil when none printed one) and returns an
// error for each generator that failed.
func Summarize(res []provision.GeneratorResult) (*generate.Summary, error) {
	var sums []generate.Summary
	var errs []error
	for _, g := range res {
		s, ok := summaryOf(g.Log)
		switch {
		case g.ExitCode != 0:
			errs = append(errs, fmt.Errorf("generator %s exited with code %d: %s", g.Group, g.ExitCode, lastLine(g.Log)))
		case !ok:
			errs = append(errs, fmt.Errorf("generator %s printed no summary: %s", g.Group, lastLine(g.Log)))
		}
		if ok {
			sums = append(sums, s)
		}
	}
	if len(sums) == 0 {
		if len(errs) == 0 {
			errs = append(errs, errors.New("no generator ran"))
		}
		return nil, errors.Join(errs...)
	}
	total := merge(sums)
	return &total, errors.Join(errs...)
}

// summaryOf finds the generator's JSON summary at the end of its output: the last line that
// is "{" to the end.
func summaryOf(log string) (generate.Summary, bool) {
	lines := strings.Split(log, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) != "{" {
			continue
		}
		var s generate.Summary
		if err := json.Unmarshal([]byte(strings.Join(lines[i:], "\n")), &s); err != nil {
			return generate.Summary{}, false
		}
		return s, true
	}
	return generate.Summary{}, false
}

func lastLine(log string) string {
	log = strings.TrimSpace(log)
	if log == "" {
		return "no output"
	}
	return log[strings.LastIndex(log, "\n")+1:]
}

// merge adds the counts and rates of generators that ran side by side; the elapsed time is
// the longest, the latency percentiles the worst generator's (by p99), the first error the
// first one's.
func merge(sums []generate.Summary) generate.Summary {
	t := generate.Summary{RunID: sums[0].RunID}
	worst := func(a, b latency.Percentiles) latency.Percentiles {
		if b.P99 > a.P99 {
			return b
		}
		return a
	}
	for _, s := range sums {
		t.Events += s.Events
		t.DuplicatesSent += s.DuplicatesSent
		t.Records += s.Records
		t.Acked += s.Acked
		t.Bytes += s.Bytes
		t.Errors += s.Errors
		t.Abandoned += s.Abandoned
		t.TargetRate += s.TargetRate
		t.AchievedRate += s.AchievedRate
		t.ThrottledRequests += s.ThrottledRequests
		t.ThrottleMs += s.ThrottleMs
		t.Elapsed = max(t.Elapsed, s.Elapsed)
		t.SendLagMs = worst(t.SendLagMs, s.SendLagMs)
		t.ProduceLatencyMs = worst(t.ProduceLatencyMs, s.ProduceLatencyMs)
		if t.FirstError == "" {
			t.FirstError = s.FirstError
		}
	}
	if t.Records > 0 {
		t.MeanRecordBytes = float64(t.Bytes) / float64(t.Records)
	}
	return t
}
