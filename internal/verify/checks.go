package verify

import (
	"fmt"
	"strings"
)

// Checks are the sample's verification thresholds. A negative fraction or a zero rate or
// latency leaves that check off.
type Checks struct {
	// MinRate is the lowest acceptable steady output rate in records/s: every interval but the
	// first and last (Result.SteadyRatePerSec).
	MinRate float64
	// MaxP99Ms is the highest acceptable pipeline latency p99 in ms.
	MaxP99Ms float64
	// MaxDuplicateFraction is the highest acceptable share of duplicates among output events
	// (pipeline duplicates when reconciled; extra copies of tags among the distinct tags for
	// the complex job); 0 demands none, negative is off.
	MaxDuplicateFraction float64
	// MaxOutOfOrderFraction is the highest acceptable share of out-of-order records; negative
	// is off.
	MaxOutOfOrderFraction float64
	// AllowMissing turns off the zero-missing check.
	AllowMissing bool
	// AllowCreateTime turns off the check that every output record carries the broker's
	// append time (LogAppendTime), without which the latencies are not the broker's.
	AllowCreateTime bool
}

// DefaultChecks demand no missing event and every record carrying both added fields, and
// leave the other thresholds off.
func DefaultChecks() Checks { return Checks{MaxDuplicateFraction: -1, MaxOutOfOrderFraction: -1} }

// Failure is one failed check with the measured value and the threshold.
type Failure struct {
	Check     string  `json:"check"`
	Measured  float64 `json:"measured"`
	Threshold float64 `json:"threshold"`
}

// String is the failure line printed by verify: check, measured value, threshold.
func (f Failure) String() string {
	return fmt.Sprintf("FAIL %s: measured %g, threshold %g", f.Check, f.Measured, f.Threshold)
}

// Check returns the checks r fails, none when it passes.
func (r Result) Check(c Checks) []Failure {
	var fs []Failure
	fail := func(name string, measured, threshold float64) {
		fs = append(fs, Failure{Check: name, Measured: measured, Threshold: threshold})
	}
	what, latencyName := "events", "pipeline"
	if r.Tags != nil {
		what, latencyName = "tags", "tag"
	}
	if !c.AllowMissing && r.Missing > 0 {
		fail("missing "+what, float64(r.Missing), 0)
	}
	if r.MissingFields > 0 {
		fail("records without enqueuedAt/processedAt", float64(r.MissingFields), 0)
	}
	if r.Unexpected > 0 {
		if r.Tags != nil {
			fail("unexpected tags (the input window does not make them)", float64(r.Unexpected), 0)
		} else {
			fail("unexpected events (never in the input)", float64(r.Unexpected), 0)
		}
	}
	if r.Altered > 0 {
		fail("altered events (output not its input with the two stamps appended), e.g. "+strings.Join(r.AlteredExamples[:min(2, len(r.AlteredExamples))], "; "), float64(r.Altered), 0)
	}
	if r.Misstamped > 0 {
		fail("misstamped events (enqueuedAt not the input record's append time), e.g. "+strings.Join(r.MisstampedExamples[:min(2, len(r.MisstampedExamples))], "; "), float64(r.Misstamped), 0)
	}
	if !c.AllowCreateTime && r.CreateTimeRecords > 0 {
		fail("records stamped by the producer (CreateTime), not the broker: give the output topic message.timestamp.type=LogAppendTime", float64(r.CreateTimeRecords), 0)
	}
	if c.MinRate > 0 && r.SteadyRatePerSec < c.MinRate {
		fail("min steady rate (records/s, slowest inner interval)", r.SteadyRatePerSec, c.MinRate)
	}
	if c.MaxP99Ms > 0 && r.LatencyMs.Pipeline.P99 > c.MaxP99Ms {
		fail("max "+latencyName+" p99 (ms)", r.LatencyMs.Pipeline.P99, c.MaxP99Ms)
	}
	if c.MaxDuplicateFraction >= 0 && r.Events > 0 {
		if frac := float64(r.Duplicates) / float64(r.Events); frac > c.MaxDuplicateFraction {
			fail("max duplicate fraction", frac, c.MaxDuplicateFraction)
		}
	}
	if c.MaxOutOfOrderFraction >= 0 && r.Records > 0 {
		if frac := float64(r.OutOfOrder) / float64(r.Records); frac > c.MaxOutOfOrderFraction {
			fail("max out-of-order fraction", frac, c.MaxOutOfOrderFraction)
		}
	}
	return fs
}
