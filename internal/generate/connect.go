package generate

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// RunOn sends cfg's events to conn with a producer tuned by prod (Run). It returns the summary
// also when sending was interrupted, with the error. Check cfg.Validate and prod.Opts first
// to tell the user's mistakes from the run's failures.
func RunOn(ctx context.Context, conn kafkaconn.Conn, cfg Config, prod ProducerConfig, progress io.Writer) (*Summary, error) {
	popts, err := prod.Opts(conn)
	if err != nil {
		return nil, err
	}
	cl, err := conn.NewClient(popts...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	sum, err := Run(ctx, cl, cfg, progress)
	return &sum, err
}

// TierPartitionsNote says, when topic has fewer partitions than the sample's tier uses, that
// the rate is the tier's and the parallelism is not, and how to recreate the topic; "" when it
// has enough, or when that cannot be told (a missing topic is left to the generator's own
// error).
func TierPartitionsNote(ctx context.Context, conn kafkaconn.Conn, topic string, tier int) string {
	want, err := kafkaconn.PartitionsForTier(tier)
	if err != nil {
		return ""
	}
	cl, err := conn.NewClient()
	if err != nil {
		return ""
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	topics, err := kadm.NewClient(cl).ListTopics(ctx, topic)
	if err != nil {
		return ""
	}
	if d, ok := topics[topic]; ok && d.Err == nil && int32(len(d.Partitions)) < want {
		return fmt.Sprintf("note: %q has %d partitions, tier %d uses %d (recreate it: `streamscale topics delete` then `streamscale topics create --tier %d`)", topic, len(d.Partitions), tier, want, tier)
	}
	return ""
}
