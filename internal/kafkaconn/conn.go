package kafkaconn

import (
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Conn holds how to reach a Kafka cluster. The zero value with Brokers set is a plaintext
// connection without authentication.
//
// Conn carries a secret (Password, which for Event Hubs is the whole connection string): its
// String and GoString methods redact it, so printing a Conn with any fmt verb is safe, and
// Describe gives a one-line summary for logs.
type Conn struct {
	// Brokers are the seed brokers, host:port.
	Brokers []string
	// ClientID names the client in broker logs and quotas (default "streamscale").
	ClientID string

	// TLS dials the brokers with TLS 1.2 or later (default off: plaintext).
	TLS bool
	// CAFile is a PEM file of CA certificates to trust (default: the system roots).
	CAFile string
	// CertFile and KeyFile are a PEM client certificate and its key for mutual TLS (default
	// none). Set both or neither.
	CertFile, KeyFile string
	// InsecureSkipVerify accepts any broker certificate. Only for testing: it makes TLS
	// open to interception.
	InsecureSkipVerify bool

	// SASLMechanism is "", "PLAIN", "SCRAM-SHA-256" or "SCRAM-SHA-512" (default "": no SASL).
	SASLMechanism string
	// Username and Password are the SASL credentials. Password never appears in String,
	// GoString, Describe or any error of this package.
	Username, Password string

	// EventHubs marks an Azure Event Hubs namespace (set by ParseEventHubsConnectionString):
	// Opts then applies the client settings Microsoft recommends for Kafka clients.
	EventHubs bool
	// EventHub is the EntityPath of the connection string: the event hub (topic) the
	// connection string's policy is scoped to, or "" for a namespace-level policy.
	EventHub string
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

// Opts returns the franz-go options for c plus extra: seed brokers, client ID, TLS, SASL and,
// for Event Hubs, Microsoft's recommended client settings. extra comes last, so it overrides.
// Opts validates c first (see Validate) and reads the TLS files.
func (c Conn) Opts(extra ...kgo.Opt) ([]kgo.Opt, error) {
	tlsCfg, err := c.check()
	if err != nil {
		return nil, err
	}
	id := c.ClientID
	if id == "" {
		id = "streamscale"
	}
	opts := []kgo.Opt{kgo.SeedBrokers(c.Brokers...), kgo.ClientID(id)}
	if tlsCfg != nil {
		opts = append(opts, kgo.DialTLSConfig(tlsCfg))
	}
	if m := c.saslMechanism(); m != nil {
		opts = append(opts, kgo.SASL(m))
	}
	if c.EventHubs {
		opts = append(opts, c.eventHubsOpts()...)
	}
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
