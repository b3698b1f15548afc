package htmlreport

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/verify"
)

func sampleRun() Run {
	r := Run{ID: "20261125-040000"}
	r.Generated.TargetRate = 1000
	base := time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	for i := range 6 {
		iv := verify.Interval{Start: base.Add(time.Duration(i) * 10 * time.Second), Records: 10000, Rate: 1000}
		iv.Pipeline.P50, iv.Pipeline.P99, iv.Pipeline.Max = 8, 20+float64(i), 40
		r.Verified.Intervals = append(r.Verified.Intervals, iv)
	}
	return r
}

func TestWriteDrawsBothCharts(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, sampleRun()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if n := strings.Count(page, `<svg class="chart"`); n != 2 {
		t.Fatalf("%d charts, want 2", n)
	}
	for _, series := range []string{`data-series="output"`, `data-series="target"`, `data-series="p99"`} {
		if !strings.Contains(page, series) {
			t.Errorf("page lacks %s", series)
		}
	}
	if strings.Contains(page, "<script") || strings.Contains(page, "http://") && !strings.Contains(page, "http://www.w3.org/2000/svg") {
		t.Error("page is not self-contained")
	}
	if !strings.Contains(page, `id="verdict">PASS`) {
		t.Error("a run without failures is not marked PASS")
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
