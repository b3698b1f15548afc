package generate

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// record adds n events sent with lag and acknowledged after ack, of 940 bytes each.
func record(st *stats, n int, lag, ack time.Duration) {
	for range n {
		st.sent(lag, 940, false)
		st.ack(ack, nil)
	}
}

// TestProgressLine: the plain (not terminal) periodic line gives the interval's target and
// achieved rate, events, MB and errors so far, and the interval's send lag and produce latency
// as p50/p99/p99.9/max; throttling only when there was some.
func TestProgressLine(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	var out bytes.Buffer
	th := &Throttle{}
	p := newProgress(&out, 10*time.Second, start, &Schedule{Rate: 1000}, newThrottleSince(th))
	st := newStats()
	record(st, 9002, 600*time.Microsecond, 3700*time.Microsecond)
	record(st, 900, 1600*time.Microsecond, 6900*time.Microsecond)
	record(st, 90, 2300*time.Microsecond, 11700*time.Microsecond)
	record(st, 10, 3700*time.Microsecond, 19800*time.Microsecond)
	p.maybePrint(start.Add(9*time.Second), st) // not yet due
	p.maybePrint(start.Add(10*time.Second), st)
	want := "   10s  1000/1000 events/s  events 10002  MB 9.4  errors 0  send-lag ms p50/p99/p99.9/max 0.6/1.6/2.3/3.7  ack ms 3.7/6.9/11.7/19.8\n"
	if out.String() != want {
		t.Fatalf("line\n%q, want\n%q", out.String(), want)
	}

	// The next interval: half the rate, its own percentiles, an error, and throttling.
	out.Reset()
	record(st, 5000, 10*time.Millisecond, 20*time.Millisecond)
	st.sent(0, 940, false)
	st.ack(0, errTest)
	th.OnBrokerThrottle(kgoBroker, 120*time.Millisecond, true)
	p.maybePrint(start.Add(20*time.Second), st)
	want = "   20s  500/1000 events/s  events 15003  MB 14.1  errors 1  send-lag ms p50/p99/p99.9/max 10.0/10.0/10.0/10.0  ack ms 20.0/20.0/20.0/20.0  throttled 1 (120 ms)\n"
	if out.String() != want {
		t.Fatalf("line\n%q, want\n%q", out.String(), want)
	}
}

// TestProgressLine_Unlimited: without a target rate the line says so with a dash.
func TestProgressLine_Unlimited(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	var out bytes.Buffer
	p := newProgress(&out, time.Second, start, nil, newThrottleSince(nil))
	st := newStats()
	record(st, 50000, 0, time.Millisecond)
	p.maybePrint(start.Add(time.Second), st)
	if !strings.HasPrefix(out.String(), "    1s  50000/- events/s  events 50000 ") {
		t.Fatalf("line %q", out.String())
	}
}

// TestProgressLine_Terminal: on a terminal the line is short and rewritten in place.
func TestProgressLine_Terminal(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	var out bytes.Buffer
	p := newProgress(&out, time.Second, start, &Schedule{Rate: 1000}, newThrottleSince(nil))
	p.tty = true
	st := newStats()
	record(st, 1000, 600*time.Microsecond, 3700*time.Microsecond)
	p.maybePrint(start.Add(time.Second), st)
	want := "\r\033[K    1s  1000/1000 events/s  1000 events  0.9 MB  0 errors  lag p99 0.6 ms  ack p99 3.7 ms"
	if out.String() != want {
		t.Fatalf("line %q, want %q", out.String(), want)
	}
}

var (
	errTest   = errors.New("test failure")
	kgoBroker = kgo.BrokerMetadata{NodeID: 1}
)
