package relay

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"time"
)

// Guarantee is the relay job's delivery guarantee (its --guarantee argument).
type Guarantee string

// The delivery guarantees of the relay job.
const (
	// AtLeastOnce (the default, as the sample): Kafka's sink flushes on every checkpoint; after
	// a failure the records since the last checkpoint are written again.
	AtLeastOnce Guarantee = "at-least-once"
	// ExactlyOnce writes each checkpoint's records in one Kafka transaction, committed when the
	// checkpoint completes: readers with isolation.level=read_committed see every record once,
	// one checkpoint interval late.
	ExactlyOnce Guarantee = "exactly-once"
	// None takes no checkpoints: records may be lost or repeated on a failure; for raw speed.
	None Guarantee = "none"
)

// ParseGuarantee accepts at-least-once, exactly-once or none.
func ParseGuarantee(s string) (Guarantee, error) {
	switch g := Guarantee(s); g {
	case AtLeastOnce, ExactlyOnce, None:
		return g, nil
	}
	return "", fmt.Errorf("%q is not a delivery guarantee: use at-least-once, exactly-once or none", s)
}

// orDefault is g, or AtLeastOnce when g is unset.
func (g Guarantee) orDefault() Guarantee {
	if g == "" {
		return AtLeastOnce
	}
	return g
}

// RestartStrategy is how Flink restarts the job after a failure (its --restart-strategy).
type RestartStrategy string

// The restart strategies the job accepts.
const (
	RestartExponentialDelay RestartStrategy = "exponential-delay"
	RestartFixedDelay       RestartStrategy = "fixed-delay"
	RestartNone             RestartStrategy = "none"
)

// ParseRestartStrategy accepts exponential-delay, fixed-delay or none.
func ParseRestartStrategy(s string) (RestartStrategy, error) {
	switch r := RestartStrategy(s); r {
	case RestartExponentialDelay, RestartFixedDelay, RestartNone:
		return r, nil
	}
	return "", fmt.Errorf("%q is not a restart strategy: use exponential-delay, fixed-delay or none", s)
}

// Restart says how the job restarts after a failure; the zero value is the job's default,
// exponential-delay from 1 s doubling up to 60 s.
type Restart struct {
	// Strategy is "" for the job's default, RestartExponentialDelay.
	Strategy RestartStrategy
	// Attempts are fixed-delay's restarts before the job fails (0: the job's default, 10).
	Attempts int
	// Delay is fixed-delay's pause before a restart (0: the job's default, 1 s).
	Delay time.Duration
}

// DefaultTransactionTimeout is the job's Kafka transaction timeout when none is given. It
// must cover a checkpoint interval plus a restart, and stay under the broker's
// transaction.max.timeout.ms (Kafka's default 15 min; the local stack keeps it).
const DefaultTransactionTimeout = 10 * time.Minute

// EventHubsMaxRecordBytes is the largest output record, key and headers included, the job
// writes to Event Hubs: its Kafka endpoint takes requests up to 1,000,000 bytes (Microsoft's
// max.request.size), less the batch's framing. Larger outputs go to the dead-letter topic. The
// job takes the same default when it recognises Event Hubs by its host name; the CLI passes it
// whenever the connection is Event Hubs.
const EventHubsMaxRecordBytes = 999_000

// MaxDedupWindow is the largest DedupWindow the job accepts (RelayOptions.MAX_DEDUP_WINDOW;
// the job refuses a larger --dedup-window when it starts). The contract test
// (programargs_contract_test.go) pins the two to one number.
const MaxDedupWindow = 1_000_000

// TransactionalIDPrefix is the exactly-once sink's transactional-id prefix: stable across
// restarts and resubmissions of the relay for one topic pair (so a new job aborts what its
// predecessor left open), unique per pair, in the characters Kafka topic names allow. The
// hash keeps pairs like ("a-b","c") and ("a","b-c") apart. The complex job's starts with
// streamscale-complex instead, so it never aborts a relay's transactions, nor shares its
// checkpoints on the local stack.
func (s Spec) TransactionalIDPrefix() string {
	h := fnv.New32a()
	h.Write([]byte(s.InTopic + "\x00" + s.OutTopic))
	return fmt.Sprintf("streamscale-%s-%s-%s-%08x", s.kind(), s.InTopic, s.OutTopic, h.Sum32())
}

