package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// newFaultyKfake starts franz-go's fake cluster (kfake, not a real broker) with topic "in",
// whose first produce request is refused with err.
func newFaultyKfake(t *testing.T, err *kerr.Error) string {
	t.Helper()
	c, cerr := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "in"))
	if cerr != nil {
		t.Fatal(cerr)
	}
	t.Cleanup(c.Close)
	c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "in", Err: err})
	return c.ListenAddrs()[0]
}

// TestGenerateKfake_FailedRecordsFailTheCommand: records the broker refused make `generate`
// fail with one plain line, and the summary (text and JSON) names the cause in plain words.
func TestGenerateKfake_FailedRecordsFailTheCommand(t *testing.T) {
	for _, asJSON := range []bool{false, true} {
		f, out, _ := testFactory()
		args := []string{"--brokers", newFaultyKfake(t, kerr.TopicAuthorizationFailed), "--count", "2000", "--rate", "20000", "--duplicate-fraction", "0", "--idempotent=false", "--linger", "1ms"}
		if asJSON {
			args = append(args, "--json")
		}
		err := execute(newGenerateCmd(f, nil), args...)
		if err == nil || !strings.Contains(err.Error(), "records failed delivery, the first because: not authorized") || strings.Contains(err.Error(), "\n") {
			t.Fatalf("generate = %v, want one line naming the failed records and the cause", err)
		}
		if !asJSON {
			if !strings.Contains(out.String(), "acknowledged") || !strings.Contains(out.String(), "first failure       not authorized: ") {
				t.Errorf("summary does not give the acknowledged count and the cause:\n%s", out)
			}
			continue
		}
		var sum generate.Summary
		if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
			t.Fatal(err)
		}
		if sum.Errors == 0 || !strings.HasPrefix(sum.FirstError, "not authorized: ") {
			t.Errorf("JSON summary errors %d, firstError %q: want the cause in plain words", sum.Errors, sum.FirstError)
		}
	}
}

// TestProducerOptsCountThrottling: the generator's client carries the hook that counts the
// broker's throttling, so the run can report it.
func TestProducerOptsCountThrottling(t *testing.T) {
	g := newGenFlags()
	opts, err := g.producerOpts(kafkaconn.Conn{Brokers: []string{"127.0.0.1:1"}})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(append(opts, kgo.SeedBrokers("127.0.0.1:1"))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	hooks, _ := cl.OptValue(kgo.WithHooks).([]kgo.Hook)
	for _, h := range hooks {
		if _, ok := h.(*generate.Throttle); ok {
			return
		}
	}
	t.Fatalf("hooks %v: no *generate.Throttle", hooks)
}

// TestGenerateTierRateIsTotal: --tier's rate is the total of all --instances (each sends its
// share); --rate is this instance's own.
func TestGenerateTierRateIsTotal(t *testing.T) {
	tests := []struct {
		args []string
		rate float64
	}{
		{[]string{"--tier", "10"}, 10000},
		{[]string{"--tier", "10", "--instance", "0", "--instances", "5"}, 2000},
		{[]string{"--instances", "2", "--instance", "1", "--tier", "5"}, 2500},
		{[]string{"--tier", "1", "--instances", "3"}, 1000.0 / 3},
		{[]string{"--tier", "10", "--instances", "5", "--rate", "3000"}, 3000},
		{[]string{"--instances", "5"}, 1000}, // no --tier: the default --rate, per instance
	}
	for _, tt := range tests {
		f, _, _ := testFactory()
		var got *genFlags
		cmd := newGenerateCmd(f, func(_ context.Context, g *genFlags) error { got = g; return nil })
		if err := execute(cmd, tt.args...); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got.cfg.Rate != tt.rate {
			t.Errorf("%v: rate %g, want %g", tt.args, got.cfg.Rate, tt.rate)
		}
	}
}

// producerOpts are the generator's producer options for c, a refused setting a flag error (as
// the generate command checks them).
func (g *genFlags) producerOpts(c kafkaconn.Conn) ([]kgo.Opt, error) {
	if err := g.checkProducer(c); err != nil {
		return nil, err
	}
	return g.prod.Opts(c)
}
