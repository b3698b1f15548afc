package bench

import (
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/streamscale/streamscale/internal/relay"
)

// loadAvg is the machine's 1-minute load average (0 where /proc/loadavg is not).
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var l float64
	_, _ = fmt.Sscanf(string(b), "%f", &l)
	return l
}

// restartWords says how the job restarts.
func restartWords(r relay.Restart) string {
	switch r.Strategy {
	case "", relay.RestartExponentialDelay:
		return "exponential-delay (the job's default: 1 s, doubling)"
	case relay.RestartFixedDelay:
		d := r.Delay
		if d == 0 {
			d = time.Second
		}
		return "fixed-delay " + d.String()
	}
	return string(r.Strategy)
}

// stallWords says how long the output stalled, or that it did not recover.
func stallWords(s Stall) string {
	if !s.Recovered {
		return "the output did not recover within the run (raise --drain-timeout)"
	}
	return fmt.Sprintf("output stalled %d ms (from %+d ms to %+d ms of the kill)", s.Ms, s.FromMs, s.ToMs)
}

func msWords(ms int64) string {
	if ms < 0 {
		return "? ms"
	}
	return fmt.Sprintf("%d ms", ms)
}

func orUnknownWord(s string) string {
	if s == "" {
		return "not in the JobManager's log"
	}
	return s
}

// stallSummary is the median (the lower middle of an even count) and the maximum stall of
// the kills the output recovered from, and how many it did not recover from.
func stallSummary(kills []Kill) (p50, maxMs int64, unrecovered int) {
	var ms []int64
	for _, k := range kills {
		if !k.Stall.Recovered {
			unrecovered++
			continue
		}
		ms = append(ms, k.Stall.Ms)
	}
	if len(ms) == 0 {
		return 0, 0, unrecovered
	}
	slices.Sort(ms)
	return ms[(len(ms)-1)/2], ms[len(ms)-1], unrecovered
}
