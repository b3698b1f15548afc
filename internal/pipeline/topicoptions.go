package pipeline

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/relay"
)

// TopicOptions name the pipeline's topics and size them (the topic flags of `topics create`,
// `run` and the job commands). Start from DefaultTopicOptions.
type TopicOptions struct {
	In, Out string
	// DeadLetter "" is <In>-dead-letter.
	DeadLetter string
	// Tier is the sample's throughput tier, 1, 5 or 10, which sizes the topics unless
	// Partitions (1-1024) is set.
	Tier, Partitions int
}

// DefaultTopicOptions are in and out, sized for tier 1.
func DefaultTopicOptions() *TopicOptions { return &TopicOptions{In: "in", Out: "out", Tier: 1} }

// AddNameFlags registers --in-topic, --out-topic and --dead-letter-topic on fs.
func (t *TopicOptions) AddNameFlags(fs *pflag.FlagSet) {
	fs.StringVar(&t.In, "in-topic", t.In, "input topic (Event Hub #1)")
	fs.StringVar(&t.Out, "out-topic", t.Out, "output topic (Event Hub #2)")
	fs.StringVar(&t.DeadLetter, "dead-letter-topic", "", "topic for input records that are not JSON objects (default <in-topic>-dead-letter)")
}

// AddSizingFlags registers --tier and --partitions on fs.
func (t *TopicOptions) AddSizingFlags(fs *pflag.FlagSet) {
	fs.IntVar(&t.Tier, "tier", t.Tier, "the sample's throughput tier 1, 5 or 10: 1k/5k/10k events/s on 2/4/8 partitions")
	fs.IntVar(&t.Partitions, "partitions", 0, "partitions per topic (overrides the tier's)")
}

// Relay are the three topics as the relay job names them.
func (t TopicOptions) Relay() relay.Topics {
	dl := t.DeadLetter
	if dl == "" {
		dl = t.In + "-dead-letter"
	}
	return relay.Topics{In: t.In, Out: t.Out, DeadLetter: dl}
}

// PartitionCount is Partitions, else the tier's; a value out of range is a *Refusal.
func (t TopicOptions) PartitionCount() (int32, error) {
	if t.Partitions < 0 || t.Partitions > 1024 {
		return 0, &Refusal{fmt.Errorf("--partitions: %d is out of range 1-1024", t.Partitions)}
	}
	if t.Partitions > 0 {
		return int32(t.Partitions), nil
	}
	p, err := kafkaconn.PartitionsForTier(t.Tier)
	if err != nil {
		return 0, &Refusal{fmt.Errorf("--tier: %w", err)}
	}
	return p, nil
}

// Topics are the three topics with PartitionCount's partitions (Topics.Specs says how they
// are made).
func (t TopicOptions) Topics() (Topics, error) {
	p, err := t.PartitionCount()
	if err != nil {
		return Topics{}, err
	}
	r := t.Relay()
	return Topics{In: r.In, Out: r.Out, DeadLetter: r.DeadLetter, Partitions: p}, nil
}
