package bench

import (
	"errors"
	"fmt"
	"time"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// ApplyTier fills in the sample's tier's rate and partitions where the command's --rate and
// --partitions were not given (rateSet, partSet), then checks the options with Validate.
func (c *SoakConfig) ApplyTier(tier int, rateSet, partSet bool) error {
	rate, err := kafkaconn.RateForTier(tier)
	if err != nil {
		return fmt.Errorf("--tier: %w", err)
	}
	parts, _ := kafkaconn.PartitionsForTier(tier)
	if !rateSet {
		c.Rate = rate
	}
	if !partSet {
		c.Partitions = parts
	}
	return c.Validate()
}

// Validate checks the soak's options before anything starts; its errors name the command's flags.
func (c SoakConfig) Validate() error {
	switch {
	case c.Rate <= 0:
		return fmt.Errorf("--rate: %g must be positive", c.Rate)
	case c.Partitions < 1 || c.Partitions > 1024:
		return fmt.Errorf("--partitions: %d is out of range 1-1024", c.Partitions)
	case c.Duration < time.Minute:
		return fmt.Errorf("--duration: %s is shorter than the one-minute row", c.Duration)
	case c.WarmupMinutes < 0:
		return fmt.Errorf("--warmup-minutes: %d must not be negative", c.WarmupMinutes)
	case c.DrainIdle <= 0 || c.Retention < time.Minute:
		return errors.New("--drain-timeout must be positive and --retention at least 1m")
	}
	return nil
}
