package kafkaconn

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// timeoutErr is a net error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestExplain(t *testing.T) {
	addr := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 7), Port: 9093}
	wrap := func(err error) error { return fmt.Errorf("produce to %q: %w", "in", err) }
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"SASL failed", wrap(kerr.SaslAuthenticationFailed), "authentication failed: check the connection string / username and password"},
		{"SASL mechanism", kerr.UnsupportedSaslMechanism, "does not accept this SASL mechanism"},
		{"unknown topic", wrap(kerr.UnknownTopicOrPartition), "topic not found: create it first"},
		{"not authorized", kerr.TopicAuthorizationFailed, "not authorized"},
		{"throttled", wrap(kerr.ThrottlingQuotaExceeded), "throttled"},
		{"policy", kerr.PolicyViolation, "refused by the broker's policy"},
		{"too large", kerr.MessageTooLarge, "too large"},
		{"full disk", wrap(kerr.KafkaStorageError), "cannot write to its disk"},
		{"first read EOF", wrap(&kgo.ErrFirstReadEOF{}), "the broker closed the connection at once: "},
		{"refused", wrap(&net.OpError{Op: "dial", Net: "tcp", Addr: addr, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), "cannot reach the broker at 10.0.0.7:9093: connection refused; is it running, is the address right?"},
		{"dial timeout", &net.OpError{Op: "dial", Net: "tcp", Addr: addr, Err: timeoutErr{}}, "cannot reach the broker at 10.0.0.7:9093: timed out"},
		{"other dial error", &net.OpError{Op: "dial", Net: "tcp", Addr: addr, Err: errors.New("network is unreachable")}, "cannot reach the broker at 10.0.0.7:9093: network is unreachable"},
		{"no such host", wrap(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Name: "nope.invalid", Err: "no such host", IsNotFound: true}}), "cannot reach the broker at nope.invalid: the name does not resolve (no such host); is the address right?"},
		{"unknown CA", wrap(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), "TLS handshake failed: the broker's certificate is not signed by a trusted CA"},
		{"wrong host", x509.HostnameError{Certificate: &x509.Certificate{}, Host: "k.example.com"}, `TLS handshake failed: the broker's certificate is not valid for "k.example.com"`},
		{"expired", x509.CertificateInvalidError{Reason: x509.Expired}, "TLS handshake failed: the broker's certificate is invalid or expired"},
		{"plaintext listener", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, "TLS handshake failed: the broker did not answer in TLS"},
		{"alert", tls.AlertError(42), "TLS handshake failed: the broker refused the handshake"},
		{"EOF", wrap(io.EOF), "the broker closed the connection: check the TLS and SASL settings"},
		{"deadline", wrap(context.DeadlineExceeded), "timed out waiting for the broker"},
		{"unknown error", errors.New("something else"), "something else"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Explain(tt.err); !strings.Contains(got, tt.want) || (tt.want == "" && got != "") {
				t.Errorf("Explain(%v) = %q, want it to contain %q", tt.err, got, tt.want)
			}
		})
	}
}

// TestExplainProduce: a produce error's POLICY_VIOLATION is Event Hubs rejecting the request,
// not a topic setting; everything else reads as Explain has it.
func TestExplainProduce(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("produce to %q: %w", "in", err) }
	got := ExplainProduce(wrap(kerr.PolicyViolation))
	if !strings.HasPrefix(got, "Event Hubs rejected the request (policy violation: often throttling beyond the request timeout, or a message over 1 MB)") || strings.Contains(got, "topic setting") {
		t.Errorf("ExplainProduce(POLICY_VIOLATION) = %q", got)
	}
	for _, err := range []error{kerr.TopicAuthorizationFailed, wrap(kerr.UnknownTopicOrPartition), errors.New("other")} {
		if got, want := ExplainProduce(err), Explain(err); got != want {
			t.Errorf("ExplainProduce(%v) = %q, want Explain's %q", err, got, want)
		}
	}
	if got := Explain(kerr.PolicyViolation); !strings.Contains(got, "topic setting") {
		t.Errorf("Explain(POLICY_VIOLATION) outside produce = %q, want the topic-setting explanation kept", got)
	}
}

// TestExplain_RealRefusedDial dials a local port nobody listens on.
func TestExplain_RealRefusedDial(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = net.Dial("tcp", addr)
	if err == nil {
		t.Skip("the port was taken again")
	}
	if got := Explain(err); !strings.Contains(got, "cannot reach the broker at "+addr+": connection refused") {
		t.Errorf("Explain(%v) = %q", err, got)
	}
}
