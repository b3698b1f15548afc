package bench

import (
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/latency"
)

func TestWriteCompareTable(t *testing.T) {
	res := CompareResult{Partitions: 2, Parallelism: 2, RecordBytes: 935, StepSeconds: 20, Seconds: 600,
		Contenders: []ContenderResult{
			{Name: BrokerCeiling, MaxRate: 90000, LatencyMs: map[string]Latency{"1000": {ProduceAck: &latency.Percentiles{P99: 40}}}},
			{Name: OurRelay, MaxRate: 80000, CPUSecondsPerMillion: 38.5, LatencyMs: map[string]Latency{
				"1000": {Pipeline: &latency.Percentiles{P99: 15}}, "20000": {Pipeline: &latency.Percentiles{P99: 26}}}},
			{Name: SampleJob, Error: "sample job jar x not found: run `make build`"},
		},
		Ratios: Ratios{OursVsBroker: 0.89},
	}
	var b strings.Builder
	if err := res.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"p99 ms @1000", "p99 ms @20000", "(ack 40)", "26.0", "ours vs broker ceiling 0.89", "sample-job failed: sample job jar"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "@1000") > strings.Index(out, "@20000") {
		t.Errorf("rates not in numeric order:\n%s", out)
	}
}
