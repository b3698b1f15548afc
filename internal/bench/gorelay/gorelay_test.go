package gorelay

import (
	"testing"
	"time"
)

func TestSplice(t *testing.T) {
	enq := time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
	proc := enq.Add(1500 * time.Millisecond)
	fields := `"enqueuedAt":"2026-01-02T03:04:05.006Z","processedAt":"2026-01-02T03:04:06.506Z"}`
	for _, tc := range []struct{ name, in, want string }{
		{"object", `{"a":1}`, `{"a":1,` + fields},
		{"trailing space", "{\"a\":1} \n", `{"a":1,` + fields},
		{"empty", `{}`, `{` + fields},
		{"not an object", `[1]`, `[1]`},
		{"empty value", ``, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(Splice([]byte(tc.in), enq, proc)); got != tc.want {
				t.Fatalf("Splice(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
