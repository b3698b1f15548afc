package htmlreport

import (
	"encoding/xml"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestXYChartLogAxisIsNumeric: on the log rate axis, distances follow the rates' ratios
// (7.5k and 8.8k close together, 20k and 25k farther apart), not their order.
func TestXYChartLogAxisIsNumeric(t *testing.T) {
	svg := XYChart("p99", "rate", "ms", true, true, []XYSeries{{Name: "a", Color: "#000", Points: []Point{
		{X: 25000, Y: 40}, {X: 7500, Y: 20}, {X: 8800, Y: 30}, {X: 20000, Y: 35}}}})
	if err := xml.Unmarshal([]byte(svg), new(any)); err != nil {
		t.Fatalf("not well-formed SVG: %v", err)
	}
	m := regexp.MustCompile(`<polyline[^>]*points="([^"]*)"`).FindStringSubmatch(svg)
	if m == nil {
		t.Fatalf("no polyline in %s", svg)
	}
	var xs []float64
	for _, p := range strings.Fields(m[1]) {
		x, _ := strconv.ParseFloat(strings.Split(p, ",")[0], 64)
		xs = append(xs, x)
	}
	if len(xs) != 4 || !(xs[0] < xs[1] && xs[1] < xs[2] && xs[2] < xs[3]) {
		t.Fatalf("points not in rate order: %v", xs)
	}
	near, far := xs[1]-xs[0], xs[3]-xs[2]
	want := math.Log(8800/7500.0) / math.Log(25000/20000.0)
	if got := near / far; math.Abs(got-want) > 0.02 {
		t.Fatalf("7.5k→8.8k over 20k→25k = %.3f on the axis, want %.3f (log scale)", got, want)
	}
	for _, tick := range []string{">1k<", ">10k<", ">100k<"} {
		if !strings.Contains(svg, tick) {
			t.Errorf("no %s tick on the rate axis", tick)
		}
	}
}

// TestLegendShowsEveryEntry: with many long names the legend wraps into rows inside the
// chart, none cut off at its right edge or below its bottom.
func TestLegendShowsEveryEntry(t *testing.T) {
	var series []XYSeries
	names := []string{"broker-ceiling", "go-relay", "sample-job", "streamscale-relay", "streamscale-relay-exactly-once",
		"streamscale-relay-dedup", "streamscale-relay-none", "streamscale-complex"}
	for _, n := range names {
		series = append(series, XYSeries{Name: n, Color: "#123456", Points: []Point{{X: 1000, Y: 10}, {X: 5000, Y: 20}}})
	}
	svg := XYChart("p99", "rate", "ms", true, true, series)
	h, _ := strconv.ParseFloat(regexp.MustCompile(`height="([0-9.]+)"`).FindStringSubmatch(svg)[1], 64)
	entries := regexp.MustCompile(`<g class="legend-entry"><line x1="([0-9.]+)"[^>]*/><text x="[0-9.]+" y="([0-9.]+)" class="tick">([^<]*)</text></g>`).FindAllStringSubmatch(svg, -1)
	if len(entries) != len(names) {
		t.Fatalf("%d legend entries, want %d", len(entries), len(names))
	}
	rows := map[string]bool{}
	for i, e := range entries {
		x, _ := strconv.ParseFloat(e[1], 64)
		y, _ := strconv.ParseFloat(e[2], 64)
		end := x + 22 + legendCharW*float64(len(e[3]))
		if e[3] != names[i] || end > chartW || y > h-2 {
			t.Errorf("legend entry %q ends at x %.0f, y %.0f: outside the %.0f×%.0f chart", e[3], end, y, chartW, h)
		}
		rows[e[2]] = true
	}
	if len(rows) < 2 {
		t.Errorf("legend of %d long names on %d row(s), want it wrapped", len(names), len(rows))
	}
}

// TestBarChartBarPerValue: one bar per label and series, as long as its value, NaN left out.
func TestBarChartBarPerValue(t *testing.T) {
	svg := BarChart("max rate", "events/s", []string{"a", "b", "c"}, []Series{
		{Name: "own", Color: "#111", Values: []float64{10, 20, math.NaN()}},
		{Name: "broker", Color: "#222", Values: []float64{5, 40, 1}}})
	if err := xml.Unmarshal([]byte(svg), new(any)); err != nil {
		t.Fatalf("not well-formed SVG: %v", err)
	}
	widths := regexp.MustCompile(`<rect class="bar"[^>]* width="([0-9.]+)"`).FindAllStringSubmatch(svg, -1)
	if len(widths) != 5 {
		t.Fatalf("%d bars, want 5 (the NaN left out)", len(widths))
	}
	w := func(i int) float64 { v, _ := strconv.ParseFloat(widths[i][1], 64); return v }
	// Order: a/own, a/broker, b/own, b/broker, c/broker.
	if math.Abs(w(2)/w(0)-2) > 0.01 || math.Abs(w(3)/w(1)-8) > 0.01 {
		t.Fatalf("bar widths %v not proportional to the values", widths)
	}
	if BarChart("x", "u", []string{"a"}, []Series{{Values: []float64{0}}}) != "" {
		t.Fatal("a chart of zeros drawn")
	}
}
