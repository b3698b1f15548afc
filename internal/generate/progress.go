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
	tty        bool
	interval   time.Duration
	start      time.Time
	next       time.Time
	lastAt     time.Time
	lastEvents int64
}

func newProgress(w io.Writer, interval time.Duration, start time.Time) *progress {
	p := &progress{w: w, interval: interval, start: start, next: start.Add(interval), lastAt: start}
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

func (p *progress) final(sum Summary) {
	if p.w == nil {
		return
	}
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(p.w, "sent %d events (+%d duplicates) in %.1fs: %.0f events/s\n", sum.Events, sum.DuplicatesSent, sum.Elapsed, sum.AchievedRate)
	if sum.Abandoned > 0 {
		fmt.Fprintf(p.w, "abandoned %d records the broker had not acknowledged (they may or may not be in the topic)\n", sum.Abandoned)
	}
}
