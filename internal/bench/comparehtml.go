package bench

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"math"

	"github.com/streamscale/streamscale/internal/htmlreport"
)

// CompareHTMLHeight is a browser window height in pixels that shows the whole comparison page.
const CompareHTMLHeight = 1700

// chartClipMs is where the latency chart clips a p99 (an overloaded step's can be seconds,
// which would flatten every other line).
const chartClipMs = 3000

var compareColors = map[string]string{BrokerCeiling: "#555555", GoRelay: "#1f77b4", SampleJob: "#d62728", OurRelay: "#2ca02c",
	OurRelayExactlyOnce: "#9467bd", OurRelayDedup: "#8c564b", OurRelayNone: "#17becf", OurComplex: "#ff7f0e"}

var comparePage = template.Must(template.New("compare").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>streamscale bench compare</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:960px}
table{border-collapse:collapse;margin:1em 0}td,th{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.note{color:#555;font-size:12px}
.chart .title{font-weight:600;font-size:14px}.chart .tick{font-size:11px;fill:#555}.chart .grid{stroke:#eee}
</style></head><body>
<h1>streamscale bench compare</h1>
<p class="note">{{.R.Started.UTC.Format "2006-01-02 15:04 UTC"}}, {{.R.Partitions}} partitions, parallelism {{.R.Parallelism}}, {{printf "%.0f" .R.RecordBytes}} B events, {{printf "%.0f" .R.StepSeconds}} s steps, {{printf "%.0f" .R.Seconds}} s in all{{if .R.Quick}}, --quick{{end}}</p>
<table><tr><th>contender</th><th>max sustainable rate /s</th><th>cpu s per M events</th><th>broker cpu s per M</th><th>rss MB</th><th>missing</th></tr>
{{range .R.Contenders}}<tr><td>{{.Name}}</td><td>{{printf "%.0f" .MaxRate}}</td><td>{{printf "%.1f" .CPUSecondsPerMillion}}</td><td>{{printf "%.1f" .BrokerCPUSecondsPerMillion}}</td><td>{{printf "%.0f" .RSSMB}}</td><td>{{.Missing}}</td></tr>
{{end}}</table>
<p>ours vs broker ceiling <b>{{printf "%.2f" .R.Ratios.OursVsBroker}}</b>, ours vs the sample's job <b>{{printf "%.2f" .R.Ratios.OursVsSampleStyle}}</b>, CPU per event ours vs the Go relay <b>{{printf "%.2f" .R.Ratios.CPUOursVsGoRelay}}</b></p>
{{range .Charts}}{{.}}
{{end}}
<p class="note">Latency chart: p99 pipeline latency (output append time − enqueuedAt) of every step, clipped at {{.Clip}} ms, against the offered rate, both on log scales; the broker ceiling's line is its producer acknowledgement p99. CPU: utime+stime from /proc over the fixed-rate steps; a Flink contender's own processes are its JobManager and TaskManagers.</p>
</body></html>
`))

// WriteCompareHTML writes the comparison as a self-contained HTML page: the summary table and
// charts of offered rate vs p99 latency per contender, max rate and CPU per million events.
func WriteCompareHTML(w io.Writer, r CompareResult) error {
	data := struct {
		R      CompareResult
		Charts []template.HTML
		Clip   int
	}{R: r, Charts: compareCharts(r), Clip: chartClipMs}
	if err := comparePage.Execute(w, data); err != nil {
		return fmt.Errorf("write comparison page: %w", err)
	}
	return nil
}

// WriteFiles writes the page (WriteCompareHTML) to files.HTML and renders files.PNG from it;
// either may be "".
func (r CompareResult) WriteFiles(ctx context.Context, out htmlreport.Output, files htmlreport.Files) error {
	return out.Write(ctx, files, CompareHTMLHeight, func(w io.Writer) error { return WriteCompareHTML(w, r) })
}

func compareCharts(r CompareResult) []template.HTML {
	var latency []htmlreport.XYSeries
	for _, c := range r.Contenders {
		byRate := map[float64]float64{}
		for _, s := range c.Steps {
			if s.OfferedRate <= 0 {
				continue
			}
			if p := s.Latency.Pipeline; p != nil {
				byRate[s.OfferedRate] = math.Min(p.P99, chartClipMs)
			} else if p := s.Latency.ProduceAck; p != nil {
				byRate[s.OfferedRate] = math.Min(p.P99, chartClipMs)
			}
		}
		pts := make([]htmlreport.Point, 0, len(byRate))
		for rate, ms := range byRate {
			pts = append(pts, htmlreport.Point{X: rate, Y: ms})
		}
		latency = append(latency, htmlreport.XYSeries{Name: c.Name, Color: colorOf(c.Name), Points: pts})
	}
	var names, relays []string
	var maxRate, own, broker []float64
	for _, c := range r.Contenders {
		names, maxRate = append(names, c.Name), append(maxRate, c.MaxRate)
		if c.Name != BrokerCeiling { // its "own" CPU is the broker's: no relay's to compare
			relays, own, broker = append(relays, c.Name), append(own, c.CPUSecondsPerMillion), append(broker, c.BrokerCPUSecondsPerMillion)
		}
	}
	charts := []string{
		htmlreport.XYChart("p99 latency by offered rate (a point per step measured)", "offered rate, events/s", "p99 ms", true, true, latency),
		htmlreport.BarChart("max sustainable rate", "events/s", names, []htmlreport.Series{{Name: "max rate", Color: "#2ca02c", Values: maxRate}}),
		htmlreport.BarChart("CPU seconds per million events (fixed-rate steps)", "CPU s per million events", relays, []htmlreport.Series{
			{Name: "contender's own processes (Flink: JobManager + TaskManagers)", Color: "#1f77b4", Values: own},
			{Name: "broker", Color: "#999999", Values: broker}}),
	}
	out := make([]template.HTML, 0, len(charts))
	for _, c := range charts {
		if c != "" {
			out = append(out, template.HTML(c)) // the charts escape their text themselves
		}
	}
	return out
}

// colorOf is a contender's color in every chart.
func colorOf(name string) string {
	if c, ok := compareColors[name]; ok {
		return c
	}
	return "#e377c2"
}
