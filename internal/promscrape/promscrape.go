// Package promscrape reads the Prometheus text exposition format (what the broker's JMX
// exporter and Flink's Prometheus reporter serve) into flat samples, with
// github.com/prometheus/common's expfmt parser: label values may hold commas, quotes, braces
// and escapes, as Flink's task and operator names do.
package promscrape

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Sample is one value of one series: a metric name (for summaries and histograms the
// exposed name, e.g. x_count, x_sum, x{quantile="0.99"} as x), its labels and its value.
type Sample struct {
	Name   string
	Labels map[string]string
	Value  float64
}

// Label returns the value of one label, "" when absent.
func (s Sample) Label(name string) string { return s.Labels[name] }

// Parse reads a text exposition into samples, in a stable order (by name, then labels).
func Parse(r io.Reader) ([]Sample, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	// The parser wants a final newline; a blank line more is harmless.
	fams, err := p.TextToMetricFamilies(io.MultiReader(r, strings.NewReader("\n")))
	if err != nil {
		return nil, fmt.Errorf("parse metrics: %w", err)
	}
	var out []Sample
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			labels := make(map[string]string, len(m.GetLabel()))
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			out = append(out, flatten(name, f.GetType(), m, labels)...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return labelKey(out[i].Labels) < labelKey(out[j].Labels)
	})
	return out, nil
}

func flatten(name string, t dto.MetricType, m *dto.Metric, labels map[string]string) []Sample {
	one := func(n string, v float64) Sample { return Sample{Name: n, Labels: labels, Value: v} }
	switch t {
	case dto.MetricType_COUNTER:
		return []Sample{one(name, m.GetCounter().GetValue())}
	case dto.MetricType_GAUGE:
		return []Sample{one(name, m.GetGauge().GetValue())}
	case dto.MetricType_SUMMARY:
		s := m.GetSummary()
		out := []Sample{one(name+"_count", float64(s.GetSampleCount())), one(name+"_sum", s.GetSampleSum())}
		for _, q := range s.GetQuantile() {
			l := with(labels, "quantile", model.FloatString(q.GetQuantile()).String())
			out = append(out, Sample{Name: name, Labels: l, Value: q.GetValue()})
		}
		return out
	case dto.MetricType_HISTOGRAM:
		h := m.GetHistogram()
		out := []Sample{one(name+"_count", float64(h.GetSampleCount())), one(name+"_sum", h.GetSampleSum())}
		for _, b := range h.GetBucket() {
			l := with(labels, "le", model.FloatString(b.GetUpperBound()).String())
			out = append(out, Sample{Name: name + "_bucket", Labels: l, Value: float64(b.GetCumulativeCount())})
		}
		return out
	default:
		return []Sample{one(name, m.GetUntyped().GetValue())}
	}
}

func with(labels map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(labels)+1)
	for a, b := range labels {
		out[a] = b
	}
	out[k] = v
	return out
}

func labelKey(l map[string]string) string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + l[k] + "\x00")
	}
	return b.String()
}

// Fetch scrapes one endpoint: GET url, then Parse. what names the endpoint in errors
// ("broker metrics", "Flink metrics").
func Fetch(ctx context.Context, hc *http.Client, url, what string) ([]Sample, error) {
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s at %s not reachable: %w", what, url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s at %s: HTTP %d", what, url, resp.StatusCode)
	}
	s, err := Parse(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s at %s: %w", what, url, err)
	}
	return s, nil
}
