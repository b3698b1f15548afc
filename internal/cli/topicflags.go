package cli

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// topicFlags name the pipeline's topics and size them.
type topicFlags struct {
	in, out, deadLetter string
	tier                int
	partitions          int
}

func newTopicFlags() *topicFlags { return &topicFlags{in: "in", out: "out", tier: 1} }

func (t *topicFlags) addNames(fs *pflag.FlagSet) {
	fs.StringVar(&t.in, "in-topic", t.in, "input topic (Event Hub #1)")
	fs.StringVar(&t.out, "out-topic", t.out, "output topic (Event Hub #2)")
	fs.StringVar(&t.deadLetter, "dead-letter-topic", "", "topic for input records that are not JSON objects (default <in-topic>-dead-letter)")
}

func (t *topicFlags) addSizing(fs *pflag.FlagSet) {
	fs.IntVar(&t.tier, "tier", t.tier, "the sample's throughput tier 1, 5 or 10: 1k/5k/10k events/s on 2/4/8 partitions")
	fs.IntVar(&t.partitions, "partitions", 0, "partitions per topic (overrides the tier's)")
}

func (t *topicFlags) deadLetterTopic() string {
	if t.deadLetter != "" {
		return t.deadLetter
	}
	return t.in + "-dead-letter"
}

// relayTopics are the three topics as the relay job names them.
func (t *topicFlags) relayTopics() relay.Topics {
	return relay.Topics{In: t.in, Out: t.out, DeadLetter: t.deadLetterTopic()}
}

// partitionCount is --partitions, else the tier's.
func (t *topicFlags) partitionCount() (int32, error) {
	if t.partitions < 0 || t.partitions > 1024 {
		return 0, flagErrorf(fmt.Errorf("--partitions: %d is out of range 1-1024", t.partitions))
	}
	if t.partitions > 0 {
		return int32(t.partitions), nil
	}
	p, err := kafkaconn.PartitionsForTier(t.tier)
	if err != nil {
		return 0, flagErrorf(fmt.Errorf("--tier: %w", err))
	}
	return p, nil
}

// pipelineTopics are the three topics with the partitions the flags give (partitionCount);
// pipeline.Topics.Specs says how they are made.
func (t *topicFlags) pipelineTopics() (pipeline.Topics, error) {
	p, err := t.partitionCount()
	if err != nil {
		return pipeline.Topics{}, err
	}
	return pipeline.Topics{In: t.in, Out: t.out, DeadLetter: t.deadLetterTopic(), Partitions: p}, nil
}
