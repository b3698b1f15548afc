package htmlreport

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strings"
)

// Point is one (x, y) value of an XYSeries.
type Point struct{ X, Y float64 }

// XYSeries is one line of an XYChart: points at numeric x values.
type XYSeries struct {
	Name   string
	Color  string
	Points []Point
}

// chart geometry shared by BarChart and XYChart.
const (
	chartW      = 720.0
	legendRowH  = 18.0
	legendCharW = 6.6 // an 11 px system-ui character, generously
)

// legend lays out one entry per name in rows that fit the chart's width, so that no entry is
// cut off, and returns the SVG and the height it takes.
func legend(names, colors []string, top, left float64) (string, float64) {
	var b strings.Builder
	x, y := left, top
	rows := 1
	for i, n := range names {
		wEntry := 22 + legendCharW*float64(len([]rune(n))) + 18
		if x > left && x+wEntry > chartW-8 {
			x, y = left, y+legendRowH
			rows++
		}
		fmt.Fprintf(&b, `<g class="legend-entry"><line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="3"/><text x="%.1f" y="%.1f" class="tick">%s</text></g>`,
			x, x+18, y-4, y-4, colors[i], x+22, y, html.EscapeString(n))
		x += wEntry
	}
	return b.String(), float64(rows) * legendRowH
}

// BarChart draws one horizontal bar per label and series (series grouped per label), the
// value written at each bar's end, on a linear axis from 0: a figure per contender, read at a
// glance however long the labels are. It returns "" when there is nothing to draw.
func BarChart(title, unit string, labels []string, series []Series) string {
	maxV := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				maxV = math.Max(maxV, v)
			}
		}
	}
	if len(labels) == 0 || maxV == 0 {
		return ""
	}
	ticks, _, maxV := linearTicks(maxV)
	longest := 0
	for _, l := range labels {
		longest = max(longest, len([]rune(l)))
	}
	left := 16 + legendCharW*float64(longest)
	const top, right, barH, gap = 36.0, 64.0, 14.0, 10.0
	groupH := barH*float64(len(series)) + gap
	plotH := groupH * float64(len(labels))
	x := func(v float64) float64 { return left + (chartW-left-right)*v/maxV }
	var b strings.Builder
	body := func() {
		for _, v := range ticks {
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" class="grid"/>`, x(v), x(v), top, top+plotH)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="middle">%s</text>`, x(v), top+plotH+14, formatNum(v))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="end">%s</text>`, chartW-right, top+plotH+28, html.EscapeString(unit))
		for i, l := range labels {
			gy := top + groupH*float64(i) + gap/2
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="end">%s</text>`, left-6, gy+groupH/2-gap/2+4, html.EscapeString(l))
			for si, s := range series {
				if i >= len(s.Values) || math.IsNaN(s.Values[i]) {
					continue
				}
				v := s.Values[i]
				by := gy + barH*float64(si)
				fmt.Fprintf(&b, `<rect class="bar" data-series="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`,
					html.EscapeString(s.Name), left, by, math.Max(x(v)-left, 0.5), barH-2, s.Color)
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="tick">%s</text>`, x(v)+4, by+barH-4, formatValue(v))
			}
		}
	}
	body()
	h := top + plotH + 36
	var leg string
	if len(series) > 1 {
		var lh float64
		names, colors := make([]string, len(series)), make([]string, len(series))
		for i, s := range series {
			names[i], colors[i] = s.Name, s.Color
		}
		leg, lh = legend(names, colors, h+4, left)
		h += lh + 8
	}
	return fmt.Sprintf(`<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" xmlns="http://www.w3.org/2000/svg"><text x="%.0f" y="20" class="title">%s</text>%s%s</svg>`,
		html.EscapeString(title), chartW, h, chartW, h, 16.0, html.EscapeString(title), b.String(), leg)
}

