// Package generate produces the sample's IoT events to Kafka on an open-loop schedule: event
// k is due at start + k/rate whatever the broker does, and lateness is measured as send lag
// instead of silently lowering the rate (no coordinated omission).
package generate

import (
	"errors"
	"fmt"
	"time"

	"github.com/streamscale/streamscale/internal/event"
)

// Config says what to send. Start from DefaultConfig.
type Config struct {
	// Topic to produce to (default "in").
	Topic string
	// Rate is the target in distinct events per second (default 1000, the sample's tier 1).
	Rate float64
	// Unlimited ignores Rate and sends as fast as the client accepts records (closed loop,
	// for benchmarks); send lag is then not measured.
	Unlimited bool
	// Ramp climbs linearly from 0 to Rate over this long at the start (default 0: none).
	Ramp time.Duration
	// Duration of sending (default 60s); ignored when Count is set.
	Duration time.Duration
	// Count, when positive, sends exactly this many distinct events.
	Count int64
	// Devices is the size of the device space (default 1000, as in the sample).
	Devices int
	// Seed makes event content reproducible; 0 picks one from the clock.
	Seed int64
	// DuplicateFraction of events is sent a second time, byte-identical (default 0.001).
	DuplicateFraction float64
	// MixedTypes makes each device alternate TEMP and CO2 readings event by event instead of
	// keeping one type as the sample's devices do (for the complex job's HighCO2 tag).
	MixedTypes bool
	// QuietDevices is the share of this instance's devices, in [0, 1), that go quiet: they
	// send during the first quarter of the run's events (Count, or Rate × Duration less half
	// the Ramp) only, then the others carry the whole rate. No event follows a quiet device's
	// last one, so the complex job's NoNews timer fires for it once the events' time is 105 s
	// further on (45 s of quiet plus the job's 60 s of out-of-orderness). Default 0.
	QuietDevices float64
	// DeviceIDPrefix precedes the device number in deviceId (default contoso://device-id-).
	DeviceIDPrefix string
	// Instance and Instances shard the device space: instance i of n owns the devices d with
	// d % n == i, so n generators together send one gap-free sequence per device
	// (default 0 of 1).
	Instance, Instances int
	// ProgressInterval between progress lines (default 10s).
	ProgressInterval time.Duration
	// FlushTimeout bounds the wait for records in flight when sending ends or is interrupted
	// (default 30s); records still unacknowledged then are abandoned and counted as such.
	FlushTimeout time.Duration
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config {
	return Config{
		Topic: "in", Rate: 1000, Duration: time.Minute, Devices: 1000,
		DuplicateFraction: 0.001, DeviceIDPrefix: event.DefaultDevicePrefix,
		Instances: 1, ProgressInterval: 10 * time.Second, FlushTimeout: 30 * time.Second,
	}
}

// Validate names the first setting out of range.
func (c Config) Validate() error {
	switch {
	case c.Topic == "":
		return errors.New("topic: must not be empty")
	case !c.Unlimited && (c.Rate <= 0 || c.Rate > 10_000_000):
		return fmt.Errorf("rate: %g events/s is out of range (0, 10000000]", c.Rate)
	case c.Count < 0:
		return fmt.Errorf("count: %d must not be negative", c.Count)
	case c.Ramp < 0:
		return fmt.Errorf("ramp: %s must not be negative", c.Ramp)
	case c.Count == 0 && c.Duration <= 0:
		return fmt.Errorf("duration: %s must be positive (or set count)", c.Duration)
	case c.Devices < 1 || c.Devices > 10_000_000:
		return fmt.Errorf("devices: %d is out of range 1-10000000", c.Devices)
	case c.DuplicateFraction < 0 || c.DuplicateFraction > 1:
		return fmt.Errorf("duplicate-fraction: %g is out of range 0-1", c.DuplicateFraction)
	case c.Instances < 1:
		return fmt.Errorf("instances: %d must be at least 1", c.Instances)
	case c.Instance < 0 || c.Instance >= c.Instances:
		return fmt.Errorf("instance: %d is out of range 0-%d", c.Instance, c.Instances-1)
	case c.QuietDevices < 0 || c.QuietDevices >= 1:
		return fmt.Errorf("quiet-devices: %g is out of range [0, 1)", c.QuietDevices)
	case c.QuietDevices > 0 && c.Unlimited && c.Count == 0:
		return errors.New("quiet-devices: needs a known number of events: set count, or a rate instead of unlimited")
	case c.Instances > c.Devices:
		return fmt.Errorf("instances: %d is more than the %d devices to share", c.Instances, c.Devices)
	case c.Count == 0 && c.Ramp >= c.Duration && c.Ramp > 0:
		return fmt.Errorf("ramp: %s must be shorter than the duration %s", c.Ramp, c.Duration)
	case c.ProgressInterval <= 0:
		return fmt.Errorf("progress-interval: %s must be positive", c.ProgressInterval)
	case c.FlushTimeout <= 0:
		return fmt.Errorf("flush-timeout: %s must be positive", c.FlushTimeout)
	}
	return nil
}

// quietPlan returns how many of this instance's devices (the first of ownedDevices) go quiet
// and the index of the first event they no longer send (0: none go quiet).
func (c Config) quietPlan(owned int) (quiet int, from int64) {
	quiet = int(c.QuietDevices * float64(owned)) // < owned, as QuietDevices < 1
	if quiet == 0 {
		return 0, 0
	}
	total := c.Count
	if total == 0 {
		total = int64(c.Rate * (c.Duration - c.Ramp/2).Seconds())
	}
	return quiet, max(total/4, 1)
}

// ownedDevices lists the devices this instance sends for.
func (c Config) ownedDevices() []int {
	var ds []int
	for d := c.Instance; d < c.Devices; d += c.Instances {
		ds = append(ds, d)
	}
	return ds
}
