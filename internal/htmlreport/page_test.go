package htmlreport

import (
	"bytes"
	"encoding/xml"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/verify"
)

func sampleRun() Report {
	r := Report{Title: "streamscale run 20261125-040000", Generated: &generate.Summary{TargetRate: 1000}, Verified: &verify.Result{}, Checked: true}
	base := time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	for i := range 6 {
		start := base.Add(time.Duration(i) * 10 * time.Second)
		iv := verify.Interval{Start: start, Records: 10000, Rate: 1000}
		iv.LatencyMs.Pipeline = verify.Percentiles{P50: 8, P99: 20 + float64(i), Max: 40, Count: 10000}
		iv.LatencyMs.EndToEnd = verify.Percentiles{P50: 9, P99: 22 + float64(i), Max: 45, Count: 10000}
		iv.LatencyMs.InJob = verify.Percentiles{P50: 1, P99: 2, Max: 3, Count: 10000}
		r.Verified.Intervals = append(r.Verified.Intervals, iv)
		r.Traffic = append(r.Traffic, sampleTrafficRow(start, 10*time.Second))
	}
	r.Capacity = hubmetrics.Capacity{ThroughputUnits: 2}
	return r
}

func sampleTrafficRow(start time.Time, d time.Duration) hubmetrics.Row {
	return hubmetrics.Row{Start: start, End: start.Add(d), Throttle: &hubmetrics.ThrottleRow{},
		Hubs: []hubmetrics.HubRow{
			{Topic: "in", IncomingMessages: 10000, IncomingBatches: 700, IncomingBytes: 9_500_000, OutgoingMessages: 9800},
			{Topic: "out", IncomingMessages: 9900, IncomingBatches: 60, IncomingBytes: 10_000_000},
		}}
}

