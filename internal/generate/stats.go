package generate

import (
	"fmt"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/streamscale/streamscale/internal/latency"
)

// Summary is the generator's account of a run. Records counts what was handed to the client
// (events and duplicates); each of them ends up Acked, in Errors, or, when the final wait for
// the broker ran out, Abandoned: its fate unknown, it may or may not be in the topic.
type Summary struct {
	// RunID is the run's identity (this instance's), the first 12 hex digits of each of its
	// eventIds: the verifier tells the events of several runs in one window apart by it.
	RunID            string              `json:"runId"`
	Events           int64               `json:"events"`
	DuplicatesSent   int64               `json:"duplicatesSent"`
	Records          int64               `json:"records"`
	Acked            int64               `json:"acked"`
	Bytes            int64               `json:"bytes"`
	Errors           int64               `json:"errors"`
	Abandoned        int64               `json:"abandoned"`
	Elapsed          float64             `json:"elapsed"`
	TargetRate       float64             `json:"targetRate"`
	AchievedRate     float64             `json:"achievedRate"`
	MeanRecordBytes  float64             `json:"meanRecordBytes"`
	SendLagMs        latency.Percentiles `json:"sendLagMs"`
	ProduceLatencyMs latency.Percentiles `json:"produceLatencyMs"`
	// FirstError is the first delivery error's cause in plain words.
	FirstError string `json:"firstError,omitempty"`
	// ThrottledRequests counts the broker's responses that throttled the producer, and
	// ThrottleMs adds up their throttle times (known when the client has a Throttle hook).
	ThrottledRequests int64   `json:"throttledRequests"`
	ThrottleMs        float64 `json:"throttleMs"`
}

// Throttled says in plain words how much the broker throttled the run and what that means;
// "" when it did not.
func (s Summary) Throttled() string {
	if s.ThrottledRequests == 0 {
		return ""
	}
	return fmt.Sprintf("%d responses throttled, %.0f ms in all: %s", s.ThrottledRequests, s.ThrottleMs, throttleAdvice)
}

// stats collects counters and histograms (microseconds, 1 µs to a day, 3 significant digits).
// Promises call it from franz-go's goroutines, hence the mutex.
type stats struct {
	mu         sync.Mutex
	events     int64
	dups       int64
	records    int64
	acked      int64
	bytes      int64
	errors     int64
	firstError error
	sendLag    *hdrhistogram.Histogram
	produce    *hdrhistogram.Histogram
	// ivSendLag and ivProduce hold the current progress interval's values.
	ivSendLag *hdrhistogram.Histogram
	ivProduce *hdrhistogram.Histogram
}

func newStats() *stats {
	return &stats{
		sendLag: latency.NewHistogram(), produce: latency.NewHistogram(),
		ivSendLag: latency.NewHistogram(), ivProduce: latency.NewHistogram(),
	}
}

// intervalStats are the counters so far and the percentiles of the interval since the last
// call of interval.
type intervalStats struct {
	events, bytes, errors int64
	sendLag, produce      latency.Percentiles
}

// interval returns the counters so far and the interval's percentiles, and starts the next
// interval.
func (s *stats) interval() intervalStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	iv := intervalStats{
		events: s.events, bytes: s.bytes, errors: s.errors,
		sendLag: latency.Summarize(s.ivSendLag), produce: latency.Summarize(s.ivProduce),
	}
	s.ivSendLag.Reset()
	s.ivProduce.Reset()
	return iv
}

func (s *stats) sent(lag time.Duration, size int, duplicate bool) {
	s.mu.Lock()
	if duplicate {
		s.dups++
	} else {
		s.events++
		latency.Record(s.sendLag, lag.Microseconds())
		latency.Record(s.ivSendLag, lag.Microseconds())
	}
	s.records++
	s.bytes += int64(size)
	s.mu.Unlock()
}

func (s *stats) ack(took time.Duration, err error) {
	s.mu.Lock()
	if err != nil {
		s.errors++
		if s.firstError == nil {
			s.firstError = err
		}
	} else {
		s.acked++
		latency.Record(s.produce, took.Microseconds())
		latency.Record(s.ivProduce, took.Microseconds())
	}
	s.mu.Unlock()
}

func (s *stats) summary(elapsed time.Duration, target float64) Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := Summary{
		Events: s.events, DuplicatesSent: s.dups, Records: s.records, Acked: s.acked, Bytes: s.bytes,
		Errors: s.errors, Elapsed: elapsed.Seconds(), TargetRate: target,
		SendLagMs: latency.Summarize(s.sendLag), ProduceLatencyMs: latency.Summarize(s.produce),
	}
	if elapsed > 0 {
		sum.AchievedRate = float64(s.events) / elapsed.Seconds()
	}
	if s.records > 0 {
		sum.MeanRecordBytes = float64(s.bytes) / float64(s.records)
	}
	return sum
}

// firstErr is the first delivery error, nil when there was none.
func (s *stats) firstErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.firstError
}
