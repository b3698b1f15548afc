package bench

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/verify"
)

// Stall is the longest gap between consecutive output records' append times (the broker's
// LogAppendTime, which the pipeline's topics use) in any output partition, among the gaps that
// end after the kill. Per partition, because a partition's records come from one of the job's
// subtasks (the generator and the relay's sink both place a record by its key's murmur2 hash,
// and the topics have as many partitions as the job has subtasks), and region failover may
// restart only the subtasks the lost TaskManager ran: the others' output flows on and would
// hide the stall in a merged stream.
type Stall struct {
	// Ms is the gap; FromMs and ToMs its ends relative to the kill (FromMs < 0: the last
	// record before the gap was appended before the kill, as under exactly-once, where what
	// was written after the last checkpoint is aborted).
	Ms     int64 `json:"ms"`
	FromMs int64 `json:"fromMs"`
	ToMs   int64 `json:"toMs"`
	// Partition is the output partition of the gap.
	Partition int32 `json:"partition"`
	// Recovered is false when a partition had no record after the kill.
	Recovered bool `json:"recovered"`
	// MaxGapBeforeMs is the longest gap before the kill in any partition: the run's noise.
	MaxGapBeforeMs int64 `json:"maxGapBeforeMs"`
}

// stallAround measures the stall around a kill at from the append times of each partition's
// records, in offset order.
func stallAround(times map[int32][]time.Time, at time.Time) Stall {
	s := Stall{Recovered: true}
	best := time.Duration(-1)
	parts := make([]int32, 0, len(times))
	for p := range times {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	for _, p := range parts {
		ts := times[p]
		after := false
		for i := 1; i < len(ts); i++ {
			gap := ts[i].Sub(ts[i-1])
			if !ts[i].After(at) {
				s.MaxGapBeforeMs = max(s.MaxGapBeforeMs, gap.Milliseconds())
				continue
			}
			after = true
			if gap > best {
				best = gap
				s.Ms, s.FromMs, s.ToMs, s.Partition = gap.Milliseconds(), ts[i-1].Sub(at).Milliseconds(), ts[i].Sub(at).Milliseconds(), p
			}
		}
		if !after && (len(ts) == 0 || !ts[0].After(at)) {
			s.Recovered = false
		}
	}
	return s
}

// readAppendTimes reads the output window [start, end) per partition, read_committed as the
// verifier reads (so under exactly-once only committed records count), and returns each
// partition's data records' timestamps in offset order. The topics are LogAppendTime, so these
// are the broker's append times: one clock for every record, independent of the job's.
func readAppendTimes(ctx context.Context, admin *kgo.Client, topic string, start, end map[int32]int64) (map[int32][]time.Time, error) {
	offsets := map[int32]kgo.Offset{}
	remaining := 0
	for p, e := range end {
		if e > start[p] {
			offsets[p] = kgo.NewOffset().At(start[p])
			remaining++
		}
	}
	times := map[int32][]time.Time{}
	if remaining == 0 {
		return times, nil
	}
	opts := append(verify.ClientOpts(), kgo.SeedBrokers(brokersOf(admin)...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: offsets}))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	done := map[int32]bool{}
	for remaining > 0 {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("read %s's append times: %d partitions short of their end: %w", topic, remaining, err)
		}
		for _, fe := range fs.Errors() {
			return nil, fmt.Errorf("read %s: partition %d: %w", topic, fe.Partition, fe.Err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if done[r.Partition] || r.Offset >= end[r.Partition] {
				return
			}
			if !r.Attrs.IsControl() {
				times[r.Partition] = append(times[r.Partition], r.Timestamp)
			}
			if r.Offset >= end[r.Partition]-1 {
				done[r.Partition] = true
				remaining--
			}
		})
	}
	return times, nil
}

// brokersOf is the seed brokers a client was made with.
func brokersOf(cl *kgo.Client) []string {
	seeds, _ := cl.OptValue(kgo.SeedBrokers).([]string)
	return seeds
}
