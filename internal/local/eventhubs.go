package local

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/hublimits"
)

// eventHubsLimits are the Event Hubs Standard limits the broker emulates (none for tier 0).
// Validate has checked the tier.
func (c Config) eventHubsLimits() hublimits.Limits {
	l, _ := hublimits.ForTier(c.EventHubsTier)
	return l
}

// keepEventHubsTier settles the tier when the broker already runs with runningTier: asking for
// none keeps what runs (a broker's authorizer and message size are fixed while it runs),
// asking for another fails with what to do.
func (c *Config) keepEventHubsTier(runningTier int, progress io.Writer) error {
	switch {
	case c.EventHubsTier == runningTier:
	case c.EventHubsTier == 0:
		c.EventHubsTier = runningTier
		fmt.Fprintf(progress, "the running Kafka broker keeps emulating Event Hubs tier %d (stop it with `streamscale local down` to start without)\n", runningTier)
	default:
		return fmt.Errorf("the local Kafka broker in %s runs with %s: stop it with `streamscale local down` before starting it with --eventhubs-tier %d",
			c.Home, tierWords(runningTier), c.EventHubsTier)
	}
	return nil
}

func tierWords(tier int) string {
	if tier == 0 {
		return "no Event Hubs limits"
	}
	return fmt.Sprintf("Event Hubs tier %d's limits", tier)
}

// applyEventHubs sets the tier's quotas and transaction ACL on the running broker, or removes
// the quotas an earlier emulation left when the stack runs without one (prevTier is the tier
// this home was last started with). Nothing is asked of a broker that never emulated a tier.
func (s *Stack) applyEventHubs(ctx context.Context, prevTier int, progress io.Writer) error {
	l := s.cfg.eventHubsLimits()
	if !l.Enabled() && prevTier == 0 {
		return nil
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(s.cfg.KafkaBootstrap(), ",")...))
	if err != nil {
		return fmt.Errorf("kafka client: %w", err)
	}
	defer cl.Close()
	if err := hublimits.Apply(ctx, kadm.NewClient(cl), l); err != nil {
		return err
	}
	if l.Enabled() {
		fmt.Fprintf(progress, "Kafka broker emulates %s\n", l)
	}
	return nil
}
