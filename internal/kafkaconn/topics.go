package kafkaconn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/tier"
)

// TopicSpec describes a topic the pipeline needs.
type TopicSpec struct {
	Name       string
	Partitions int32
	// Replication is the replication factor; 0 means the broker's default.
	Replication int16
	// Configs are topic configs such as message.timestamp.type.
	Configs map[string]string
}

// LogAppendTime is the topic config that makes the broker stamp every record with its own
// append time, as Event Hubs does. The relay's enqueuedAt and every latency measured from a
// record's timestamp depend on it.
func LogAppendTime() map[string]string {
	return map[string]string{"message.timestamp.type": "LogAppendTime"}
}

// TopicResult says what EnsureTopics did with one topic.
type TopicResult struct {
	Name       string
	Created    bool
	Partitions int32
}

// EnsureTopics creates the topics that do not exist and checks those that do: an existing
// topic with fewer partitions than asked for, or with another timestamp type, is an error
// naming the fix, because reusing it would silently change what the run measures.
//
// franz-go caches metadata, including "unknown topic", for a few seconds; EnsureTopics purges
// the topics from cl's cache before and after, so that what follows sees the topics as they
// are.
func EnsureTopics(ctx context.Context, cl *kgo.Client, specs []TopicSpec) ([]TopicResult, error) {
	adm := kadm.NewClient(cl)
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	cl.PurgeTopicsFromClient(names...)
	defer cl.PurgeTopicsFromClient(names...)
	existing, err := adm.ListTopics(ctx, names...)
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	var results []TopicResult
	for _, s := range specs {
		td, ok := existing[s.Name]
		if ok && td.Err == nil {
			got := int32(len(td.Partitions))
			if got < s.Partitions {
				return nil, fmt.Errorf("topic %q exists with %d partitions, fewer than the %d asked for: delete it (`streamscale topics delete %s`) or use --partitions %d", s.Name, got, s.Partitions, s.Name, got)
			}
			if err := checkConfigs(ctx, adm, s); err != nil {
				return nil, err
			}
			results = append(results, TopicResult{Name: s.Name, Partitions: got})
			continue
		}
		if ok && td.Err != nil && !errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
			return nil, fmt.Errorf("describe topic %q: %w", s.Name, td.Err)
		}
		cfg := make(map[string]*string, len(s.Configs))
		for k, v := range s.Configs {
			cfg[k] = kadm.StringPtr(v)
		}
		repl := s.Replication
		if repl == 0 {
			repl = -1
		}
		resp, err := adm.CreateTopic(ctx, s.Partitions, repl, cfg, s.Name)
		if err == nil {
			err = resp.Err
		}
		if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			return nil, fmt.Errorf("create topic %q: %w", s.Name, err)
		}
		results = append(results, TopicResult{Name: s.Name, Created: err == nil, Partitions: s.Partitions})
	}
	if err := waitVisible(ctx, cl, adm, results); err != nil {
		return nil, err
	}
	return results, nil
}

// waitVisible waits until the topics just created are in the broker's metadata with all their
// partitions, so that the next command (`topics create && job submit`) finds them: the
// controller acknowledges a creation before every broker's metadata has it.
func waitVisible(ctx context.Context, cl *kgo.Client, adm *kadm.Client, results []TopicResult) error {
	var created []string
	for _, r := range results {
		if r.Created {
			created = append(created, r.Name)
		}
	}
	if len(created) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		cl.PurgeTopicsFromClient(created...)
		td, err := adm.ListTopics(ctx, created...)
		if err == nil && allVisible(td, results) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("topics %v were created but are not in the broker's metadata: %w", created, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func allVisible(td kadm.TopicDetails, results []TopicResult) bool {
	for _, r := range results {
		if !r.Created {
			continue
		}
		d, ok := td[r.Name]
		if !ok || d.Err != nil || int32(len(d.Partitions)) < r.Partitions {
			return false
		}
	}
	return true
}

func checkConfigs(ctx context.Context, adm *kadm.Client, s TopicSpec) error {
	if len(s.Configs) == 0 {
		return nil
	}
	rcs, err := adm.DescribeTopicConfigs(ctx, s.Name)
	if err != nil {
		return fmt.Errorf("describe configs of topic %q: %w", s.Name, err)
	}
	rc, err := rcs.On(s.Name, nil)
	if err != nil {
		return fmt.Errorf("describe configs of topic %q: %w", s.Name, err)
	}
	if rc.Err != nil {
		return fmt.Errorf("describe configs of topic %q: %w", s.Name, rc.Err)
	}
	have := map[string]string{}
	for _, c := range rc.Configs {
		have[c.Key] = c.MaybeValue()
	}
	for k, want := range s.Configs {
		if have[k] != want {
			return fmt.Errorf("topic %q has %s=%s but the pipeline needs %s: alter it with kafka-configs or delete the topic", s.Name, k, have[k], want)
		}
	}
	return nil
}

// PartitionsForTier maps the sample's throughput tiers to partition counts (package tier):
// tier 1 → 2, tier 5 → 4, tier 10 → 8.
func PartitionsForTier(n int) (int32, error) {
	t, err := tier.Get(n)
	return int32(t.Partitions), err
}

// ThroughputUnitsForTier is the Event Hubs throughput units the sample deploys for a tier:
// 2, 6 or 12 (package tier).
func ThroughputUnitsForTier(n int) (int, error) {
	t, err := tier.Get(n)
	return t.ThroughputUnits, err
}

// RateForTier is the sample's events per second for a tier.
func RateForTier(n int) (float64, error) {
	t, err := tier.Get(n)
	return float64(t.EventsPerSecond()), err
}
