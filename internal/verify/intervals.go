package verify

import (
	"sort"
	"time"
)

// Interval is one window of the output, by the output records' Kafka timestamps.
type Interval struct {
	Start   time.Time `json:"start"`
	Records int64     `json:"records"`
	Rate    float64   `json:"ratePerSec"`
	// LatencyMs are the interval's latencies at 1% resolution.
	LatencyMs Latencies `json:"latencyMs"`
}

// intervalRecorder keeps a record count and latency histograms per interval, keyed by the
// interval's index since the epoch so records may arrive in any order.
type intervalRecorder struct {
	width time.Duration
	byIdx map[int64]*intervalAcc
}

type intervalAcc struct {
	records int64
	lat     *latencyRecorder
}

func newIntervalRecorder(width time.Duration) *intervalRecorder {
	return &intervalRecorder{width: width, byIdx: map[int64]*intervalAcc{}}
}

func (r *intervalRecorder) add(ts time.Time, s sample) {
	idx := ts.UnixNano() / int64(r.width)
	acc := r.byIdx[idx]
	if acc == nil {
		acc = &intervalAcc{lat: newCoarseLatencyRecorder()}
		r.byIdx[idx] = acc
	}
	acc.records++
	acc.lat.add(s)
}

// series returns the intervals in time order, from the first record's to the last's: one
// without records in between is there with 0 records, so a stall shows (and fails --min-rate)
// rather than vanishing. The rate of the first and last interval is over the part of it that
// first..last covers, so a partial interval does not read low.
func (r *intervalRecorder) series(first, last time.Time) []Interval {
	if len(r.byIdx) == 0 {
		return []Interval{}
	}
	idxs := make([]int64, 0, len(r.byIdx))
	for i := range r.byIdx {
		idxs = append(idxs, i)
	}
	sort.Slice(idxs, func(a, b int) bool { return idxs[a] < idxs[b] })
	lo, hi := idxs[0], idxs[len(idxs)-1]
	out := make([]Interval, 0, hi-lo+1)
	for i := lo; i <= hi; i++ {
		acc := r.byIdx[i]
		if acc == nil {
			acc = &intervalAcc{lat: newCoarseLatencyRecorder()} // a stall: no record arrived
		}
		start := time.Unix(0, i*int64(r.width)).UTC()
		from, to := start, start.Add(r.width)
		if first.After(from) {
			from = first
		}
		if last.Before(to) && !last.IsZero() {
			to = last
		}
		span := to.Sub(from).Seconds()
		if span < 1 {
			span = 1 // a sliver of an interval says little about a rate; avoid inflating it
		}
		out = append(out, Interval{
			Start: start, Records: acc.records, Rate: float64(acc.records) / span, LatencyMs: acc.lat.result(),
		})
	}
	return out
}
