package kafkaconn

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// The SASL mechanisms Conn.SASLMechanism accepts.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// Validate checks c's settings without contacting a broker: at least one broker, a known SASL
// mechanism with both a username and a password, TLS file settings only with TLS on, a client
// certificate and key given together, and readable, parseable CA and client certificate
// files. Its errors name the setting and the fix; none of them contains the password.
func (c Conn) Validate() error {
	_, err := c.check()
	return err
}

// check is Validate returning the TLS config it built along the way (nil when TLS is off), so
// that Opts reads the certificate files once.
func (c Conn) check() (*tls.Config, error) {
	if len(c.Brokers) == 0 {
		return nil, errors.New("no brokers given: use --brokers host:port[,host:port]")
	}
	switch c.mechanism() {
	case "":
		if c.Username != "" || c.Password != "" {
			return nil, fmt.Errorf("SASL username or password given without a SASL mechanism: set the mechanism to %s, %s or %s", SASLPlain, SASLScramSHA256, SASLScramSHA512)
		}
	case SASLPlain, SASLScramSHA256, SASLScramSHA512:
		if c.Username == "" {
			return nil, fmt.Errorf("SASL mechanism %s needs a username", c.mechanism())
		}
		if c.Password == "" {
			return nil, fmt.Errorf("SASL mechanism %s needs a password", c.mechanism())
		}
	default:
		return nil, fmt.Errorf("SASL mechanism %q is unknown: use %s, %s or %s", c.SASLMechanism, SASLPlain, SASLScramSHA256, SASLScramSHA512)
	}
	if !c.TLS {
		switch {
		case c.CAFile != "":
			return nil, errors.New("TLS CA file given but TLS is off: turn TLS on or drop the CA file")
		case c.CertFile != "" || c.KeyFile != "":
			return nil, errors.New("TLS client certificate given but TLS is off: turn TLS on or drop the certificate")
		case c.InsecureSkipVerify:
			return nil, errors.New("TLS insecure-skip-verify given but TLS is off: turn TLS on or drop it")
		}
		return nil, nil
	}
	return c.tlsConfig()
}

// mechanism is SASLMechanism in canonical (upper) case.
func (c Conn) mechanism() string {
	return strings.ToUpper(strings.TrimSpace(c.SASLMechanism))
}

// tlsConfig builds the TLS settings: TLS 1.2 or later, the CA file's roots or the system's,
// the client certificate if any.
func (c Conn) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         serverName(c.Brokers),
		InsecureSkipVerify: c.InsecureSkipVerify,
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("TLS CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TLS CA file %s: no PEM certificate in it", c.CAFile)
		}
		cfg.RootCAs = pool
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return nil, errors.New("TLS client certificate: give both the certificate file and the key file, or neither")
	}
	if c.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("TLS client certificate %s / key %s: %w", c.CertFile, c.KeyFile, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// serverName is the host of the first broker, the name the certificate must carry, when
// every seed broker has that host (Event Hubs, one broker, or one bootstrap name on several
// ports). With several host names it is "", and franz-go then checks each broker's
// certificate against that broker's own host, which a fixed name would get wrong.
func serverName(brokers []string) string {
	name := ""
	for i, b := range brokers {
		host, _, err := net.SplitHostPort(b)
		if err != nil {
			host = b // no port: franz-go adds 9092
		}
		if i == 0 {
			name = host
		} else if host != name {
			return ""
		}
	}
	return name
}

// saslMechanism is the franz-go mechanism for c, or nil without SASL. c must be valid.
func (c Conn) saslMechanism() sasl.Mechanism {
	switch c.mechanism() {
	case SASLPlain:
		return plain.Auth{User: c.Username, Pass: c.Password}.AsMechanism()
	case SASLScramSHA256:
		return scram.Auth{User: c.Username, Pass: c.Password}.AsSha256Mechanism()
	case SASLScramSHA512:
		return scram.Auth{User: c.Username, Pass: c.Password}.AsSha512Mechanism()
	}
	return nil
}
