package pipeline

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/relay"
	"github.com/streamscale/streamscale/internal/runlog"
	"github.com/streamscale/streamscale/internal/verify"
)

// WriteText writes the run's outcome as `run` prints it: the broker's hub table when one was
// sampled, the summary (how the job ran, the counts, the latencies, the complex job's tags, the
// verdict) and where the results are.
func (r *Result) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w) // keeps the first write error for Flush
	if r.Traffic != nil {
		fmt.Fprintln(b, "\nbroker counters during the run (hub #1 = input, hub #2 = output):")
		_ = hubmetrics.WriteTable(b, r.Traffic.Rows, hubmetrics.Capacity{ThroughputUnits: r.Traffic.ThroughputUnits})
		fmt.Fprintln(b)
	}
	rec, gen, res := r.Run, r.Generated, r.Verified
	fmt.Fprintf(b, "\nrun %s  (%s, job %s)\n", rec.ID, rec.Finished.Sub(rec.Started).Round(time.Second), rec.JobID)
	writeJobSettings(b, rec)
	fmt.Fprintf(b, "%-22s %12s\n", "", "value")
	row := func(name string, v any) { fmt.Fprintf(b, "%-22s %12v\n", name, v) }
	row("events sent", gen.Events)
	row("duplicates sent", gen.DuplicatesSent)
	row("send rate /s", fmt.Sprintf("%.0f", gen.AchievedRate))
	row("records in", res.InputRecords) // as read: transaction markers take offsets too
	row("records out", res.Records)
	row("events out", res.Events)
	row("missing", res.Missing)
	row("unexpected", res.Unexpected)
	row("pipeline duplicates", res.Duplicates)
	row("source duplicates", res.SourceDuplicates)
	row("out of order", res.OutOfOrder)
	row("without fields", res.MissingFields)
	if rec.DeadLetter != nil {
		row("dead letters", rec.DeadLetter.Records())
	}
	for _, l := range []struct {
		name string
		p    verify.Percentiles
	}{{"pipeline", res.LatencyMs.Pipeline}, {"end-to-end", res.LatencyMs.EndToEnd}, {"in-job", res.LatencyMs.InJob}} {
		fmt.Fprintf(b, "%-22s p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n", l.name+" latency ms", l.p.P50, l.p.P90, l.p.P99, l.p.P999, l.p.Max)
	}
	verdict := "PASS"
	if len(r.Failures) > 0 {
		verdict = "FAIL"
	}
	res.WriteTagRows(b) // the complex job's tags; nothing for the relay
	fmt.Fprintf(b, "verification: %s (%d missing)\n", verdict, res.Missing)
	if rec.DeadLetter != nil && rec.DeadLetter.Records() > 0 {
		fmt.Fprintf(b, "the relay set %d input records aside as not JSON objects: streamscale peek %s --from-beginning\n", rec.DeadLetter.Records(), rec.DeadLetter.Topic)
	}
	fmt.Fprintf(b, "results: %s (report.html, run.json)\n", r.Dir)
	return b.Flush()
}

// writeJobSettings is the summary's line on how the relay ran: guarantee, de-duplication and
// checkpoint interval, and under exactly-once what that means for latency and for reading.
func writeJobSettings(w io.Writer, rec runlog.Run) {
	if relay.Job(rec.Job) == relay.JobComplex {
		fmt.Fprint(w, "job complex, ")
	}
	g := rec.Guarantee
	if g == "" {
		g = string(relay.AtLeastOnce)
	}
	dedup := "dedup off"
	if rec.DedupWindow > 0 {
		dedup = fmt.Sprintf("dedup window %d per device", rec.DedupWindow)
	}
	interval := "no checkpoints"
	if rec.CheckpointIntervalMs > 0 {
		interval = "checkpoint interval " + (time.Duration(rec.CheckpointIntervalMs) * time.Millisecond).String()
	}
	fmt.Fprintf(w, "guarantee %s, %s, %s\n", g, dedup, interval)
	if relay.Guarantee(g) == relay.ExactlyOnce {
		fmt.Fprintf(w, "exactly-once: output latency includes up to one checkpoint interval (%s; each checkpoint commits a Kafka transaction); the verifier reads read_committed\n",
			time.Duration(rec.CheckpointIntervalMs)*time.Millisecond)
	}
}
