package generate

import (
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Throttle counts the broker's throttling of a client: the responses that carried a throttle
// time, and those times added up. A Kafka broker throttles a client over its quota; Event Hubs
// throttles a namespace sending more than its throughput (or processing) units allow.
// Register one with kgo.WithHooks on the client given to Run, and Run reports the throttling
// of its run in the progress lines and the Summary.
type Throttle struct {
	responses atomic.Int64
	total     atomic.Int64 // nanoseconds
}

// OnBrokerThrottle implements kgo.HookBrokerThrottle.
func (t *Throttle) OnBrokerThrottle(_ kgo.BrokerMetadata, interval time.Duration, _ bool) {
	t.responses.Add(1)
	t.total.Add(int64(interval))
}

// Counts returns the throttled responses and their throttle time so far.
func (t *Throttle) Counts() (responses int64, total time.Duration) {
	if t == nil {
		return 0, 0
	}
	return t.responses.Load(), time.Duration(t.total.Load())
}

var _ kgo.HookBrokerThrottle = (*Throttle)(nil)

// throttleOf returns the Throttle registered on client, or nil.
func throttleOf(client *kgo.Client) *Throttle {
	hooks, _ := client.OptValue(kgo.WithHooks).([]kgo.Hook)
	for _, h := range hooks {
		if t, ok := h.(*Throttle); ok {
			return t
		}
	}
	return nil
}

// throttleSince counts the throttling since a start taken with Counts.
type throttleSince struct {
	t          *Throttle
	responses0 int64
	total0     time.Duration
}

func newThrottleSince(t *Throttle) throttleSince {
	n, d := t.Counts()
	return throttleSince{t: t, responses0: n, total0: d}
}

// counts returns the throttled responses and throttle time since the start.
func (s throttleSince) counts() (int64, time.Duration) {
	n, d := s.t.Counts()
	return n - s.responses0, d - s.total0
}

// throttleAdvice says in plain words what throttling means.
const throttleAdvice = "the broker is throttling this producer: it sends more than its quota allows (on Event Hubs, more than the namespace's throughput units); lower --rate, or raise the quota / throughput units"
