package kafkaconn

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestResolve(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	local := func() (string, error) { return "127.0.0.1:9092", nil }
	for _, tt := range []struct {
		name        string
		src         Source
		env         map[string]string
		wantBrokers []string
		wantUser    string
		wantPass    string
		usage       bool
	}{
		{name: "local stack", wantBrokers: []string{"127.0.0.1:9092"}},
		{name: "env brokers", env: map[string]string{"STREAMSCALE_BROKERS": "k:1"}, wantBrokers: []string{"k:1"}},
		{name: "flag over env", src: Source{Brokers: "a:1,b:2"}, env: map[string]string{"STREAMSCALE_BROKERS": "k:1"}, wantBrokers: []string{"a:1", "b:2"}},
		{name: "no port", src: Source{Brokers: "a"}, usage: true},
		{name: "sasl from file and env user", src: Source{Brokers: "a:1", PasswordFile: pw, Security: Conn{SASLMechanism: "PLAIN"}},
			env: map[string]string{"STREAMSCALE_SASL_USERNAME": "u"}, wantBrokers: []string{"a:1"}, wantUser: "u", wantPass: "secret"},
		{name: "missing password file", src: Source{Brokers: "a:1", PasswordFile: pw + "x", Security: Conn{SASLMechanism: "PLAIN", Username: "u"}}, usage: true},
		{name: "missing connection string file", src: Source{ConnectionStringFile: pw + "x"}, usage: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.src
			s.Getenv = func(k string) string { return tt.env[k] }
			s.LocalBrokers = local
			c, err := Resolve(s)
			var ue *UsageError
			if tt.usage {
				if !errors.As(err, &ue) {
					t.Fatalf("Resolve = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Brokers, tt.wantBrokers) || c.Username != tt.wantUser || c.Password != tt.wantPass {
				t.Errorf("Resolve = brokers %v user %q password set %v", c.Brokers, c.Username, c.Password != "")
			}
		})
	}
}
