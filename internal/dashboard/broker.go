package dashboard

import (
	"context"
	"sort"
	"sync"

	"github.com/streamscale/streamscale/internal/hubmetrics"
)

// BrokerRates turns a hubmetrics source's cumulative counters into per-second rates per
// topic between consecutive samples.
type BrokerRates struct {
	Source hubmetrics.Source
	// Topics are the hubs to show, in order; empty shows every topic the source reports.
	Topics []string

	mu   sync.Mutex
	prev *hubmetrics.Snapshot
}

// Sample reads the source; the first call returns no rates (nothing to compare with).
func (b *BrokerRates) Sample(ctx context.Context) ([]HubRate, *float64, error) {
	snap, err := b.Source.Snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	prev := b.prev
	b.prev = &snap
	if prev == nil {
		return nil, nil, nil
	}
	secs := snap.At.Sub(prev.At).Seconds()
	if secs <= 0 {
		return nil, nil, nil
	}
	topics := b.Topics
	if len(topics) == 0 {
		for t := range snap.Topics {
			topics = append(topics, t)
		}
		sort.Strings(topics)
	}
	row := hubmetrics.Delta(*prev, snap, topics)
	rates := make([]HubRate, 0, len(row.Hubs))
	for _, h := range row.Hubs {
		rates = append(rates, HubRate{Topic: h.Topic, InPerSec: float64(h.IncomingMessages) / secs, OutPerSec: float64(h.OutgoingMessages) / secs})
	}
	var throttle *float64
	if row.Throttle != nil {
		t := float64(row.Throttle.ProduceMs+row.Throttle.FetchMs) / secs
		throttle = &t
	}
	return rates, throttle, nil
}
