package kafkaconn

import (
	"fmt"
	"strings"
)

// redacted stands in for a secret in String and GoString.
const redacted = "<redacted>"

// String prints c with the password redacted; fmt uses it for %v, %+v and %s, so a Conn can
// be logged or put in an error without leaking the secret.
func (c Conn) String() string {
	pass := ""
	if c.Password != "" {
		pass = redacted
	}
	return fmt.Sprintf("kafkaconn.Conn{Brokers:%q ClientID:%q TLS:%t CAFile:%q CertFile:%q KeyFile:%q InsecureSkipVerify:%t SASLMechanism:%q Username:%q Password:%q EventHubs:%t EventHub:%q}",
		c.Brokers, c.ClientID, c.TLS, c.CAFile, c.CertFile, c.KeyFile, c.InsecureSkipVerify, c.SASLMechanism, c.Username, pass, c.EventHubs, c.EventHub)
}

// GoString is String, for %#v.
func (c Conn) GoString() string {
	return c.String()
}

// Describe is a one-line description of c for logs, without secrets, e.g.
// "my-ns.servicebus.windows.net:9093 (SASL_SSL PLAIN, Event Hubs, event hub orders)" or
// "127.0.0.1:9092 (PLAINTEXT)".
func (c Conn) Describe() string {
	var b strings.Builder
	if len(c.Brokers) == 0 {
		b.WriteString("no brokers")
	} else {
		b.WriteString(strings.Join(c.Brokers, ","))
	}
	protocol := "PLAINTEXT"
	switch {
	case c.TLS && c.SASLMechanism != "":
		protocol = "SASL_SSL " + c.mechanism()
	case c.TLS:
		protocol = "SSL"
	case c.SASLMechanism != "":
		protocol = "SASL_PLAINTEXT " + c.mechanism()
	}
	if c.TLS && c.InsecureSkipVerify {
		protocol += ", certificate not verified"
	}
	fmt.Fprintf(&b, " (%s", protocol)
	if c.EventHubs {
		b.WriteString(", Event Hubs")
		if c.EventHub != "" {
			fmt.Fprintf(&b, ", event hub %s", c.EventHub)
		}
	}
	b.WriteString(")")
	return b.String()
}
