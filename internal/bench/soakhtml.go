package bench

import (
	"fmt"
	"html/template"
	"io"
	"math"

	"github.com/streamscale/streamscale/internal/htmlreport"
)

// SoakHTMLHeight is a browser window height in pixels that shows the whole page of r.
func SoakHTMLHeight(r SoakResult) int { return 1900 + 32*len(r.Minutes) }

var soakPage = template.Must(template.New("soak").Funcs(template.FuncMap{
	"mb": func(b int64) string { return fmt.Sprintf("%.0f", mb(b)) },
}).Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>streamscale bench soak</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:960px}
table{border-collapse:collapse;margin:1em 0}td,th{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.pass{color:#186a3b}.fail{color:#a00}.note{color:#555;font-size:12px}
.chart .title{font-weight:600;font-size:14px}.chart .tick{font-size:11px;fill:#555}.chart .grid{stroke:#eee}
</style></head><body>
<h1>streamscale bench soak</h1>
<p class="note">{{.R.Started.UTC.Format "2006-01-02 15:04 UTC"}}, {{printf "%.0f" .R.TargetRate}} events/s for {{printf "%.0f" .R.Seconds}} s{{if .R.Interrupted}} (interrupted){{end}}, {{.R.Partitions}} partitions, guarantee {{.R.Guarantee}}{{if .R.DedupWindow}}, dedup window {{.R.DedupWindow}}{{end}}</p>
{{if .R.Passed}}<p class="pass" id="verdict">PASS: {{.R.InputEvents}} events, 0 missing</p>{{else}}<p class="fail" id="verdict">FAIL: {{.R.Missing}} missing{{if not .R.Reconciled}}, not every minute verified{{end}}</p>{{end}}
<table>
<tr><td>p99 pipeline latency slope</td><td>{{printf "%.2f" .R.P99SlopeMsPerHour}} ms per hour</td></tr>
<tr><td>heap after GC slope</td><td>{{printf "%.2f" .HeapSlopeMB}} MB per hour</td></tr>
<tr><td>full minutes fitted (after the warm-up)</td><td>{{.R.SlopeMinutes}}</td></tr>
<tr><td>pipeline duplicates</td><td>{{.R.Duplicates}}</td></tr>
</table>
{{range .Charts}}{{.}}
{{end}}
<table><tr><th>minute</th><th>events/s</th><th>p50 ms</th><th>p99 ms</th><th>max ms</th><th>missing</th><th>TM rss MB</th><th>heap after GC MB</th><th>GC ms</th><th>broker log MB</th></tr>
{{range .R.Minutes}}<tr><td>{{.Index}}{{if .Warmup}} (warm-up){{end}}{{if not .Full}} (part){{end}}</td><td>{{printf "%.0f" .AchievedRate}}</td><td>{{printf "%.1f" .PipelineMs.P50}}</td><td>{{printf "%.1f" .PipelineMs.P99}}</td><td>{{printf "%.1f" .PipelineMs.Max}}</td><td>{{.Missing}}</td><td>{{mb .TaskManagerRSSBytes}}</td><td>{{mb .HeapAfterGCBytes}}</td><td>{{.GCTimeMs}}</td><td>{{mb .BrokerLogBytes}}</td></tr>
{{end}}</table>
<p class="note">A minute is the input appended between two readings of the topics' end offsets; its events are matched one by one with the output by the verifier (missing: never came out). Latency: output append time − enqueuedAt of the output records each minute's verification read (HdrHistogram). TaskManager RSS from /proc; heap after GC is the lowest Status.JVM.Memory.Heap.Used of the minute's readings from Flink's REST metrics (Flink exposes no after-GC figure); GC time is Status.JVM.GarbageCollector.All.Time's growth. Broker log: disk blocks of the soak topics' partition directories. Slopes: least squares over the full minutes after the warm-up.</p>
</body></html>
`))

// WriteSoakHTML writes the soak as a self-contained HTML page: the verdict, the slopes, charts
// per minute (rate, latency, memory, GC, broker log) and the table of minutes.
func WriteSoakHTML(w io.Writer, r SoakResult) error {
	data := struct {
		R           SoakResult
		Charts      []template.HTML
		HeapSlopeMB float64
	}{R: r, Charts: soakCharts(r), HeapSlopeMB: r.HeapAfterGCSlopeBytesPerHour / (1 << 20)}
	if err := soakPage.Execute(w, data); err != nil {
		return fmt.Errorf("write soak page: %w", err)
	}
	return nil
}

func soakCharts(r SoakResult) []template.HTML {
	n := len(r.Minutes)
	labels := make([]string, n)
	col := func(f func(SoakMinute) float64) []float64 {
		out := make([]float64, n)
		for i, m := range r.Minutes {
			out[i] = f(m)
		}
		return out
	}
	for i, m := range r.Minutes {
		labels[i] = m.Start.UTC().Format("15:04")
	}
	latencyGap := func(pick func(SoakMinute) float64) []float64 {
		return col(func(m SoakMinute) float64 {
			if m.PipelineMs.Count == 0 {
				return math.NaN() // no output read: a gap, not a latency of 0
			}
			return pick(m)
		})
	}
	target := col(func(SoakMinute) float64 { return r.TargetRate })
	charts := []string{
		htmlreport.LineChart("Achieved rate per minute (input events appended)", "events/s", labels, []htmlreport.Series{
			{Name: "achieved", Color: "#1f77b4", Values: col(func(m SoakMinute) float64 { return m.AchievedRate })},
			{Name: "target", Color: "#999999", Values: target, Dash: htmlreport.DashLong}}),
		htmlreport.LineChart("Pipeline latency per minute (output append time − enqueuedAt)", "ms", labels, []htmlreport.Series{
			{Name: "p50", Color: "#2ca02c", Values: latencyGap(func(m SoakMinute) float64 { return m.PipelineMs.P50 })},
			{Name: "p99", Color: "#ff7f0e", Values: latencyGap(func(m SoakMinute) float64 { return m.PipelineMs.P99 })},
			{Name: "max", Color: "#d62728", Values: latencyGap(func(m SoakMinute) float64 { return m.PipelineMs.Max })}}),
		htmlreport.LineChart("TaskManager memory", "MB", labels, []htmlreport.Series{
			{Name: "resident (RSS)", Color: "#9467bd", Values: col(func(m SoakMinute) float64 { return mb(m.TaskManagerRSSBytes) })},
			{Name: "heap after GC (lowest Heap.Used of the minute)", Color: "#8c564b", Values: col(func(m SoakMinute) float64 {
				if m.HeapSamples == 0 {
					return math.NaN() // no reading in the minute: a gap, not an empty heap
				}
				return mb(m.HeapAfterGCBytes)
			})}}),
		htmlreport.LineChart("TaskManager GC time per minute", "ms", labels, []htmlreport.Series{
			{Name: "GC time", Color: "#17becf", Values: col(func(m SoakMinute) float64 { return float64(m.GCTimeMs) })}}),
		htmlreport.LineChart("Broker log size of the soak's topics", "MB", labels, []htmlreport.Series{
			{Name: "on disk", Color: "#7f7f7f", Values: col(func(m SoakMinute) float64 { return mb(m.BrokerLogBytes) })}}),
	}
	out := make([]template.HTML, 0, len(charts))
	for _, c := range charts {
		if c != "" {
			out = append(out, template.HTML(c)) // the charts escape their text themselves
		}
	}
	return out
}
