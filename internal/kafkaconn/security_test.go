package kafkaconn

import (
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
)

func TestValidate(t *testing.T) {
	cert := newTestCert(t)
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	const secret = "hunter2-secret"
	b := []string{"b:9092"}
	tests := []struct {
		name    string
		conn    Conn
		wantErr string
	}{
		{"plaintext", Conn{Brokers: b}, ""},
		{"TLS system roots", Conn{Brokers: b, TLS: true}, ""},
		{"TLS CA and client cert", Conn{Brokers: b, TLS: true, CAFile: cert.CertFile, CertFile: cert.CertFile, KeyFile: cert.KeyFile}, ""},
		{"SCRAM lower case", Conn{Brokers: b, SASLMechanism: "scram-sha-512", Username: "u", Password: secret}, ""},
		{"no brokers", Conn{}, "no brokers"},
		{"unknown mechanism", Conn{Brokers: b, SASLMechanism: "GSSAPI", Username: "u", Password: secret}, `SASL mechanism "GSSAPI" is unknown`},
		{"SASL without username", Conn{Brokers: b, SASLMechanism: "PLAIN", Password: secret}, "needs a username"},
		{"SASL without password", Conn{Brokers: b, SASLMechanism: "SCRAM-SHA-256", Username: "u"}, "needs a password"},
		{"password without mechanism", Conn{Brokers: b, Username: "u", Password: secret}, "without a SASL mechanism"},
		{"CA file without TLS", Conn{Brokers: b, CAFile: cert.CertFile}, "TLS CA file given but TLS is off"},
		{"client cert without TLS", Conn{Brokers: b, CertFile: cert.CertFile, KeyFile: cert.KeyFile}, "TLS client certificate given but TLS is off"},
		{"skip verify without TLS", Conn{Brokers: b, InsecureSkipVerify: true}, "insecure-skip-verify given but TLS is off"},
		{"CA file unreadable", Conn{Brokers: b, TLS: true, CAFile: filepath.Join(t.TempDir(), "missing.pem")}, "TLS CA file: open"},
		{"CA file not PEM", Conn{Brokers: b, TLS: true, CAFile: notPEM}, "no PEM certificate"},
		{"cert without key", Conn{Brokers: b, TLS: true, CertFile: cert.CertFile}, "both the certificate file and the key file"},
		{"key is not a key", Conn{Brokers: b, TLS: true, CertFile: cert.CertFile, KeyFile: notPEM}, "TLS client certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.conn.Validate()
			if _, optsErr := tt.conn.Opts(); fmt.Sprint(optsErr) != fmt.Sprint(err) {
				t.Errorf("Opts() error %v differs from Validate() error %v", optsErr, err)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Fatalf("error leaks the password: %v", err)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestOpts_TLSAndSASL(t *testing.T) {
	cert := newTestCert(t)
	tests := []struct {
		name       string
		conn       Conn
		serverName string
		mechanism  string
	}{
		{"one host", Conn{Brokers: []string{"kafka.example.com:9093"}, TLS: true, CAFile: cert.CertFile}, "kafka.example.com", ""},
		{"one host, two ports", Conn{Brokers: []string{"k:1", "k:2"}, TLS: true}, "k", ""},
		{"several hosts: per-broker name", Conn{Brokers: []string{"k0:9093", "k1:9093"}, TLS: true}, "", ""},
		{"SCRAM-SHA-256", Conn{Brokers: []string{"k:9093"}, TLS: true, SASLMechanism: "SCRAM-SHA-256", Username: "u", Password: "p"}, "k", "SCRAM-SHA-256"},
		{"SCRAM-SHA-512 over plaintext", Conn{Brokers: []string{"k:9092"}, SASLMechanism: "SCRAM-SHA-512", Username: "u", Password: "p"}, "", "SCRAM-SHA-512"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, err := tt.conn.NewClient()
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			tlsCfg, _ := cl.OptValue(kgo.DialTLSConfig).(*tls.Config)
			if tt.conn.TLS != (tlsCfg != nil) {
				t.Fatalf("DialTLSConfig = %v with TLS %t", tlsCfg, tt.conn.TLS)
			}
			if tlsCfg != nil && (tlsCfg.ServerName != tt.serverName || tlsCfg.MinVersion != tls.VersionTLS12 || (tt.conn.CAFile != "") != (tlsCfg.RootCAs != nil)) {
				t.Errorf("DialTLSConfig ServerName %q MinVersion %x RootCAs %v, want ServerName %q", tlsCfg.ServerName, tlsCfg.MinVersion, tlsCfg.RootCAs, tt.serverName)
			}
			mechs, _ := cl.OptValue(kgo.SASL).([]sasl.Mechanism)
			var names []string
			for _, m := range mechs {
				names = append(names, m.Name())
			}
			if strings.Join(names, ",") != tt.mechanism {
				t.Errorf("SASL mechanisms = %v, want %q", names, tt.mechanism)
			}
		})
	}
}

func TestConnString_Redacts(t *testing.T) {
	const secret = "hunter2-secret"
	conn := Conn{Brokers: []string{"k:9093"}, TLS: true, SASLMechanism: "PLAIN", Username: "alice", Password: secret}
	for _, out := range []string{fmt.Sprint(conn), fmt.Sprintf("%v", conn), fmt.Sprintf("%+v", conn), fmt.Sprintf("%#v", conn),
		fmt.Sprintf("conn=%s", conn), fmt.Sprintf("%v", &conn), fmt.Sprintf("%+v", []Conn{conn}), conn.Describe()} {
		if strings.Contains(out, secret) {
			t.Errorf("output leaks the password: %s", out)
		}
	}
	if s := conn.String(); !strings.Contains(s, `Password:"<redacted>"`) || !strings.Contains(s, `Username:"alice"`) {
		t.Errorf("String() = %s, want the username and a redacted password", s)
	}
	if s := (Conn{Brokers: []string{"k:9092"}}).String(); !strings.Contains(s, `Password:""`) {
		t.Errorf("String() = %s, want an empty password shown as empty", s)
	}
}

func TestDescribe(t *testing.T) {
	eh, err := ParseEventHubsConnectionString(testConnString + ";EntityPath=orders")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		conn Conn
		want string
	}{
		{eh, "my-ns.servicebus.windows.net:9093 (SASL_SSL PLAIN, Event Hubs, event hub orders)"},
		{Conn{Brokers: []string{"127.0.0.1:9092"}}, "127.0.0.1:9092 (PLAINTEXT)"},
		{Conn{Brokers: []string{"a:1", "b:2"}, TLS: true}, "a:1,b:2 (SSL)"},
		{Conn{Brokers: []string{"a:1"}, TLS: true, InsecureSkipVerify: true}, "a:1 (SSL, certificate not verified)"},
		{Conn{Brokers: []string{"a:1"}, SASLMechanism: "scram-sha-256", Username: "u", Password: "p"}, "a:1 (SASL_PLAINTEXT SCRAM-SHA-256)"},
		{Conn{}, "no brokers (PLAINTEXT)"},
	}
	for _, tt := range tests {
		if got := tt.conn.Describe(); got != tt.want {
			t.Errorf("Describe() = %q, want %q", got, tt.want)
		}
	}
}
