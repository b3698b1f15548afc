package kafkaconn

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Explain turns a Kafka error into a plain sentence that says what went wrong and what to do:
// failed authentication, a missing topic, missing permissions, throttling, an oversized
// request, a broker whose disk is full, an unreachable broker, a failed TLS handshake. Errors
// it does not know come back as err.Error(); nil gives "". Explain looks through wrapping (errors.Is / errors.As), so it
// takes the error as returned, wrapped or not.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	if msg := explainKafka(err); msg != "" {
		return msg
	}
	if msg := explainTLS(err); msg != "" {
		return msg
	}
	if msg := explainNet(err); msg != "" {
		return msg
	}
	return err.Error()
}

// ExplainProduce is Explain for the error of a produced record. It differs where a produce
// error means something else than the same code elsewhere: POLICY_VIOLATION on produce comes
// from Event Hubs (Kafka's policies are on topic changes), which answers so when it throttled a
// request beyond its timeout or a message is over 1 MB, not for a topic setting.
func ExplainProduce(err error) string {
	if errors.Is(err, kerr.PolicyViolation) {
		return "Event Hubs rejected the request (policy violation: often throttling beyond the request timeout, or a message over 1 MB): lower the rate or raise the throughput units, and keep records under 1 MB"
	}
	return Explain(err)
}

// explainKafka covers the broker's error codes and franz-go's own connection errors.
func explainKafka(err error) string {
	switch {
	case errors.Is(err, kerr.SaslAuthenticationFailed):
		return "authentication failed: check the connection string / username and password (on Event Hubs, a rotated or revoked shared access key also fails)"
	case errors.Is(err, kerr.UnsupportedSaslMechanism), errors.Is(err, kerr.IllegalSaslState):
		return "the broker does not accept this SASL mechanism: set the mechanism the broker has enabled (Event Hubs takes PLAIN with a connection string)"
	case errors.Is(err, kerr.UnknownTopicOrPartition), errors.Is(err, kerr.UnknownTopicID):
		return "topic not found: create it first (streamscale run does), or check its name; on Event Hubs a topic is an event hub in the namespace"
	case errors.Is(err, kerr.TopicAuthorizationFailed), errors.Is(err, kerr.GroupAuthorizationFailed),
		errors.Is(err, kerr.ClusterAuthorizationFailed), errors.Is(err, kerr.TransactionalIDAuthorizationFailed):
		return "not authorized: these credentials may not do this; grant the ACL, or on Event Hubs use a policy with Send and Listen (and Manage to create event hubs)"
	case errors.Is(err, kerr.ThrottlingQuotaExceeded):
		return "throttled: the broker's quota is used up; lower the rate, or raise the quota (on Event Hubs, more throughput or processing units)"
	case errors.Is(err, kerr.PolicyViolation):
		return "refused by the broker's policy: the request breaks a limit of the cluster, such as a topic setting or partition count it does not allow (Event Hubs refuses more partitions than the tier has and topic settings it does not support)"
	case errors.Is(err, kerr.KafkaStorageError):
		return "the broker cannot write to its disk (a full or failed log directory): free space where its log.dirs are (the local stack's: <home>/kafka/data) and restart it; records it did not acknowledge were not stored"
	case errors.Is(err, kerr.MessageTooLarge), errors.Is(err, kerr.RecordListTooLarge):
		return "record or batch too large for the broker: send smaller records or batches (Event Hubs takes at most 1,046,528 bytes a request)"
	}
	if e, ok := errors.AsType[*kgo.ErrFirstReadEOF](err); ok {
		return "the broker closed the connection at once: " + e.Error()
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the broker closed the connection: check the TLS and SASL settings match its listener and the credentials are right (a wrong connection string, username or password makes some brokers hang up)"
	}
	return ""
}

// explainTLS covers certificate and handshake failures.
func explainTLS(err error) string {
	const prefix = "TLS handshake failed: "
	if _, ok := errors.AsType[x509.UnknownAuthorityError](err); ok {
		return prefix + "the broker's certificate is not signed by a trusted CA: give the CA certificate (CA file), or check you reach the right broker"
	}
	if e, ok := errors.AsType[x509.HostnameError](err); ok {
		return prefix + fmt.Sprintf("the broker's certificate is not valid for %q: connect by a name the certificate carries", e.Host)
	}
	if _, ok := errors.AsType[x509.CertificateInvalidError](err); ok {
		return prefix + "the broker's certificate is invalid or expired: " + err.Error()
	}
	if _, ok := errors.AsType[tls.RecordHeaderError](err); ok {
		return prefix + "the broker did not answer in TLS: it is probably a plaintext listener; turn TLS off or use the broker's TLS port"
	}
	if _, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		return prefix + "the broker's certificate did not verify: " + err.Error()
	}
	if _, ok := errors.AsType[tls.AlertError](err); ok {
		return prefix + "the broker refused the handshake (does it want a client certificate?): " + err.Error()
	}
	if strings.Contains(err.Error(), "tls: ") {
		return prefix + err.Error()
	}
	return ""
}

// explainNet covers brokers that cannot be resolved or reached.
func explainNet(err error) string {
	if e, ok := errors.AsType[*net.DNSError](err); ok {
		return fmt.Sprintf("cannot reach the broker at %s: the name does not resolve (%s); is the address right?", e.Name, e.Err)
	}
	if e, ok := errors.AsType[*net.OpError](err); ok && e.Op == "dial" {
		addr := "the given address"
		if e.Addr != nil {
			addr = e.Addr.String()
		}
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return fmt.Sprintf("cannot reach the broker at %s: connection refused; is it running, is the address right?", addr)
		case e.Timeout():
			return fmt.Sprintf("cannot reach the broker at %s: timed out; is the address right, does a firewall block the port?", addr)
		}
		return fmt.Sprintf("cannot reach the broker at %s: %v; is it running, is the address right?", addr, e.Err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out waiting for the broker: is it reachable and running, and does the TLS setting match its listener? (" + err.Error() + ")"
	}
	return ""
}
