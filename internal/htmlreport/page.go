package htmlreport

import (
	"fmt"
	"html/template"
	"io"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/verify"
)

// Run is what the page shows.
type Run struct {
	ID        string
	Generated generate.Summary
	Verified  verify.Result
	// Failures are the failed checks, empty when the run passed.
	Failures []verify.Failure
}

var page = template.Must(template.New("run").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>streamscale run {{.ID}}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:960px}
table{border-collapse:collapse;margin:1em 0}td,th{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.pass{color:#186a3b}.fail{color:#a00}
.chart .title{font-weight:600;font-size:14px}.chart .tick{font-size:11px;fill:#555}.chart .grid{stroke:#eee}
</style></head><body>
<h1>streamscale run {{.ID}}</h1>
{{if .Failures}}<p class="fail" id="verdict">FAIL{{range .Failures}}<br>{{.}}{{end}}</p>{{else}}<p class="pass" id="verdict">PASS: every check held.</p>{{end}}
<h2>Verification</h2>
<table>
<tr><td>input events</td><td>{{.Verified.InputEvents}}</td></tr>
<tr><td>output records</td><td>{{.Verified.Records}}</td></tr>
<tr><td>missing</td><td>{{.Verified.Missing}}</td></tr>
<tr><td>unexpected</td><td>{{.Verified.Unexpected}}</td></tr>
<tr><td>duplicates made by the pipeline</td><td>{{.Verified.Duplicates}}</td></tr>
<tr><td>source duplicates</td><td>{{.Verified.SourceDuplicates}}</td></tr>
<tr><td>out of order</td><td>{{.Verified.OutOfOrder}}</td></tr>
</table>
<table><tr><th>latency ms</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>
{{range .Latencies}}<tr><td>{{.Name}}</td><td>{{printf "%.1f" .P.P50}}</td><td>{{printf "%.1f" .P.P90}}</td><td>{{printf "%.1f" .P.P99}}</td><td>{{printf "%.1f" .P.P999}}</td><td>{{printf "%.1f" .P.Max}}</td></tr>{{end}}
</table>
<h2>Generator</h2>
<table>
<tr><td>events sent</td><td>{{.Generated.Events}}</td></tr>
<tr><td>target / achieved events/s</td><td>{{printf "%.0f" .Generated.TargetRate}} / {{printf "%.0f" .Generated.AchievedRate}}</td></tr>
<tr><td>send lag p99 ms</td><td>{{printf "%.2f" .Generated.SendLagMs.P99}}</td></tr>
<tr><td>produce latency p99 ms</td><td>{{printf "%.2f" .Generated.ProduceLatencyMs.P99}}</td></tr>
</table>
<h2>Over time</h2>
{{.RateChart}}
{{.LatencyChart}}
</body></html>
`))

type latencyRow struct {
	Name string
	P    verify.Percentiles
}

// Write renders the page.
func Write(w io.Writer, r Run) error {
	var labels []string
	var rate, p50, p99, maxs []float64
	for _, iv := range r.Verified.Intervals {
		labels = append(labels, iv.Start.Format("15:04:05"))
		rate = append(rate, iv.Rate)
		p50, p99, maxs = append(p50, iv.Pipeline.P50), append(p99, iv.Pipeline.P99), append(maxs, iv.Pipeline.Max)
	}
	target := make([]float64, len(labels))
	for i := range target {
		target[i] = r.Generated.TargetRate
	}
	data := struct {
		Run
		Latencies               []latencyRow
		RateChart, LatencyChart template.HTML
	}{
		Run: r,
		Latencies: []latencyRow{
			{"pipeline", r.Verified.LatencyMs.Pipeline}, {"end-to-end", r.Verified.LatencyMs.EndToEnd}, {"in-job", r.Verified.LatencyMs.InJob},
		},
		// The SVG is built from numbers and escaped names only.
		RateChart: template.HTML(LineChart("Output records per second", "records/s", labels, []Series{
			{Name: "output", Color: "#1f77b4", Values: rate},
			{Name: "target", Color: "#999", Values: target, Dashed: true},
		})),
		LatencyChart: template.HTML(LineChart("Pipeline latency", "ms", labels, []Series{
			{Name: "p50", Color: "#2ca02c", Values: p50},
			{Name: "p99", Color: "#ff7f0e", Values: p99},
			{Name: "max", Color: "#d62728", Values: maxs},
		})),
	}
	if err := page.Execute(w, data); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	return nil
}
