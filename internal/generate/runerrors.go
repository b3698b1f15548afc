package generate

import (
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// shortfall is the error of a run that sent more than 1% fewer events per second than its
// target over its steady part (after the ramp) and ended more than shortfallSlack behind its
// schedule. Runs with less than a second of steady sending are not judged.
func shortfall(sum Summary, cfg Config) error {
	if cfg.Unlimited || sum.Elapsed <= 0 || cfg.Rate <= 0 {
		return nil
	}
	ramp := cfg.Ramp.Seconds()
	steady := sum.Elapsed - ramp
	if steady < 1 {
		return nil // below a second, timer noise outweighs the rate
	}
	rampEvents := cfg.Rate * ramp / 2
	steadyEvents := float64(sum.Events) - rampEvents
	rate := steadyEvents / steady
	behind := (cfg.Rate*steady - steadyEvents) / cfg.Rate // seconds behind the schedule
	if rate >= cfg.Rate*0.99 || behind <= shortfallSlack.Seconds() {
		return nil
	}
	return &ShortfallError{Target: cfg.Rate, Achieved: rate, Throttled: sum.ThrottledRequests}
}

// ShortfallError says the generator could not hold its target rate.
type ShortfallError struct {
	Target, Achieved float64
	// Throttled counts the broker's throttling responses during the run.
	Throttled int64
}

// Error implements error.
func (e *ShortfallError) Error() string {
	short := fmt.Sprintf("achieved %.0f events/s, %.1f%% short of the %.0f/s target", e.Achieved, 100*(1-e.Achieved/e.Target), e.Target)
	if e.Throttled > 0 {
		return fmt.Sprintf("%s: %s (%d responses throttled)", short, throttleAdvice, e.Throttled)
	}
	return short + ": the producer or the broker could not keep up (see send lag); lower --rate or add partitions"
}

// DeliveryError says records failed delivery: the broker refused them or they timed out.
type DeliveryError struct {
	// Failed of Records handed to the client failed.
	Failed, Records int64
	// Cause is the first failure in plain words.
	Cause string
	// Err is the first failure as the client reported it.
	Err error
}

// Error implements error, in one line.
func (e *DeliveryError) Error() string {
	if e.Failed == e.Records {
		return fmt.Sprintf("all %d records failed delivery: %s", e.Records, e.Cause)
	}
	return fmt.Sprintf("%d of %d records failed delivery, the first because: %s", e.Failed, e.Records, e.Cause)
}

// Unwrap returns the first failure.
func (e *DeliveryError) Unwrap() error { return e.Err }

// plainError names the common errors of producing in plain words.
func plainError(err error, topic string) string {
	switch {
	case err == nil:
		return "unknown error"
	case errors.Is(err, kerr.UnknownTopicOrPartition):
		return fmt.Sprintf("topic %q does not exist: create it with `streamscale topics create`", topic)
	case errors.Is(err, kgo.ErrRecordTimeout):
		return "timed out: the broker did not acknowledge in time (is it reachable?)"
	}
	return kafkaconn.ExplainProduce(err)
}
