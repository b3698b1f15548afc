// Package htmlreport renders a run's results as one self-contained HTML page: tables and
// inline SVG charts, no scripts and nothing fetched, so the file opens anywhere.
package htmlreport

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Series is one line of a chart.
type Series struct {
	Name   string
	Color  string
	Values []float64
	// Dash is an SVG stroke-dasharray such as "6 4" for limits (a capacity maximum, a
	// target); "" draws a solid line.
	Dash string
}

// Dash patterns for limit lines.
const (
	DashLong  = "6 4"
	DashShort = "2 3"
)

// markerMax is the most points a series gets circle markers for.
const markerMax = 60

// LineChart draws series over shared x labels as an SVG element with axes, a y scale from 0
// and a legend. A NaN value is a gap in its line (no data for that label). It returns "" when
// there is nothing to draw.
func LineChart(title, yUnit string, labels []string, series []Series) string {
	const w, h, left, right, top, bottom = 720.0, 300.0, 64.0, 16.0, 36.0, 48.0
	n := len(labels)
	maxY := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				maxY = math.Max(maxY, v)
			}
		}
	}
	if n == 0 || maxY == 0 {
		return ""
	}
	maxY = niceCeil(maxY)
	x := func(i int) float64 {
		if n == 1 {
			return left + (w-left-right)/2
		}
		return left + float64(i)*(w-left-right)/float64(n-1)
	}
	y := func(v float64) float64 { return top + (h-top-bottom)*(1-v/maxY) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" xmlns="http://www.w3.org/2000/svg">`, html.EscapeString(title), w, h, w, h)
	fmt.Fprintf(&b, `<text x="%.0f" y="20" class="title">%s</text>`, left, html.EscapeString(title))
	for i := 0; i <= 4; i++ {
		v := maxY * float64(i) / 4
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" class="grid"/>`, left, w-right, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="end">%s</text>`, left-6, y(v)+4, formatNum(v))
	}
	fmt.Fprintf(&b, `<text x="12" y="%.1f" class="tick" transform="rotate(-90 12 %.1f)">%s</text>`, (top+h-bottom)/2, (top+h-bottom)/2, html.EscapeString(yUnit))
	step := max(1, n/8)
	for i := 0; i < n; i += step {
		anchor := "middle"
		if n > 1 && i == n-1 {
			anchor = "end"
		} else if n > 1 && i == 0 {
			anchor = "start"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="%s">%s</text>`, x(i), h-bottom+18, anchor, html.EscapeString(labels[i]))
	}
	for si, s := range series {
		dash := ""
		if s.Dash != "" {
			dash = fmt.Sprintf(` stroke-dasharray="%s"`, html.EscapeString(s.Dash))
		}
		// One polyline per run of values without a NaN between them.
		var pts []string
		flush := func() {
			if len(pts) > 0 {
				fmt.Fprintf(&b, `<polyline class="series" data-series="%s" fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`,
					html.EscapeString(s.Name), s.Color, dash, strings.Join(pts, " "))
			}
			pts = pts[:0]
		}
		for i, v := range s.Values[:min(len(s.Values), n)] {
			if math.IsNaN(v) {
				flush()
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		flush()
		if n <= markerMax && s.Dash == "" {
			// Markers show each interval's value, and the only one of a one-interval chart.
			for i, v := range s.Values[:min(len(s.Values), n)] {
				if !math.IsNaN(v) {
					fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>`, x(i), y(v), s.Color)
				}
			}
		}
		lx := left + float64(si)*150
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="3"%s/><text x="%.1f" y="%.1f" class="tick">%s</text>`,
			lx, lx+18, h-13, h-13, s.Color, dash, lx+22, h-10, html.EscapeString(s.Name))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func formatNum(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	case v == math.Trunc(v):
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}
