package verify

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText renders the result as a short table.
func (r Result) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if r.Tags != nil {
		r.writeTags(tw)
		return tw.Flush()
	}
	if r.Reconciled {
		fmt.Fprintf(tw, "input records (read_committed)\t%d\n", r.InputRecords)
		fmt.Fprintf(tw, "input events\t%d\n", r.InputEvents)
		if r.InputNotEvents > 0 {
			fmt.Fprintf(tw, "input records that are not events\t%d\n", r.InputNotEvents)
		}
	}
	fmt.Fprintf(tw, "output records (read_committed)\t%d\n", r.Records)
	fmt.Fprintf(tw, "output events (distinct)\t%d\n", r.Events)
	fmt.Fprintf(tw, "generator runs\t%d\n", r.Runs)
	if r.ForeignEvents > 0 {
		fmt.Fprintf(tw, "events told apart by eventId (foreign)\t%d\n", r.ForeignEvents)
	}
	fmt.Fprintf(tw, "devices\t%d\n", r.Devices)
	fmt.Fprintf(tw, "missing\t%d\n", r.Missing)
	if len(r.AwaitedExamples) > 0 {
		fmt.Fprintf(tw, "  e.g.\t%s\n", strings.Join(r.AwaitedExamples, ", "))
	}
	if r.Reconciled {
		fmt.Fprintf(tw, "unexpected\t%d\n", r.Unexpected)
		fmt.Fprintf(tw, "duplicates (made by the pipeline)\t%d\n", r.Duplicates)
		fmt.Fprintf(tw, "source duplicates (sent twice on purpose)\t%d\n", r.SourceDuplicates)
		fmt.Fprintf(tw, "altered (not the input with the two stamps)\t%d\n", r.Altered)
		for _, ex := range r.AlteredExamples {
			fmt.Fprintf(tw, "  e.g.\t%s\n", ex)
		}
		fmt.Fprintf(tw, "misstamped (enqueuedAt not the input's append time)\t%d\n", r.Misstamped)
		for _, ex := range r.MisstampedExamples {
			fmt.Fprintf(tw, "  e.g.\t%s\n", ex)
		}
	} else {
		fmt.Fprintf(tw, "duplicates\t%d\n", r.Duplicates)
	}
	fmt.Fprintf(tw, "out of order\t%d\n", r.OutOfOrder)
	fmt.Fprintf(tw, "malformed\t%d\n", r.Malformed)
	fmt.Fprintf(tw, "without enqueuedAt/processedAt\t%d\n", r.MissingFields)
	if r.OutsideWindow > 0 {
		fmt.Fprintf(tw, "outside the time window (left out)\t%d\n", r.OutsideWindow)
	}
	fmt.Fprintf(tw, "rate (records/s)\t%.0f (steady: %.0f)\n", r.RatePerSec, r.SteadyRatePerSec)
	fmt.Fprintln(tw, "latency ms\tp50\tp90\tp99\tp99.9\tmax")
	for _, l := range []struct {
		name string
		p    Percentiles
	}{{"pipeline", r.LatencyMs.Pipeline}, {"end-to-end", r.LatencyMs.EndToEnd}, {"in-job", r.LatencyMs.InJob}} {
		fmt.Fprintf(tw, "  %s\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\n", l.name, l.p.P50, l.p.P90, l.p.P99, l.p.P999, l.p.Max)
	}
	if len(r.Intervals) > 1 {
		fmt.Fprintln(tw, "interval (UTC)\trecords/s\tp50 ms\tp99 ms\tmax ms")
		for _, iv := range r.Intervals {
			fmt.Fprintf(tw, "  %s\t%.0f\t%.1f\t%.1f\t%.1f\n", iv.Start.Format("15:04:05"), iv.Rate, iv.LatencyMs.Pipeline.P50, iv.LatencyMs.Pipeline.P99, iv.LatencyMs.Pipeline.Max)
		}
	}
	if r.NegativeLatencies > 0 {
		n := r.NegativeByLatency
		fmt.Fprintf(tw, "negative latencies (clock skew or CreateTime topic)\t%d (pipeline %d, end-to-end %d, in-job %d)\n", r.NegativeLatencies, n.Pipeline, n.EndToEnd, n.InJob)
	}
	if r.CreateTimeRecords > 0 {
		fmt.Fprintf(tw, "records with producer timestamps (CreateTime topic)\t%d\n", r.CreateTimeRecords)
	}
	if r.LatenciesOverADay > 0 {
		fmt.Fprintf(tw, "latencies over a day (counted as a day)\t%d\n", r.LatenciesOverADay)
	}
	return tw.Flush()
}

