package kafkaconn

import (
	"fmt"
	"os"
	"strings"
)

// Source is where a Kafka connection's settings come from: the connection flags, the
// environment and, when neither names a Kafka, the local stack.
type Source struct {
	// Brokers is --brokers ("": STREAMSCALE_BROKERS, then LocalBrokers).
	Brokers string
	// ConnectionStringFile holds an Event Hubs connection string ("": EVENTHUB_CONNECTION_STRING).
	ConnectionStringFile string
	// Security holds the TLS and SASL settings; its Brokers and Password are not used.
	Security Conn
	// PasswordFile holds the SASL password ("": STREAMSCALE_SASL_PASSWORD).
	PasswordFile string
	// Getenv reads the environment.
	Getenv func(string) string
	// LocalBrokers returns the local stack's bootstrap servers, the last default.
	LocalBrokers func() (string, error)
}

// UsageError is a refusal of a connection setting the user gave; the CLI shows it as a usage
// error.
type UsageError struct{ Err error }

// Error implements error.
func (e *UsageError) Error() string { return e.Err.Error() }

// Unwrap returns the refusal itself.
func (e *UsageError) Unwrap() error { return e.Err }

// Named reports whether s names a Kafka of the user's own (brokers or Event Hubs), in a flag
// or the environment.
func (s Source) Named() bool {
	return s.Brokers != "" || s.ConnectionStringFile != "" || s.Getenv("EVENTHUB_CONNECTION_STRING") != "" || s.Getenv("STREAMSCALE_BROKERS") != ""
}

// Resolve resolves the Kafka connection s describes: an Event Hubs connection string (file or
// EVENTHUB_CONNECTION_STRING, its brokers replaced by s.Brokers when given), else brokers from
// s.Brokers, the environment or the local stack, with the TLS and SASL settings. A refused
// setting is a *UsageError.
func Resolve(s Source) (Conn, error) {
	if eh, ok, err := FromEnvironment(s.Getenv, s.ConnectionStringFile); err != nil {
		return Conn{}, &UsageError{err}
	} else if ok {
		if s.Brokers != "" {
			brokers, err := ParseBrokers(s.Brokers)
			if err != nil {
				return Conn{}, &UsageError{fmt.Errorf("--brokers: %w", err)}
			}
			eh.Brokers = brokers
		}
		return eh, nil
	}
	b := s.Brokers
	if b == "" {
		b = s.Getenv("STREAMSCALE_BROKERS")
	}
	if b == "" {
		local, err := s.LocalBrokers()
		if err != nil {
			return Conn{}, err
		}
		b = local
	}
	brokers, err := ParseBrokers(b)
	if err != nil {
		return Conn{}, &UsageError{fmt.Errorf("--brokers: %w", err)}
	}
	conn := s.Security
	conn.Brokers = brokers
	if conn.Username == "" {
		conn.Username = s.Getenv("STREAMSCALE_SASL_USERNAME")
	}
	if conn.SASLMechanism != "" {
		if conn.Password, err = s.password(); err != nil {
			return Conn{}, err
		}
	}
	if err := conn.Validate(); err != nil {
		return Conn{}, &UsageError{err}
	}
	return conn, nil
}

// password reads the SASL password from PasswordFile or STREAMSCALE_SASL_PASSWORD.
func (s Source) password() (string, error) {
	if s.PasswordFile != "" {
		b, err := os.ReadFile(s.PasswordFile)
		if err != nil {
			return "", &UsageError{fmt.Errorf("--sasl-password-file: %w", err)}
		}
		return strings.TrimSpace(string(b)), nil
	}
	return s.Getenv("STREAMSCALE_SASL_PASSWORD"), nil
}
