package hubmetrics

import (
	"context"
	"fmt"
	"sync"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// WithGroupOffsets adds outgoing messages to another source's snapshots: per topic, a
// cumulative count of the records consumer groups committed as read, so that a delta is what
// consumers read and committed in the interval (the relay commits on each checkpoint, so its
// figures move in steps of the checkpoint interval). Consumers without a group (the verifier,
// peek) are not counted.
//
// Each group's committed offset per partition is followed on its own: a group that is deleted
// or reset backwards adds nothing (summing the offsets of all groups instead would book a
// deleted group as a drop, and the next interval as everything every other group ever read).
// A group first seen adds all it committed, as a new relay job's group that read the topic
// from its start has. Use one WithGroupOffsets per Recorder.
type WithGroupOffsets struct {
	Source
	Admin *kadm.Client

	mu   sync.Mutex
	last map[groupPartition]int64
	read map[string]int64 // per topic, cumulative
}

// groupPartition is one consumer group's position on one partition.
type groupPartition struct {
	group, topic string
	partition    int32
}

// Snapshot implements Source.
func (w *WithGroupOffsets) Snapshot(ctx context.Context) (Snapshot, error) {
	snap, err := w.Source.Snapshot(ctx)
	if err != nil {
		return snap, err
	}
	committed, unread, err := committedOffsets(ctx, w.Admin)
	if err != nil {
		return snap, fmt.Errorf("consumer group offsets: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for k, at := range w.last {
		if unread[k.group] {
			committed[k] = at // not read this time: keep its position rather than see it anew
		}
	}
	w.last, w.read = advance(w.last, committed, w.read)
	if snap.Topics == nil {
		snap.Topics = map[string]Counters{}
	}
	for topic, n := range w.read {
		c := snap.Topics[topic]
		c.MessagesOut = float64(n)
		snap.Topics[topic] = c
	}
	return snap, nil
}

// advance adds to read (per topic, cumulative) what each group committed since last, and
// returns the new positions and totals. A position that went backwards (a reset) adds
// nothing; a position not in last (a new group or partition) adds all of itself.
func advance(last, cur map[groupPartition]int64, read map[string]int64) (map[groupPartition]int64, map[string]int64) {
	if read == nil {
		read = map[string]int64{}
	}
	for k, at := range cur {
		prev, seen := last[k]
		switch {
		case !seen:
			read[k.topic] += at
		case at > prev:
			read[k.topic] += at - prev
		}
	}
	return cur, read
}

// committedOffsets is every consumer group's committed offset per partition, and the groups
// whose offsets could not be read this time.
func committedOffsets(ctx context.Context, adm *kadm.Client) (map[groupPartition]int64, map[string]bool, error) {
	groups, err := adm.ListGroups(ctx)
	if err != nil {
		return nil, nil, err
	}
	out, unread := map[groupPartition]int64{}, map[string]bool{}
	if len(groups) == 0 {
		return out, unread, nil
	}
	for group, resp := range adm.FetchManyOffsets(ctx, groups.Groups()...) {
		if resp.Err != nil {
			unread[group] = true // being deleted or rebalancing; the next sample catches up
			continue
		}
		resp.Fetched.Each(func(o kadm.OffsetResponse) {
			if o.Err == nil && o.At >= 0 {
				out[groupPartition{group: group, topic: o.Topic, partition: o.Partition}] = o.At
			}
		})
	}
	return out, unread, nil
}

// BrokerSource is the live source of `report`: the brokers' Prometheus counters at urls,
// summed, with the records consumer groups committed as read through cl.
func BrokerSource(urls []string, cl *kgo.Client) Source {
	return &WithGroupOffsets{Source: PrometheusSource{URLs: urls}, Admin: kadm.NewClient(cl)}
}
