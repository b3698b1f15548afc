package bench

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/streamscale/streamscale/internal/htmlreport"
)

// CompareHTMLHeight is a browser window height in pixels that shows the whole comparison page.
const CompareHTMLHeight = 1700

// chartClipMs is where the latency chart clips a p99 (an overloaded step's can be seconds,
// which would flatten every other line).
const chartClipMs = 3000

var compareColors = map[string]string{BrokerCeiling: "#555555", GoRelay: "#1f77b4", SampleJob: "#d62728", OurRelay: "#2ca02c",
	OurRelayExactlyOnce: "#9467bd", OurRelayDedup: "#8c564b", OurRelayNone: "#17becf"}

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
<p class="note">Latency chart: p99 pipeline latency (output append time − enqueuedAt) of every step, clipped at {{.Clip}} ms; the broker ceiling's line is its producer acknowledgement p99.</p>
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

func compareCharts(r CompareResult) []template.HTML {
	rateSet := map[float64]bool{}
	for _, c := range r.Contenders {
		for _, s := range c.Steps {
			if s.OfferedRate > 0 {
				rateSet[s.OfferedRate] = true
			}
		}
	}
	rates := make([]float64, 0, len(rateSet))
	for v := range rateSet {
		rates = append(rates, v)
	}
	sort.Float64s(rates)
	labels := make([]string, len(rates))
	for i, v := range rates {
		labels[i] = strconv.FormatFloat(v/1000, 'f', -1, 64) + "k"
	}
	var latency []htmlreport.Series
	for _, c := range r.Contenders {
		vals := make([]float64, len(rates))
		for i, rate := range rates {
			vals[i] = math.NaN()
			for _, s := range c.Steps {
				if s.OfferedRate != rate {
					continue
				}
				if p := s.Latency.Pipeline; p != nil {
					vals[i] = math.Min(p.P99, chartClipMs)
				} else if p := s.Latency.ProduceAck; p != nil {
					vals[i] = math.Min(p.P99, chartClipMs)
				}
			}
		}
		latency = append(latency, htmlreport.Series{Name: c.Name, Color: compareColors[c.Name], Values: vals})
	}
	names := make([]string, len(r.Contenders))
	maxRate := make([]float64, len(r.Contenders))
	own := make([]float64, len(r.Contenders))
	broker := make([]float64, len(r.Contenders))
	for i, c := range r.Contenders {
		names[i], maxRate[i], own[i], broker[i] = c.Name, c.MaxRate, c.CPUSecondsPerMillion, c.BrokerCPUSecondsPerMillion
	}
	charts := []string{
		htmlreport.LineChart("p99 latency by offered rate (events/s; a point per step measured)", "ms", labels, latency),
		htmlreport.LineChart("max sustainable rate", "events/s", names, []htmlreport.Series{{Name: "max rate", Color: "#2ca02c", Values: maxRate}}),
		htmlreport.LineChart("CPU seconds per million events (fixed-rate steps)", "s", names, []htmlreport.Series{
			{Name: "own", Color: "#1f77b4", Values: own},
			{Name: "broker", Color: "#555555", Values: broker, Dash: htmlreport.DashShort}}),
	}
	out := make([]template.HTML, 0, len(charts))
	for _, c := range charts {
		if c != "" {
			out = append(out, template.HTML(c)) // LineChart escapes its text itself
		}
	}
	return out
}