// writeTags is WriteText for the complex job's tags.
func (r Result) writeTags(tw io.Writer) {
	t := r.Tags
	fmt.Fprintf(tw, "input records (read_committed)\t%d\n", r.InputRecords)
	fmt.Fprintf(tw, "input events\t%d\n", r.InputEvents)
	if r.InputNotEvents > 0 {
		fmt.Fprintf(tw, "input records that are not events (dead-lettered)\t%d\n", r.InputNotEvents)
	}
	if t.StateRecords > 0 {
		fmt.Fprintf(tw, "input records before the window (device state)\t%d\n", t.StateRecords)
	}
	fmt.Fprintf(tw, "tags expected\t%d\n", t.Expected)
	fmt.Fprintf(tw, "tag records (read_committed)\t%d (distinct: %d)\n", r.Records, t.Distinct)
	fmt.Fprintf(tw, "devices\t%d\n", r.Devices)
	fmt.Fprintln(tw, "tags by kind")
	for _, kind := range TagKinds {
		fmt.Fprintf(tw, "  %s\t%d\n", kind, t.ByKind[kind])
	}
	for _, l := range []struct {
		name string
		n    int
		eg   []string
	}{{"missing tags", t.Missing, t.MissingExamples}, {"unexpected tags", t.Unexpected, t.UnexpectedExamples}, {"duplicated tags", t.Duplicated, t.DuplicatedExamples}} {
		fmt.Fprintf(tw, "%s\t%d\n", l.name, l.n)
		if len(l.eg) > 0 {
			fmt.Fprintf(tw, "  e.g.\t%s\n", strings.Join(l.eg, ", "))
		}
	}
	fmt.Fprintf(tw, "NoNews pending (written / not yet)\t%d / %d\n", t.PendingWritten, t.PendingOpen)
	if t.BeforeWindow > 0 {
		fmt.Fprintf(tw, "tags of events before the window (left out)\t%d\n", t.BeforeWindow)
	}
	fmt.Fprintf(tw, "malformed\t%d\n", r.Malformed)
	fmt.Fprintf(tw, "rate (tags/s)\t%.0f (steady: %.0f)\n", r.RatePerSec, r.SteadyRatePerSec)
	fmt.Fprintln(tw, "latency ms\tp50\tp90\tp99\tp99.9\tmax")
	for _, l := range []struct {
		name string
		p    Percentiles
	}{{"tag", r.LatencyMs.Pipeline}, {"end-to-end", r.LatencyMs.EndToEnd}, {"in-job", r.LatencyMs.InJob}, {"NoNews (timer)", t.TimerLatencyMs}} {
		fmt.Fprintf(tw, "  %s\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\n", l.name, l.p.P50, l.p.P90, l.p.P99, l.p.P999, l.p.Max)
	}
	if r.NegativeLatencies > 0 {
		fmt.Fprintf(tw, "negative latencies (clock skew or CreateTime topic)\t%d\n", r.NegativeLatencies)
	}
	if r.CreateTimeRecords > 0 {
		fmt.Fprintf(tw, "records with producer timestamps (CreateTime topic)\t%d\n", r.CreateTimeRecords)
	}
}

// WriteTagRows writes the complex job's tag rows for the run summary (name left in 22
// columns, value right in 12, as the summary's other rows): expected, written, missing,
// unexpected, duplicated and pending tags, then the count per kind (wider names). Nothing for the relay.
func (r Result) WriteTagRows(w io.Writer) {
	t := r.Tags
	if t == nil {
		return
	}
	row := func(name string, v any) { fmt.Fprintf(w, "%-22s %12v\n", name, v) }
	row("tags expected", t.Expected)
	row("tags written", t.Written)
	row("missing tags", t.Missing)
	row("unexpected tags", t.Unexpected)
	row("duplicated tags", t.Duplicated)
	row("NoNews pending", fmt.Sprintf("%d/%d", t.PendingWritten, t.PendingWritten+t.PendingOpen))
	if t.BeforeWindow > 0 {
		row("tags before window", t.BeforeWindow)
	}
	fmt.Fprintln(w, "tags by kind")
	for _, kind := range TagKinds {
		fmt.Fprintf(w, "  %-36s %8d\n", kind, t.ByKind[kind])
	}
}
