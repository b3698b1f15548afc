package bench

import "fmt"

// Validate checks the failover benchmark's options before anything starts; its errors name
// the command's flags.
func (c FailoverConfig) Validate() error {
	if err := c.Stack.Validate(); err != nil {
		return err
	}
	switch {
	case c.Kills < 1:
		return fmt.Errorf("--kills: %d must be at least 1", c.Kills)
	case c.Rate <= 0:
		return fmt.Errorf("--rate: %g must be positive", c.Rate)
	case c.KillAfter >= c.Duration:
		return fmt.Errorf("--kill-after %s must be shorter than --duration %s", c.KillAfter, c.Duration)
	}
	return nil
}
