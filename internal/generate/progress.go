package generate

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/streamscale/streamscale/internal/latency"
)

// progress prints a line every interval: on a terminal one short line rewritten in place
// (every second), otherwise plain lines (every ProgressInterval, 10 s by default) with the
// target and achieved rate, events, MB and errors so far, and send lag and produce latency as
// p50/p99/p99.9/max. Rates and percentiles are those of the interval, so a stall shows at once;
// the broker's throttling is added when there was any.
type progress struct {
	w        io.Writer
	throttle throttleSince
	// sched gives the interval's target rate; nil when the run has none (Unlimited).
	sched      *Schedule
	tty        bool
	interval   time.Duration
	start      time.Time
	next       time.Time
	lastAt     time.Time
	lastEvents int64
}

func newProgress(w io.Writer, interval time.Duration, start time.Time, sched *Schedule, throttle throttleSince) *progress {
	p := &progress{w: w, throttle: throttle, sched: sched, interval: interval, start: start, next: start.Add(interval), lastAt: start}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
			p.interval = time.Second
			p.next = start.Add(time.Second)
		}
	}
	return p
}

func (p *progress) maybePrint(now time.Time, st *stats) {
	if p.w == nil || now.Before(p.next) {
		return
	}
	p.next = p.next.Add(p.interval)
	iv := st.interval()
	window := now.Sub(p.lastAt).Seconds()
	rate := float64(iv.events-p.lastEvents) / window
	target := "-"
	if p.sched != nil {
		due := p.sched.Due(now.Sub(p.start)) - p.sched.Due(p.lastAt.Sub(p.start))
		target = fmt.Sprintf("%.0f", float64(due)/window)
	}
	p.lastAt, p.lastEvents = now, iv.events
	throttled := ""
	if n, d := p.throttle.counts(); n > 0 {
		throttled = fmt.Sprintf("  throttled %d (%.0f ms)", n, float64(d)/float64(time.Millisecond))
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%5.0fs  %.0f/%s events/s  %d events  %.1f MB  %d errors  lag p99 %.1f ms  ack p99 %.1f ms%s",
			now.Sub(p.start).Seconds(), rate, target, iv.events, float64(iv.bytes)/1e6, iv.errors, iv.sendLag.P99, iv.produce.P99, throttled)
		return
	}
	pct := func(q latency.Percentiles) string {
		return fmt.Sprintf("%.1f/%.1f/%.1f/%.1f", q.P50, q.P99, q.P999, q.Max)
	}
	fmt.Fprintf(p.w, "%5.0fs  %.0f/%s events/s  events %d  MB %.1f  errors %d  send-lag ms p50/p99/p99.9/max %s  ack ms %s%s\n",
		now.Sub(p.start).Seconds(), rate, target, iv.events, float64(iv.bytes)/1e6, iv.errors, pct(iv.sendLag), pct(iv.produce), throttled)
}

// note prints msg on a line of its own (on a terminal, in place of the progress line).
func (p *progress) note(msg string) {
	if p.w == nil {
		return
	}
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintln(p.w, msg)
}

// final prints the one-line account of the run; the command's summary gives the details.
func (p *progress) final(sum Summary) {
	if p.w == nil {
		return
	}
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	line := fmt.Sprintf("sent %d events (+%d duplicates) in %.1fs: %.0f events/s", sum.Events, sum.DuplicatesSent, sum.Elapsed, sum.AchievedRate)
	if sum.Errors > 0 {
		line += fmt.Sprintf("; %d records failed", sum.Errors)
	}
	if sum.Abandoned > 0 {
		line += fmt.Sprintf("; %d records abandoned unacknowledged", sum.Abandoned)
	}
	if sum.ThrottledRequests > 0 {
		line += fmt.Sprintf("; throttled by the broker %d times (%.0f ms)", sum.ThrottledRequests, sum.ThrottleMs)
	}
	fmt.Fprintln(p.w, line)
}
