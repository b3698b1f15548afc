package inspect

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		records int
		wantErr string
	}{
		{"one record", 1, ""},
		{"the default five", 5, ""},
		{"none", 0, "-n: 0 must be at least 1"},
		{"negative", -3, "-n: -3 must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Config{Topic: "out", Records: tt.records, Timeout: time.Second}.Validate()
			if (tt.wantErr == "") != (err == nil) || (err != nil && err.Error() != tt.wantErr) {
				t.Fatalf("Validate() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestPeekValidatesFirst: a bad setting is refused before any client is made (the connection
// here has no brokers, which would fail differently).
func TestPeekValidatesFirst(t *testing.T) {
	err := Peek(context.Background(), kafkaconn.Conn{}, Config{Topic: "out"}, func(Record) { t.Fatal("a record from nowhere") })
	if err == nil || !strings.HasPrefix(err.Error(), "-n:") {
		t.Fatalf("Peek = %v, want the -n error", err)
	}
}
