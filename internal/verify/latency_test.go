package verify

import "testing"

func TestLatencyRecorderCountsNegativesPerLatency(t *testing.T) {
	l := newLatencyRecorder()
	all := func(p, e, j int64) sample {
		return sample{pipeline: p, endToEnd: e, inJob: j, hasPipeline: true, hasEndToEnd: true, hasInJob: true}
	}
	l.add(all(5000, 9000, 1000))
	l.add(all(5000, -200, 1000))  // the generator's clock ahead of the broker's
	l.add(all(5000, 9000, -1000)) // the relay's clock behind the broker's
	l.add(all(5000, 9000, -1))
	l.add(sample{inJob: -5, hasInJob: false}) // not measured: not counted
	want := LatencyCounts{EndToEnd: 1, InJob: 2}
	if l.negativeBy != want || l.negative != 3 {
		t.Fatalf("negatives = %+v (total %d), want %+v (total 3)", l.negativeBy, l.negative, want)
	}
	if got := l.result().InJob.Count; got != 4 {
		t.Fatalf("in-job count = %d, want 4: negatives are recorded as 0, not dropped", got)
	}
}
