package bench

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"
)

// WriteText prints the comparison as a table: a row per contender with its max rate, CPU,
// memory and missing events, and its p99 latency at each fixed rate any contender measured
// (in numeric order), then the ratios and the failures.
func (r CompareResult) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "\nbench compare: %d partitions, parallelism %d, %.0f B records, %.0f s steps, %s in all\n",
		r.Partitions, r.Parallelism, r.RecordBytes, r.StepSeconds, time.Duration(r.Seconds*float64(time.Second)).Round(time.Second))
	keys := r.latencyRates()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "contender\tmax rate/s\tcpu s/M\tbroker cpu s/M\trss MB\tmissing")
	for _, k := range keys {
		fmt.Fprintf(tw, "\tp99 ms @%s", k)
	}
	fmt.Fprintln(tw, "\t")
	for _, c := range r.Contenders {
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.2f\t%.0f\t%d", c.Name, c.MaxRate, c.CPUSecondsPerMillion, c.BrokerCPUSecondsPerMillion, c.RSSMB, c.Missing)
		for _, k := range keys {
			fmt.Fprint(tw, "\t"+c.latencyCell(k))
		}
		fmt.Fprintln(tw, "\t")
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "ours vs broker ceiling %.2f, ours vs sample job %.2f, cpu ours vs Go relay %.2f\n",
		r.Ratios.OursVsBroker, r.Ratios.OursVsSampleStyle, r.Ratios.CPUOursVsGoRelay)
	for _, c := range r.Contenders {
		if c.Error != "" {
			fmt.Fprintf(w, "%s failed: %s\n", c.Name, c.Error)
		}
	}
	return nil
}

// latencyRates are the fixed rates with a latency in any contender, in numeric order.
func (r CompareResult) latencyRates() []string {
	rates := map[string]float64{}
	for _, c := range r.Contenders {
		for k, l := range c.LatencyMs {
			if l.Pipeline != nil || l.ProduceAck != nil {
				var v float64
				_, _ = fmt.Sscan(k, &v)
				rates[k] = v
			}
		}
	}
	keys := make([]string, 0, len(rates))
	for k := range rates {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return rates[keys[i]] < rates[keys[j]] })
	return keys
}

// latencyCell is the contender's p99 at the rate: the pipeline's, else the produce ack's, else "-".
func (c ContenderResult) latencyCell(rate string) string {
	l, ok := c.LatencyMs[rate]
	switch {
	case ok && l.Pipeline != nil:
		return fmt.Sprintf("%.1f", l.Pipeline.P99)
	case ok && l.ProduceAck != nil:
		return fmt.Sprintf("(ack %.0f)", l.ProduceAck.P99)
	default:
		return "-"
	}
}
