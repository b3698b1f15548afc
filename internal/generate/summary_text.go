package generate

import (
	"bufio"
	"fmt"
	"io"
)

// WriteText writes the summary as the generate command prints it: counts, rates, failures,
// throttling, send lag and produce latency.
func (s Summary) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w) // keeps the first write error for Flush
	fmt.Fprintf(b, "generated %d events (+%d duplicates) in %.1fs: %.0f events/s (target %.0f), %.0f bytes/event\n",
		s.Events, s.DuplicatesSent, s.Elapsed, s.AchievedRate, s.TargetRate, s.MeanRecordBytes)
	fmt.Fprintf(b, "records             %d sent, %d acknowledged, %d failed", s.Records, s.Acked, s.Errors)
	if s.Abandoned > 0 {
		fmt.Fprintf(b, ", %d abandoned", s.Abandoned)
	}
	fmt.Fprintln(b)
	if s.RunID != "" {
		fmt.Fprintf(b, "run id              %s (begins each eventId: the verifier tells runs apart by it)\n", s.RunID)
	}
	if s.Errors > 0 {
		fmt.Fprintf(b, "first failure       %s\n", s.FirstError)
	}
	if t := s.Throttled(); t != "" {
		fmt.Fprintf(b, "throttled           %s\n", t)
	}
	fmt.Fprintf(b, "send lag ms         p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", s.SendLagMs.P50, s.SendLagMs.P99, s.SendLagMs.P999, s.SendLagMs.Max)
	fmt.Fprintf(b, "produce latency ms  p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", s.ProduceLatencyMs.P50, s.ProduceLatencyMs.P99, s.ProduceLatencyMs.P999, s.ProduceLatencyMs.Max)
	if s.Abandoned > 0 {
		fmt.Fprintf(b, "abandoned %d records the broker had not acknowledged when sending stopped (they may or may not be in the topic)\n", s.Abandoned)
	}
	return b.Flush()
}
