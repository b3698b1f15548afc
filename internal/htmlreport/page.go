package htmlreport

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"time"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/verify"
)

// Report is what the page shows. Every part is optional: `streamscale run` fills them all,
// `streamscale report --html` the traffic, and with --run the run's measurements too.
type Report struct {
	// Title heads the page, e.g. "streamscale run 20261125-040000".
	Title     string
	Generated *generate.Summary
	Verified  *verify.Result
	// Failures are the failed checks, empty when the run passed (only with Verified).
	Failures []verify.Failure
	// Checked says Failures is the outcome of the run's checks, so the page shows a PASS or
	// FAIL verdict; a page drawn later from a recorded run (report --run) knows the
	// measurements but not the thresholds, and shows none.
	Checked bool
	// Traffic is the broker's per-interval hub table; Capacity draws its MAX VALUE lines.
	Traffic  []hubmetrics.Row
	Capacity hubmetrics.Capacity
}

var page = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:960px}
table{border-collapse:collapse;margin:1em 0}td,th{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.pass{color:#186a3b}.fail{color:#a00}.note{color:#555;font-size:12px}
.chart .title{font-weight:600;font-size:14px}.chart .tick{font-size:11px;fill:#555}.chart .grid{stroke:#eee}
</style></head><body>
<h1>{{.Title}}</h1>
{{with .Verified}}
{{if $.Checked}}{{if $.Failures}}<p class="fail" id="verdict">FAIL{{range $.Failures}}<br>{{.}}{{end}}</p>{{else}}<p class="pass" id="verdict">PASS: every check held.</p>{{end}}{{end}}
<h2>Verification</h2>
<table>
<tr><td>input events</td><td>{{.InputEvents}}</td></tr>
<tr><td>output records</td><td>{{.Records}}</td></tr>
<tr><td>missing</td><td>{{.Missing}}</td></tr>
<tr><td>unexpected</td><td>{{.Unexpected}}</td></tr>
<tr><td>duplicates made by the pipeline</td><td>{{.Duplicates}}</td></tr>
<tr><td>source duplicates</td><td>{{.SourceDuplicates}}</td></tr>
<tr><td>out of order</td><td>{{.OutOfOrder}}</td></tr>
</table>
{{with .Tags}}
<h2>Tags (complex job)</h2>
<table id="tags">
<tr><td>tags expected</td><td>{{.Expected}}</td></tr>
<tr><td>tag records / distinct</td><td>{{.Written}} / {{.Distinct}}</td></tr>
<tr><td>missing tags</td><td>{{.Missing}}</td></tr>
<tr><td>unexpected tags</td><td>{{.Unexpected}}</td></tr>
<tr><td>duplicated tags</td><td>{{.Duplicated}}</td></tr>
<tr><td>NoNews pending: written / not yet</td><td>{{.PendingWritten}} / {{.PendingOpen}}</td></tr>
</table>
<table id="tag-kinds"><tr><th>tag kind</th><th>records</th></tr>
{{range $.TagKinds}}<tr><td>{{.Kind}}</td><td>{{.Count}}</td></tr>{{end}}
</table>
{{end}}
<table><tr><th>latency ms</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>
{{range $.Latencies}}<tr><td>{{.Name}}</td><td>{{printf "%.1f" .P.P50}}</td><td>{{printf "%.1f" .P.P90}}</td><td>{{printf "%.1f" .P.P99}}</td><td>{{printf "%.1f" .P.P999}}</td><td>{{printf "%.1f" .P.Max}}</td></tr>{{end}}
</table>
{{end}}
{{with .Generated}}
<h2>Generator</h2>
<table>
<tr><td>events sent</td><td>{{.Events}}</td></tr>
<tr><td>target / achieved events/s</td><td>{{printf "%.0f" .TargetRate}} / {{printf "%.0f" .AchievedRate}}</td></tr>
<tr><td>send lag p99 ms</td><td>{{printf "%.2f" .SendLagMs.P99}}</td></tr>
<tr><td>produce latency p99 ms</td><td>{{printf "%.2f" .ProduceLatencyMs.P99}}</td></tr>
</table>
{{end}}
{{if .Traffic}}
<h2>Broker traffic per interval</h2>
<table id="traffic"><tr><th>interval (UTC)</th><th>hub</th><th>in records</th><th>in batches</th><th>in bytes</th><th>out records</th><th>out bytes</th><th>throttle ms</th></tr>
{{range .TrafficRows}}<tr><td>{{.When}}</td><td>{{.Hub.Topic}}</td><td>{{.Hub.IncomingMessages}}</td><td>{{.Hub.IncomingBatches}}</td><td>{{.Hub.IncomingBytes}}</td><td>{{.Hub.OutgoingMessages}}</td><td>{{.Hub.OutgoingBytes}}</td><td>{{.Throttle}}</td></tr>
{{end}}</table>
<p class="note">From the broker's own counters. In records: records appended; in batches: produce requests, which Event Hubs counts as incoming messages; out records: records consumer groups committed as read. Throttle ms: time the broker held back produce and fetch responses for quotas, broker-wide.{{if .Capacity.ThroughputUnits}} MAX VALUE: {{.Capacity.ThroughputUnits}} Event Hubs throughput unit(s).{{end}}</p>
{{range .HubCharts}}{{.}}
{{end}}
{{end}}
{{if .OverTime}}<h2>Over time</h2>
{{range .OverTime}}{{.}}
{{end}}{{end}}
</body></html>
`))

type latencyRow struct {
	Name string
	P    verify.Percentiles
}

type tagKindRow struct {
	Kind  string
	Count int
}

type trafficRow struct {
	When     string
	Hub      hubmetrics.HubRow
	Throttle string
}

// Colours of the chart lines (the Chromium test looks for them in a screenshot).
const (
	colorOutputRate = "#1f77b4"
	colorTarget     = "#999999"
	colorP50        = "#2ca02c"
	colorP99        = "#ff7f0e"
	colorMax        = "#d62728"
	colorIncoming   = "#9467bd"
	colorOutgoing   = "#17becf"
	colorCapacity   = "#7f7f7f"
)

// Write renders the page.
func Write(w io.Writer, r Report) error {
	data := struct {
		Report
		Latencies   []latencyRow
		TrafficRows []trafficRow
		HubCharts   []template.HTML
		OverTime    []template.HTML
		TagKinds    []tagKindRow
	}{Report: r, TrafficRows: trafficRows(r), HubCharts: hubCharts(r)}
	if v := r.Verified; v != nil {
		data.Latencies = []latencyRow{{"pipeline", v.LatencyMs.Pipeline}, {"end-to-end", v.LatencyMs.EndToEnd}, {"in-job", v.LatencyMs.InJob}}
		if v.Tags != nil {
			data.Latencies[0].Name = "tag"
			data.Latencies = append(data.Latencies, latencyRow{"NoNews (timer)", v.Tags.TimerLatencyMs})
			for _, k := range verify.TagKinds {
				data.TagKinds = append(data.TagKinds, tagKindRow{k, v.Tags.ByKind[k]})
			}
		}
		data.OverTime = overTimeCharts(r)
	}
	if err := page.Execute(w, data); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	return nil
}

func trafficRows(r Report) []trafficRow {
	var out []trafficRow
	for _, row := range r.Traffic {
		when := row.Start.UTC().Format("15:04:05") + "–" + row.End.UTC().Format("15:04:05")
		hubs := row.Hubs
		if m := r.Capacity.Max(row.End.Sub(row.Start)); m != nil {
			hubs = append(append([]hubmetrics.HubRow(nil), hubs...), *m)
		}
		for i, h := range hubs {
			tr := trafficRow{When: when, Hub: h}
			if i == 0 {
				tr.Throttle = row.ThrottleText()
			}
			out = append(out, tr)
		}
	}
	return out
}

// hubCharts draws, per hub, the records in and out per second, averaged over each interval,
// against the MAX VALUE lines. Rates rather than counts: the first and last rows of a run span
// part of an interval or up to one and a half, and counts would draw that as a dip or a jump
// of the load and of the capacity alike.
func hubCharts(r Report) []template.HTML {
	if len(r.Traffic) == 0 {
		return nil
	}
	labels := make([]string, len(r.Traffic))
	for i, row := range r.Traffic {
		labels[i] = row.Start.UTC().Format("15:04:05")
	}
	var maxIn, maxOut []float64
	if m := r.Capacity.Max(time.Second); m != nil {
		maxIn, maxOut = make([]float64, len(labels)), make([]float64, len(labels))
		for i := range labels {
			maxIn[i], maxOut[i] = float64(m.IncomingMessages), float64(m.OutgoingMessages)
		}
	}
	var charts []template.HTML
	for hi, h := range r.Traffic[0].Hubs {
		in, out := hubRates(r.Traffic, h.Topic)
		series := []Series{
			{Name: "incoming", Color: colorIncoming, Values: in},
			{Name: "outgoing", Color: colorOutgoing, Values: out},
		}
		if maxIn != nil {
			series = append(series,
				Series{Name: "MAX VALUE in", Color: colorCapacity, Values: maxIn, Dash: DashLong},
				Series{Name: "MAX VALUE out", Color: colorCapacity, Values: maxOut, Dash: DashShort})
		}
		title := fmt.Sprintf("Hub #%d (%s): records per second, averaged over each interval", hi+1, h.Topic)
		// The SVG is built from numbers and escaped names only.
		charts = append(charts, template.HTML(LineChart(title, "records/s", labels, series)))
	}
	return charts
}

// hubRates is a hub's records in and out per second over each row (0 for a row without
// width or without the hub).
func hubRates(rows []hubmetrics.Row, topic string) (in, out []float64) {
	in, out = make([]float64, len(rows)), make([]float64, len(rows))
	for i, row := range rows {
		secs := row.End.Sub(row.Start).Seconds()
		if secs <= 0 {
			continue
		}
		for _, hr := range row.Hubs {
			if hr.Topic == topic {
				in[i], out[i] = float64(hr.IncomingMessages)/secs, float64(hr.OutgoingMessages)/secs
			}
		}
	}
	return in, out
}

// overTimeCharts draws the output rate against the target and each latency's percentiles per
// interval of the verified output.
func overTimeCharts(r Report) []template.HTML {
	ivs := r.Verified.Intervals
	labels := make([]string, len(ivs))
	rate := make([]float64, len(ivs))
	for i, iv := range ivs {
		labels[i], rate[i] = iv.Start.UTC().Format("15:04:05"), iv.Rate
	}
	rateSeries := []Series{{Name: "output", Color: colorOutputRate, Values: rate}}
	if r.Generated != nil && r.Generated.TargetRate > 0 {
		target := make([]float64, len(ivs))
		for i := range target {
			target[i] = r.Generated.TargetRate
		}
		rateSeries = append(rateSeries, Series{Name: "target", Color: colorTarget, Values: target, Dash: DashLong})
	}
	charts := []template.HTML{template.HTML(LineChart("Output records per second", "records/s", labels, rateSeries))}
	for _, l := range []struct {
		name string
		pick func(verify.Interval) verify.Percentiles
	}{
		{"Pipeline latency (out timestamp − enqueuedAt)", func(iv verify.Interval) verify.Percentiles { return iv.LatencyMs.Pipeline }},
		{"End-to-end latency (out timestamp − createdAt)", func(iv verify.Interval) verify.Percentiles { return iv.LatencyMs.EndToEnd }},
		{"In-job latency (processedAt − enqueuedAt)", func(iv verify.Interval) verify.Percentiles { return iv.LatencyMs.InJob }},
	} {
		p50, p99, maxs := make([]float64, len(ivs)), make([]float64, len(ivs)), make([]float64, len(ivs))
		for i, iv := range ivs {
			p := l.pick(iv)
			p50[i], p99[i], maxs[i] = p.P50, p.P99, p.Max
			if p.Count == 0 { // no record in the interval (a stall): a gap, not a latency of 0
				p50[i], p99[i], maxs[i] = math.NaN(), math.NaN(), math.NaN()
			}
		}
		charts = append(charts, template.HTML(LineChart(l.name, "ms", labels, []Series{
			{Name: "p50", Color: colorP50, Values: p50},
			{Name: "p99", Color: colorP99, Values: p99},
			{Name: "max", Color: colorMax, Values: maxs},
		})))
	}
	return charts
}

// WriteFile writes the page to path.
func WriteFile(path string, r Report) error {
	return writeHTML(path, func(w io.Writer) error { return Write(w, r) })
}