// guaranteeArgs are the arguments for the guarantee, de-duplication, state and restart
// settings. Settings left at the job's defaults are not passed, so a job jar that predates
// them still runs a default relay.
func (s Spec) guaranteeArgs() []string {
	var args []string
	g := s.Guarantee.orDefault()
	if g != AtLeastOnce {
		args = append(args, "--guarantee", string(g))
	}
	if g == ExactlyOnce {
		args = append(args, "--transactional-id-prefix", s.TransactionalIDPrefix())
		if s.TransactionTimeout > 0 {
			args = append(args, "--transaction-timeout-ms", strconv.FormatInt(s.TransactionTimeout.Milliseconds(), 10))
		}
	}
	if s.DedupWindow > 0 {
		args = append(args, "--dedup-window", strconv.Itoa(s.DedupWindow))
	}
	if s.CheckpointDir != "" {
		args = append(args, "--checkpoint-dir", s.CheckpointDir)
	}
	if s.Restart.Strategy != "" {
		args = append(args, "--restart-strategy", string(s.Restart.Strategy))
	}
	if s.Restart.Attempts > 0 {
		args = append(args, "--restart-attempts", strconv.Itoa(s.Restart.Attempts))
	}
	if s.Restart.Delay > 0 {
		args = append(args, "--restart-delay-ms", strconv.FormatInt(s.Restart.Delay.Milliseconds(), 10))
	}
	if s.MaxRecordBytes > 0 {
		args = append(args, "--max-record-bytes", strconv.Itoa(s.MaxRecordBytes))
	}
	if s.BufferTimeout != nil {
		args = append(args, "--"+paramBufferTimeout, strconv.FormatInt(s.BufferTimeout.Milliseconds(), 10))
	}
	if s.Linger != nil {
		args = append(args, "--"+paramLinger, strconv.FormatInt(s.Linger.Milliseconds(), 10))
	}
	return args
}

// The relay job's global job parameters that say how it runs (RelayJob publishes them).
const (
	paramGuarantee   = "guarantee"
	paramDedupWindow = "dedup-window"
	paramJob         = "job"
	// paramBufferTimeout and paramLinger are also the job's argument names.
	paramBufferTimeout = "buffer-timeout-ms"
	paramLinger        = "linger-ms"
)

// settingsDiffer says why a running relay job with these global job parameters does not run
// the way s asks, "" when it does. A job that does not show a setting (a job jar that predates
// it) runs the job's default: at-least-once, no de-duplication.
func settingsDiffer(params map[string]string, s Spec) string {
	if theirs, want := Job(params[paramJob]).OrDefault(), s.Job.OrDefault(); theirs != want {
		return fmt.Sprintf("it is the %s job and the %s job was asked for", theirs, want)
	}
	theirs := Guarantee(params[paramGuarantee]).orDefault()
	if want := s.Guarantee.orDefault(); theirs != want {
		return fmt.Sprintf("it runs %s and %s was asked for", theirs, want)
	}
	window := 0
	if v, ok := params[paramDedupWindow]; ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Sprintf("it shows an unreadable dedup-window %q", v)
		}
		window = n
	}
	if window != s.DedupWindow {
		return fmt.Sprintf("it runs %s and %s was asked for", describeDedup(window), describeDedup(s.DedupWindow))
	}
	// Asked for explicitly only: a job that does not show them runs its defaults.
	for _, d := range []struct {
		param string
		want  *time.Duration
	}{{paramBufferTimeout, s.BufferTimeout}, {paramLinger, s.Linger}} {
		if d.want == nil {
			continue
		}
		want := strconv.FormatInt(d.want.Milliseconds(), 10)
		theirs, ok := params[d.param]
		if !ok {
			return fmt.Sprintf("it does not show its %s (an older job jar) and %s was asked for", d.param, want)
		}
		if theirs != want {
			return fmt.Sprintf("it runs with %s %s and %s was asked for", d.param, theirs, want)
		}
	}
	return ""
}

func describeDedup(window int) string {
	if window <= 0 {
		return "without de-duplication"
	}
	return fmt.Sprintf("with de-duplication over %d events per device", window)
}
