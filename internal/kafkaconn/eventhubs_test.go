package kafkaconn

import (
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
)

// testKey stands for a SharedAccessKey; no test output may contain it.
const testKey = "c2VjcmV0LWtleS12YWx1ZQ+/="

const testConnString = "Endpoint=sb://my-ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + testKey

func TestParseEventHubsConnectionString(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		broker  string
		hub     string
		wantErr string
	}{
		{"namespace policy", testConnString, "my-ns.servicebus.windows.net:9093", "", ""},
		{"with EntityPath", testConnString + ";EntityPath=orders", "my-ns.servicebus.windows.net:9093", "orders", ""},
		{"trailing semicolon", testConnString + ";", "my-ns.servicebus.windows.net:9093", "", ""},
		{"spaces and newline", "  Endpoint = sb://my-ns.servicebus.windows.net/ ; SharedAccessKeyName=p ;SharedAccessKey=" + testKey + " ; EntityPath=hub \n", "my-ns.servicebus.windows.net:9093", "hub", ""},
		{"no trailing slash, other case", "endpoint=SB://My-NS.servicebus.windows.net;sharedaccesskeyname=p;sharedaccesskey=" + testKey, "my-ns.servicebus.windows.net:9093", "", ""},
		{"SAS token", "Endpoint=sb://my-ns.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=x&sig=" + testKey, "my-ns.servicebus.windows.net:9093", "", ""},
		{"unknown keys ignored", testConnString + ";TransportType=AmqpWebSockets", "my-ns.servicebus.windows.net:9093", "", ""},
		{"empty", "  ", "", "", "connection string: empty"},
		{"wrong scheme", strings.Replace(testConnString, "sb://", "https://", 1), "", "", "must start with sb://"},
		{"missing endpoint", "SharedAccessKeyName=p;SharedAccessKey=" + testKey, "", "", "missing Endpoint=sb://"},
		{"empty endpoint", "Endpoint=;SharedAccessKeyName=p;SharedAccessKey=" + testKey, "", "", "missing Endpoint=sb://"},
		{"endpoint with path", "Endpoint=sb://my-ns.servicebus.windows.net/x/SharedAccessKey=" + testKey + ";SharedAccessKeyName=p", "", "", "has a path"},
		{"missing key", "Endpoint=sb://my-ns.servicebus.windows.net/;SharedAccessKeyName=p", "", "", "missing SharedAccessKey="},
		{"empty key", "Endpoint=sb://my-ns.servicebus.windows.net/;SharedAccessKeyName=p;SharedAccessKey=", "", "", "SharedAccessKey is empty"},
		{"missing key name", "Endpoint=sb://my-ns.servicebus.windows.net/;SharedAccessKey=" + testKey, "", "", "missing SharedAccessKeyName="},
		{"part without =", "Endpoint=sb://my-ns.servicebus.windows.net/;" + strings.TrimRight(testKey, "=") + ";SharedAccessKeyName=p", "", "", "part 2 has no '='"},
		{"duplicate key", testConnString + ";SharedAccessKey=" + testKey, "", "", "SharedAccessKey appears twice"},
		{"empty EntityPath", testConnString + ";EntityPath=", "", "", "EntityPath is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := ParseEventHubsConnectionString(tt.in)
			for _, out := range []string{fmt.Sprint(err), fmt.Sprintf("%v", conn), fmt.Sprintf("%+v", conn), fmt.Sprintf("%#v", conn), fmt.Sprint(conn), conn.Describe()} {
				if strings.Contains(out, testKey[:20]) || strings.Contains(out, "sig=") {
					t.Fatalf("output leaks the key: %s", out)
				}
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := Conn{Brokers: []string{tt.broker}, TLS: true, SASLMechanism: SASLPlain, Username: "$ConnectionString",
				Password: strings.TrimSpace(tt.in), EventHubs: true, EventHub: tt.hub}
			if conn.String() != want.String() || conn.Password != want.Password {
				t.Errorf("conn = %v, want %v", conn, want)
			}
			if err := conn.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
		})
	}
}

func TestFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	blank := filepath.Join(dir, "blank")
	bad := filepath.Join(dir, "bad")
	for p, s := range map[string]string{good: "\n" + testConnString + ";EntityPath=file-hub\n", blank: " \n", bad: "Endpoint=http://x;SharedAccessKey=" + testKey} {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvConnectionString {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name    string
		env     string
		file    string
		wantOK  bool
		wantHub string
		wantErr string
	}{
		{"nothing set", "", "", false, "", ""},
		{"blank variable", "  ", "", false, "", ""},
		{"variable", testConnString + ";EntityPath=env-hub", "", true, "env-hub", ""},
		{"file wins over variable", testConnString + ";EntityPath=env-hub", good, true, "file-hub", ""},
		{"bad variable", "Endpoint=sb://x;SharedAccessKey=" + testKey, "", false, "", EnvConnectionString + ": connection string: missing SharedAccessKeyName"},
		{"missing file", "", filepath.Join(dir, "nope"), false, "", "read Event Hubs connection string"},
		{"blank file", "", blank, false, "", "is empty"},
		{"bad file", "", bad, false, "", bad + ": connection string: Endpoint must start with sb://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, ok, err := FromEnvironment(env(tt.env), tt.file)
			if err != nil && strings.Contains(err.Error(), testKey[:20]) {
				t.Fatalf("error leaks the key: %v", err)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || ok != tt.wantOK || conn.EventHub != tt.wantHub {
				t.Fatalf("FromEnvironment = %v, %t, %v; want ok %t, hub %q", conn, ok, err, tt.wantOK, tt.wantHub)
			}
		})
	}
}

// TestOpts_EventHubs checks the options an Event Hubs Conn hands franz-go, read back from a
// client (NewClient does not dial).
func TestOpts_EventHubs(t *testing.T) {
	conn, err := ParseEventHubsConnectionString(testConnString)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := conn.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	tlsCfg, _ := cl.OptValue(kgo.DialTLSConfig).(*tls.Config)
	if tlsCfg == nil || tlsCfg.MinVersion != tls.VersionTLS12 || tlsCfg.ServerName != "my-ns.servicebus.windows.net" || tlsCfg.InsecureSkipVerify {
		t.Errorf("DialTLSConfig = %+v", tlsCfg)
	}
	mechs, _ := cl.OptValue(kgo.SASL).([]sasl.Mechanism)
	if len(mechs) != 1 || mechs[0].Name() != "PLAIN" {
		t.Errorf("SASL = %v, want one PLAIN mechanism", mechs)
	}
	checks := []struct {
		opt  any
		want any
	}{
		{kgo.SeedBrokers, []string{"my-ns.servicebus.windows.net:9093"}},
		{kgo.MetadataMaxAge, 180 * time.Second},
		{kgo.ConnIdleTimeout, 180 * time.Second},
		{kgo.RequestTimeoutOverhead, 60 * time.Second},
		{kgo.BrokerMaxWriteBytes, int32(1_046_528)},
		{kgo.DisableIdempotentWrite, true},
	}
	for _, c := range checks {
		if got := cl.OptValue(c.opt); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("OptValue(%T) = %v, want %v", c.opt, got, c.want)
		}
	}
	fn, _ := cl.OptValue(kgo.ProducerBatchMaxBytesFn).(func(string) int32)
	if fn == nil || fn("any") != 1_000_000 {
		t.Errorf("ProducerBatchMaxBytes is not 1,000,000")
	}

	// A plain Conn gets none of this.
	plain, err := Conn{Brokers: []string{"127.0.0.1:9092"}}.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if v := plain.OptValue(kgo.DialTLSConfig); v != (*tls.Config)(nil) {
		t.Errorf("plain DialTLSConfig = %v, want nil", v)
	}
	if v := plain.OptValue(kgo.MetadataMaxAge); v != 5*time.Minute {
		t.Errorf("plain MetadataMaxAge = %v, want franz-go's 5m", v)
	}
}
