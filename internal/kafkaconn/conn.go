package kafkaconn

import (
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Conn holds how to reach a Kafka cluster. The zero value with Brokers set is a plaintext
// connection.
type Conn struct {
	// Brokers are the seed brokers, host:port.
	Brokers []string
	// ClientID names the client in broker logs and quotas (default "streamscale").
	ClientID string
}

// ParseBrokers splits a comma-separated broker list and rejects empty or port-less entries.
func ParseBrokers(s string) ([]string, error) {
	var out []string
	for _, b := range strings.Split(s, ",") {
		b = strings.TrimSpace(b)
		if b == "" {
			continue
		}
		if !strings.Contains(b, ":") {
			return nil, fmt.Errorf("broker %q has no port: use host:port, e.g. 127.0.0.1:9092", b)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, errors.New("no brokers given: use --brokers host:port[,host:port]")
	}
	return out, nil
}

// Opts returns the franz-go options for c plus extra.
func (c Conn) Opts(extra ...kgo.Opt) ([]kgo.Opt, error) {
	if len(c.Brokers) == 0 {
		return nil, errors.New("no brokers given: use --brokers host:port[,host:port]")
	}
	id := c.ClientID
	if id == "" {
		id = "streamscale"
	}
	opts := []kgo.Opt{kgo.SeedBrokers(c.Brokers...), kgo.ClientID(id)}
	return append(opts, extra...), nil
}

// NewClient builds a franz-go client for c with extra options.
func (c Conn) NewClient(extra ...kgo.Opt) (*kgo.Client, error) {
	opts, err := c.Opts(extra...)
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka client for %s: %w", strings.Join(c.Brokers, ","), err)
	}
	return cl, nil
}
