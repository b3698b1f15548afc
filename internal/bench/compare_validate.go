package bench

import (
	"fmt"
	"slices"
	"strings"
)

// Validate checks the comparison's own options before anything starts: every contender is
// one of AllContenders, at least one partition, and positive fixed rates. Its errors name the
// command's flags.
func (c CompareConfig) Validate() error {
	for _, name := range c.Contenders {
		if !slices.Contains(AllContenders, name) {
			return fmt.Errorf("--contenders: %q is not one of %s", name, strings.Join(AllContenders, ", "))
		}
	}
	if c.Partitions < 1 {
		return fmt.Errorf("--partitions: %d must be at least 1", c.Partitions)
	}
	for _, r := range c.Rates {
		if r <= 0 {
			return fmt.Errorf("--rates: %g must be positive", r)
		}
	}
	return nil
}

// Err is the contenders' failures as one error ("bench compare: name: error; …"), nil when
// every contender ran.
func (r CompareResult) Err() error {
	var failed []string
	for _, c := range r.Contenders {
		if c.Error != "" {
			failed = append(failed, c.Name+": "+c.Error)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("bench compare: %s", strings.Join(failed, "; "))
	}
	return nil
}