func TestWriteDrawsEveryChart(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, sampleRun()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	// 2 hubs + output rate + 3 latencies.
	if n := strings.Count(page, `<svg class="chart"`); n != 6 {
		t.Fatalf("%d charts, want 6", n)
	}
	for _, want := range []string{`data-series="output"`, `data-series="target"`, `data-series="p99"`,
		`data-series="incoming"`, `data-series="outgoing"`, `data-series="MAX VALUE in"`,
		`aria-label="End-to-end latency`, `aria-label="In-job latency`, `aria-label="Hub #2 (out)`, `<td>MAX VALUE</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, "<script") || strings.Contains(page, "http://") && !strings.Contains(page, "http://www.w3.org/2000/svg") {
		t.Error("page is not self-contained")
	}
	if !strings.Contains(page, `id="verdict">PASS`) {
		t.Error("a run without failures is not marked PASS")
	}
}

func TestVerdictOnlyWhenChecked(t *testing.T) {
	for _, tt := range []struct {
		name     string
		checked  bool
		failures []verify.Failure
		want     string
	}{
		{"checked, passed", true, nil, `id="verdict">PASS`},
		{"checked, failed", true, []verify.Failure{{Check: "missing", Measured: 3, Threshold: 0}}, `id="verdict">FAIL`},
		{"recorded run drawn later", false, nil, ""},
	} {
		r := sampleRun()
		r.Checked, r.Failures = tt.checked, tt.failures
		var b bytes.Buffer
		if err := Write(&b, r); err != nil {
			t.Fatal(err)
		}
		page := b.String()
		if tt.want == "" && strings.Contains(page, `id="verdict"`) {
			t.Errorf("%s: page shows a verdict without knowing the checks", tt.name)
		}
		if tt.want != "" && !strings.Contains(page, tt.want) {
			t.Errorf("%s: page lacks %s", tt.name, tt.want)
		}
	}
}

func TestLineChartIsWellFormedSVG(t *testing.T) {
	svg := LineChart(`a <b> & "c"`, "ms", []string{"1", "2", "3"}, []Series{{Name: "x<y", Color: "#000", Values: []float64{1, 5, 3}}})
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, svg)
	}
	if LineChart("t", "u", nil, nil) != "" {
		t.Error("an empty chart was drawn")
	}
}

func TestNiceCeil(t *testing.T) {
	for in, want := range map[float64]float64{0.7: 1, 3: 5, 12: 20, 1000: 1000, 1001: 2000, 4200: 5000} {
		if got := niceCeil(in); got != want {
			t.Errorf("niceCeil(%g) = %g, want %g", in, got, want)
		}
	}
}

func TestWriteTrafficOnly(t *testing.T) {
	base := time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	r := Report{Title: "broker traffic", Traffic: []hubmetrics.Row{sampleTrafficRow(base, time.Minute), sampleTrafficRow(base.Add(time.Minute), time.Minute)}}
	var b bytes.Buffer
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if n := strings.Count(page, `<svg class="chart"`); n != 2 {
		t.Fatalf("%d charts, want one per hub", n)
	}
	if strings.Contains(page, "verdict") || strings.Contains(page, "MAX VALUE") {
		t.Error("a traffic-only page without capacity shows a verdict or a MAX VALUE")
	}
}

// TestLineChartGapForNaN: a NaN (an interval without records) breaks the line instead of
// drawing a latency of 0.
func TestLineChartGapForNaN(t *testing.T) {
	svg := LineChart("t", "ms", []string{"1", "2", "3", "4", "5"}, []Series{{Name: "p99", Color: "#000", Values: []float64{5, 6, math.NaN(), 7, 8}}})
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, svg)
	}
	if n := strings.Count(svg, `<polyline`); n != 2 {
		t.Fatalf("%d polylines, want 2 (the line broken at the gap):\n%s", n, svg)
	}
	if n := strings.Count(svg, `<circle`); n != 4 {
		t.Fatalf("%d markers, want 4 (none for the gap)", n)
	}
	if strings.Contains(svg, "NaN") {
		t.Fatal("NaN reached the SVG")
	}
}

func TestStalledIntervalIsAGapInTheLatencyCharts(t *testing.T) {
	r := sampleRun()
	r.Verified.Intervals[2].Records = 0
	r.Verified.Intervals[2].LatencyMs = verify.Latencies{} // no record, so no latency
	var b bytes.Buffer
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "NaN") {
		t.Fatal("NaN reached the page")
	}
	// 3 latency charts × 3 series, each broken in two; the rate chart's 2 lines and the hub
	// charts' lines stay whole.
	if n := strings.Count(b.String(), `data-series="p99"`); n != 6 {
		t.Fatalf("%d p99 polylines, want 6 (3 charts, each line broken at the stall)", n)
	}
}

// TestHubRatesAreFlatForASteadyLoad: a steady 1,000 records/s in rows of 7 s, 10 s and 14 s
// (a run's head, middle and tail) charts as one flat rate, not as a dip and a jump.
func TestHubRatesAreFlatForASteadyLoad(t *testing.T) {
	base := time.Date(2026, 11, 29, 16, 26, 13, 0, time.UTC)
	var rows []hubmetrics.Row
	at := base
	for _, d := range []time.Duration{7 * time.Second, 10 * time.Second, 14 * time.Second, 0} {
		n := int64(d / time.Millisecond) // 1,000/s in, 500/s out
		rows = append(rows, hubmetrics.Row{Start: at, End: at.Add(d), Hubs: []hubmetrics.HubRow{
			{Topic: "other", IncomingMessages: 1},
			{Topic: "in", IncomingMessages: n, OutgoingMessages: n / 2},
		}})
		at = at.Add(d)
	}
	in, out := hubRates(rows, "in")
	want := []struct{ in, out float64 }{{1000, 500}, {1000, 500}, {1000, 500}, {0, 0}}
	for i, w := range want {
		if in[i] != w.in || out[i] != w.out {
			t.Errorf("row %d: %v in, %v out per second; want %v, %v", i, in[i], out[i], w.in, w.out)
		}
	}
}

// TestWriteTagsOfTheComplexJob: a complex run's page counts its tags per kind and calls the
// latency the tag latency; a relay run's page has no tag tables.
func TestWriteTagsOfTheComplexJob(t *testing.T) {
	r := sampleRun()
	var b bytes.Buffer
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `id="tag-kinds"`) {
		t.Fatal("a relay run's page shows tag kinds")
	}
	r.Verified.Tags = &verify.TagResult{Expected: 12, Written: 12, Distinct: 12, ByKind: map[string]int{"FirstTagForThisKey": 3, "SeveralTemperaturesIn70s": 9}}
	b.Reset()
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{`id="tag-kinds"`, `<td>FirstTagForThisKey</td><td>3</td>`, `<td>SeveralTemperaturesIn70s</td><td>9</td>`,
		`<td>HighCO2WithSeveralTemperaturesIn70s</td><td>0</td>`, `<td>tag</td>`, `<td>NoNews (timer)</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}
