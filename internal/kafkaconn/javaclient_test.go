package kafkaconn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJavaClientProperties(t *testing.T) {
	cert := newTestCert(t)
	ca := cert.CertFile
	const secret = `pa"ss\word`
	eh, err := ParseEventHubsConnectionString("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		conn Conn
		want map[string]string
		not  []string
	}{
		{name: "plaintext", conn: Conn{Brokers: []string{"a:9092", "b:9092"}},
			want: map[string]string{"bootstrap.servers": "a:9092,b:9092"}, not: []string{"security.protocol", "sasl.jaas.config"}},
		{name: "TLS with a CA", conn: Conn{Brokers: []string{"a:9093"}, TLS: true, CAFile: ca},
			want: map[string]string{"security.protocol": "SSL", "ssl.truststore.type": "PEM", "ssl.truststore.location": ca}},
		{name: "SCRAM over TLS", conn: Conn{Brokers: []string{"a:9093"}, TLS: true, SASLMechanism: "scram-sha-512", Username: "u", Password: secret},
			want: map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512",
				"sasl.jaas.config": `org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="pa\"ss\\word";`}},
		{name: "mutual TLS", conn: Conn{Brokers: []string{"a:9093"}, TLS: true, CAFile: ca, CertFile: cert.CertFile, KeyFile: cert.KeyFile},
			want: map[string]string{"security.protocol": "SSL", "ssl.keystore.type": "PEM", "ssl.keystore.certificate.chain": readFile(t, cert.CertFile), "ssl.keystore.key": readFile(t, cert.KeyFile)}},
		{name: "PLAIN without TLS", conn: Conn{Brokers: []string{"a:9092"}, SASLMechanism: "PLAIN", Username: "u", Password: "p"},
			want: map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN"}},
		{name: "Event Hubs", conn: eh,
			want: map[string]string{"bootstrap.servers": "ns.servicebus.windows.net:9093", "security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN",
				"request.timeout.ms": "60000", "max.request.size": "1000000", "metadata.max.age.ms": "180000", "enable.idempotence": "false"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.conn.JavaClientProperties()
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.want {
				if p[k] != v {
					t.Errorf("%s = %q, want %q", k, p[k], v)
				}
			}
			for _, k := range tt.not {
				if _, ok := p[k]; ok {
					t.Errorf("%s set, want it absent", k)
				}
			}
		})
	}
	if _, err := (Conn{Brokers: []string{"a:1"}, TLS: true, InsecureSkipVerify: true}).JavaClientProperties(); err == nil {
		t.Error("InsecureSkipVerify was accepted; the Java tools cannot honour it")
	}
	if _, err := (Conn{Brokers: []string{"a:1"}, SASLMechanism: "PLAIN", Username: "u"}).JavaClientProperties(); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("an invalid Conn gave %v, want Validate's error", err)
	}
}

func TestWriteJavaClientConfig(t *testing.T) {
	const secret = "s3cr\x65t\nline"
	c := Conn{Brokers: []string{"a:9092"}, SASLMechanism: "PLAIN", Username: "u", Password: secret}
	path, remove, err := c.WriteJavaClientConfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("config file mode %v, want 0600: it holds the password", st.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	text := string(b)
	if strings.Count(text, "\n") != 4 || !strings.Contains(text, `password="s3cret\nline";`) || !strings.HasPrefix(text, "bootstrap.servers=a:9092\n") {
		t.Errorf("config file:\n%s\nwant 4 sorted lines, the password's line break escaped", text)
	}
	remove()
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Errorf("remove left %s behind", filepath.Dir(path))
	}
}

// TestWriteJobClientConfig: the relay job's file has the security settings but not
// bootstrap.servers, which the job takes from its arguments (and refuses in the file).
func TestWriteJobClientConfig(t *testing.T) {
	c := Conn{Brokers: []string{"a:9092"}, TLS: true, SASLMechanism: "SCRAM-SHA-512", Username: "u", Password: "p"}
	path, remove, err := c.WriteJobClientConfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	text := readFile(t, path)
	if strings.Contains(text, "bootstrap.servers") || !strings.Contains(text, "security.protocol=SASL_SSL\n") ||
		!strings.Contains(text, "sasl.mechanism=SCRAM-SHA-512\n") || !strings.Contains(text, "ScramLoginModule required") {
		t.Errorf("job client config:\n%s\nwant SASL_SSL with SCRAM and no bootstrap.servers", text)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
