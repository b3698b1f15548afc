package generate

import (
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Percentiles of a latency in milliseconds.
type Percentiles struct {
	P50  float64 `json:"p50"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
}

// Summary is the generator's account of a run.
type Summary struct {
	Events           int64       `json:"events"`
	DuplicatesSent   int64       `json:"duplicatesSent"`
	Records          int64       `json:"records"`
	Acked            int64       `json:"acked"`
	Bytes            int64       `json:"bytes"`
	Errors           int64       `json:"errors"`
	Elapsed          float64     `json:"elapsed"`
	TargetRate       float64     `json:"targetRate"`
	AchievedRate     float64     `json:"achievedRate"`
	MeanRecordBytes  float64     `json:"meanRecordBytes"`
	SendLagMs        Percentiles `json:"sendLagMs"`
	ProduceLatencyMs Percentiles `json:"produceLatencyMs"`
	FirstError       string      `json:"firstError,omitempty"`
}

// stats collects counters and histograms (microseconds, 1 µs to 1 h, 3 significant digits).
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
}

func newStats() *stats {
	return &stats{
		sendLag: hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3),
		produce: hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3),
	}
}

func (s *stats) sent(lag time.Duration, size int, duplicate bool) {
	s.mu.Lock()
	if duplicate {
		s.dups++
	} else {
		s.events++
		_ = s.sendLag.RecordValue(max(lag.Microseconds(), 0))
	}
	s.records++
	s.bytes += int64(size)
	s.mu.Unlock()
}

func (s *stats) ack(latency time.Duration, err error) {
	s.mu.Lock()
	if err != nil {
		s.errors++
		if s.firstError == nil {
			s.firstError = err
		}
	} else {
		s.acked++
		_ = s.produce.RecordValue(max(latency.Microseconds(), 0))
	}
	s.mu.Unlock()
}

func (s *stats) summary(elapsed time.Duration, target float64) Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := Summary{
		Events: s.events, DuplicatesSent: s.dups, Records: s.records, Acked: s.acked, Bytes: s.bytes,
		Errors: s.errors, Elapsed: elapsed.Seconds(), TargetRate: target,
		SendLagMs: percentiles(s.sendLag), ProduceLatencyMs: percentiles(s.produce),
	}
	if elapsed > 0 {
		sum.AchievedRate = float64(s.events) / elapsed.Seconds()
	}
	if s.records > 0 {
		sum.MeanRecordBytes = float64(s.bytes) / float64(s.records)
	}
	if s.firstError != nil {
		sum.FirstError = s.firstError.Error()
	}
	return sum
}

func percentiles(h *hdrhistogram.Histogram) Percentiles {
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return Percentiles{
		P50: ms(h.ValueAtQuantile(50)), P99: ms(h.ValueAtQuantile(99)),
		P999: ms(h.ValueAtQuantile(99.9)), Max: ms(h.Max()),
	}
}
