package kafkaconn

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The tests in this file run against kfake, franz-go's in-process fake cluster: they check
// that the options Conn builds complete real SASL and TLS handshakes, not that a real broker
// (or Event Hubs) accepts them.

// newKfake starts a one-broker fake cluster with opts, closed when tb ends.
func newKfake(tb testing.TB, opts ...kfake.Opt) *kfake.Cluster {
	tb.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(1, "t")}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	return c
}

// roundTrip produces one record to topic t through conn and reads it back.
func roundTrip(tb testing.TB, conn Conn) error {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := conn.NewClient(kgo.ConsumeTopics("t"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "t", Value: []byte("hello")}).FirstErr(); err != nil {
		return err
	}
	fs := cl.PollFetches(ctx)
	if err := fs.Err0(); err != nil {
		return err
	}
	if recs := fs.Records(); len(recs) != 1 || string(recs[0].Value) != "hello" {
		tb.Fatalf("read back %d records, want the one written", len(recs))
	}
	return nil
}

// ping connects through conn and returns the connection's error, without the retries a
// produce would make.
func ping(tb testing.TB, conn Conn) error {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := conn.NewClient()
	if err != nil {
		return err
	}
	defer cl.Close()
	return cl.Ping(ctx)
}

func TestSASL_Kfake(t *testing.T) {
	for _, mech := range []string{SASLPlain, SASLScramSHA256, SASLScramSHA512} {
		t.Run(mech, func(t *testing.T) {
			c := newKfake(t, kfake.EnableSASL(), kfake.Superuser(mech, "alice", "s3cret"))
			conn := Conn{Brokers: c.ListenAddrs(), SASLMechanism: mech, Username: "alice", Password: "s3cret"}
			if err := roundTrip(t, conn); err != nil {
				t.Fatalf("round trip: %v", err)
			}
			conn.Password = "wrong"
			err := ping(t, conn)
			if err == nil {
				t.Fatal("round trip with a wrong password succeeded")
			}
			// kfake drops the connection on bad credentials where Kafka answers
			// SASL_AUTHENTICATION_FAILED (TestExplain covers that code).
			if got := Explain(err); !strings.Contains(got, "credentials") {
				t.Errorf("Explain(%v) = %q, want it to mention the credentials", err, got)
			}
		})
	}
}

// TestTLS_Kfake checks the CA file, the server name check and the TLS errors' explanations.
func TestTLS_Kfake(t *testing.T) {
	cert := newTestCert(t)
	c := newKfake(t, kfake.TLS(cert.Server))
	conn := Conn{Brokers: c.ListenAddrs(), TLS: true, CAFile: cert.CertFile}
	if err := roundTrip(t, conn); err != nil {
		t.Fatalf("round trip with the CA file: %v", err)
	}

	conn.CAFile = ""
	err := ping(t, conn)
	if got := Explain(err); !strings.HasPrefix(got, "TLS handshake failed: the broker's certificate is not signed by a trusted CA") {
		t.Errorf("without the CA file: Explain(%v) = %q", err, got)
	}

	err = ping(t, Conn{Brokers: c.ListenAddrs()})
	if got := Explain(err); !strings.Contains(got, "TLS") {
		t.Errorf("plaintext to a TLS broker: Explain(%v) = %q, want it to mention TLS", err, got)
	}
}

// TestEventHubsProfile_Kfake runs a Conn parsed from an Event Hubs connection string, with
// every Event Hubs option, against a fake cluster that expects SASL_SSL PLAIN with
// "$ConnectionString" as it is done on Event Hubs. Only the broker address and CA differ.
func TestEventHubsProfile_Kfake(t *testing.T) {
	conn, err := ParseEventHubsConnectionString(testConnString + ";EntityPath=t")
	if err != nil {
		t.Fatal(err)
	}
	cert := newTestCert(t)
	c := newKfake(t, kfake.TLS(cert.Server), kfake.EnableSASL(), kfake.Superuser(SASLPlain, "$ConnectionString", conn.Password))
	conn.Brokers = c.ListenAddrs()
	conn.CAFile = cert.CertFile
	if err := roundTrip(t, conn); err != nil {
		t.Fatalf("round trip: %v", err)
	}
}