// XYChart draws series of points over a numeric x axis, logarithmic when logX, and a y axis,
// logarithmic when logY and linear from 0 otherwise, with a legend that shows every series.
// Points are joined in x order; each is marked; on a log axis a point at or below 0 is left
// out. It returns "" when there is nothing to draw.
func XYChart(title, xUnit, yUnit string, logX, logY bool, series []XYSeries) string {
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), 0.0
	drawn := func(p Point) bool { return (!logX || p.X > 0) && (!logY || p.Y > 0) }
	for _, s := range series {
		for _, p := range s.Points {
			if drawn(p) {
				minX, maxX, maxY, minY = math.Min(minX, p.X), math.Max(maxX, p.X), math.Max(maxY, p.Y), math.Min(minY, p.Y)
			}
		}
	}
	if math.IsInf(minX, 1) || maxY == 0 {
		return ""
	}
	yTicks, loY, hiY := linearTicks(maxY)
	if logY {
		yTicks, loY, hiY = logTicks(minY, maxY)
	}
	const top, left, right, plotH = 36.0, 64.0, 24.0, 240.0
	ticks, lo, hi := linearTicks(maxX)
	if logX {
		ticks, lo, hi = logTicks(minX, maxX)
	}
	x := func(v float64) float64 { return left + (chartW-left-right)*frac(v, lo, hi, logX) }
	y := func(v float64) float64 { return top + plotH*(1-frac(v, loY, hiY, logY)) }
	var b strings.Builder
	for _, v := range yTicks {
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" class="grid"/>`, left, chartW-right, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="end">%s</text>`, left-6, y(v)+4, formatNum(v))
	}
	for _, t := range ticks {
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" class="grid"/>`, x(t), x(t), top, top+plotH)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="middle">%s</text>`, x(t), top+plotH+16, formatNum(t))
	}
	scale := func(log bool) string {
		if log {
			return " (log scale)"
		}
		return ""
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="middle">%s</text>`, (left+chartW-right)/2, top+plotH+32, html.EscapeString(xUnit+scale(logX)))
	fmt.Fprintf(&b, `<text x="12" y="%.1f" class="tick" transform="rotate(-90 12 %.1f)" text-anchor="middle">%s</text>`, top+plotH/2, top+plotH/2, html.EscapeString(yUnit+scale(logY)))
	names, colors := make([]string, 0, len(series)), make([]string, 0, len(series))
	for _, s := range series {
		pts := append([]Point(nil), s.Points...)
		sort.Slice(pts, func(i, j int) bool { return pts[i].X < pts[j].X })
		var coords []string
		for _, p := range pts {
			if !drawn(p) {
				continue
			}
			coords = append(coords, fmt.Sprintf("%.1f,%.1f", x(p.X), y(p.Y)))
		}
		if len(coords) == 0 {
			continue
		}
		names, colors = append(names, s.Name), append(colors, s.Color)
		fmt.Fprintf(&b, `<polyline class="series" data-series="%s" fill="none" stroke="%s" stroke-width="2" points="%s"/>`,
			html.EscapeString(s.Name), s.Color, strings.Join(coords, " "))
		for _, c := range coords {
			cx, cy, _ := strings.Cut(c, ",")
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3.5" fill="%s"/>`, cx, cy, s.Color)
		}
	}
	leg, lh := legend(names, colors, top+plotH+56, left)
	h := top + plotH + 56 + lh
	return fmt.Sprintf(`<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" xmlns="http://www.w3.org/2000/svg"><text x="%.0f" y="20" class="title">%s</text>%s%s</svg>`,
		html.EscapeString(title), chartW, h, chartW, h, left, html.EscapeString(title), b.String(), leg)
}

// formatValue writes a bar's value: thousands as k with up to one decimal, small values with
// one decimal.
func formatValue(v float64) string {
	switch {
	case v >= 1e4:
		return fmt.Sprintf("%.0fk", v/1e3)
	case v >= 1e3:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", v/1e3), ".0") + "k"
	case v >= 10:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// linearTicks are 0 and even steps up to a nice ceiling of maxV (1, 2 or 5 times a power of
// ten: 5, 4 or 5 steps), and the axis range.
func linearTicks(maxV float64) (ticks []float64, lo, hi float64) {
	hi = niceCeil(maxV)
	n := 5
	if lead := hi / math.Pow(10, math.Floor(math.Log10(hi))); lead == 2 {
		n = 4
	}
	for i := 0; i <= n; i++ {
		ticks = append(ticks, hi*float64(i)/float64(n))
	}
	return ticks, 0, hi
}

// logTicks are the 1-2-5 values between the powers of ten around [minV, maxV], and the axis
// range (those powers of ten).
func logTicks(minV, maxV float64) (ticks []float64, lo, hi float64) {
	lo, hi = math.Pow(10, math.Floor(math.Log10(minV))), math.Pow(10, math.Ceil(math.Log10(maxV)))
	if hi <= lo {
		hi = lo * 10
	}
	for d := lo; d < hi*1.001; d *= 10 {
		for _, m := range []float64{1, 2, 5} {
			if v := d * m; v <= hi*1.001 {
				ticks = append(ticks, v)
			}
		}
	}
	return ticks, lo, hi
}

// frac is where v lies in [lo, hi], 0 to 1, on a linear or a log axis.
func frac(v, lo, hi float64, log bool) float64 {
	if log {
		return (math.Log10(v) - math.Log10(lo)) / (math.Log10(hi) - math.Log10(lo))
	}
	return (v - lo) / (hi - lo)
}
