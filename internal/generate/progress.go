package generate

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress prints a line every interval: on a terminal one line rewritten in place, otherwise
// plain lines. Rates are per interval, so a stall shows at once.
type progress struct {
	w          io.Writer
	throttle   throttleSince
	tty        bool
	interval   time.Duration
	start      time.Time
	next       time.Time
	lastAt     time.Time
	lastEvents int64
}

func newProgress(w io.Writer, interval time.Duration, start time.Time, throttle throttleSince) *progress {
	p := &progress{w: w, throttle: throttle, interval: interval, start: start, next: start.Add(interval), lastAt: start}
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
	sum := st.summary(now.Sub(p.start), 0)
	window := float64(sum.Events-p.lastEvents) / now.Sub(p.lastAt).Seconds()
	p.lastAt, p.lastEvents = now, sum.Events
	line := fmt.Sprintf("%5.0fs  %8.0f events/s  events %d  MB %.1f  errors %d  send-lag p99 %.1f ms  ack p99 %.1f ms",
		now.Sub(p.start).Seconds(), window, sum.Events, float64(sum.Bytes)/1e6, sum.Errors, sum.SendLagMs.P99, sum.ProduceLatencyMs.P99)
	if n, d := p.throttle.counts(); n > 0 {
		line += fmt.Sprintf("  throttled %d (%.0f ms)", n, float64(d)/float64(time.Millisecond))
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		return
	}
	fmt.Fprintln(p.w, line)
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
