package event

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

func TestEventIDCarriesTheRun(t *testing.T) {
	tests := []struct {
		name string
		run  RunID
		n    uint64
		want string // the eventId's text, "" to check only its form
	}{
		{"first event", 0x123456789abc, 0, "12345678-9abc-45ca-a1e5-000000000000"},
		{"smallest run", 1, 1, ""},
		{"largest run", runMask, numMask, ""},
		{"run bits above 48 are dropped", 1<<60 | 0xabc, 7, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hi, lo := eventIDBits(tt.run, tt.n)
			id := appendUUID(nil, hi, lo)
			if !uuidV4.Match(id) {
				t.Fatalf("eventId %s is not a UUID v4", id)
			}
			if tt.want != "" && string(id) != tt.want {
				t.Fatalf("eventId %s, want %s", id, tt.want)
			}
			phi, plo, ok := ParseUUID(id)
			if !ok || phi != hi || plo != lo {
				t.Fatalf("ParseUUID(%s) = %x %x %v, want %x %x", id, phi, plo, ok, hi, lo)
			}
			run, ok := RunOf(hi, lo)
			if !ok || run != tt.run&runMask {
				t.Fatalf("RunOf(%s) = %s %v, want %s", id, run, ok, tt.run&runMask)
			}
		})
	}
}

func TestForeignEventIDsAreForeign(t *testing.T) {
	tests := []struct {
		id        string
		parses    bool
		ourLayout bool
	}{
		{"a4e5c2c6-1d2b-4b8e-9a0f-0b9f3f2d7c11", true, false},    // a random v4
		{"A4E5C2C6-1D2B-4B8E-9A0F-0B9F3F2D7C11", true, false},    // upper case
		{"12345678-9abc-45ca-a1e5-0123456789ab", true, true},     // ours
		{"12345678-9ABC-45CA-A1E5-0123456789AB", true, true},     // ours, upper case
		{"12345678-9abc-45ca-a1e4-0123456789ab", true, false},    // one bit off the marker
		{"12345678-9abc-44ca-a1e5-0123456789ab", true, false},    // one nibble off the marker
		{"00000000-0000-45ca-a1e5-0123456789ab", true, false},    // run 0 is no run
		{"12345678-9abc-45ca-a1e5-0123456789a", false, false},    // short
		{"12345678-9abc-45ca-a1e5-0123456789abc", false, false},  // long
		{"12345678x9abc-45ca-a1e5-0123456789ab", false, false},   // no dash
		{"1234567g-9abc-45ca-a1e5-0123456789ab", false, false},   // not hex
		{"{12345678-9abc-45ca-a1e5-0123456789ab}", false, false}, // braces
		{"event-42", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			hi, lo, ok := ParseUUID([]byte(tt.id))
			if ok != tt.parses {
				t.Fatalf("ParseUUID ok = %v, want %v", ok, tt.parses)
			}
			if !ok {
				if _, ours := RunOfEventID([]byte(tt.id)); ours {
					t.Fatal("RunOfEventID took an id that is no UUID")
				}
				return
			}
			if got := fmt.Sprintf("%016x%016x", hi, lo); !bytes.EqualFold([]byte(got), bytes.ReplaceAll([]byte(tt.id), []byte("-"), nil)) {
				t.Fatalf("ParseUUID = %s", got)
			}
			run, ours := RunOf(hi, lo)
			if ours != tt.ourLayout {
				t.Fatalf("RunOf says ours = %v, want %v", ours, tt.ourLayout)
			}
			if run2, ours2 := RunOfEventID([]byte(tt.id)); run2 != run || ours2 != ours {
				t.Fatalf("RunOfEventID = %s %v, RunOf = %s %v", run2, ours2, run, ours)
			}
		})
	}
}

func TestEventIDsUniqueWithinARunAndAcrossRuns(t *testing.T) {
	a, b := NewEncoder(1, DefaultDevicePrefix, NewRunID()), NewEncoder(1, DefaultDevicePrefix, NewRunID())
	seen := map[string]bool{}
	for i := range 50_000 {
		for _, e := range []*Encoder{a, b} {
			var d decoded
			if err := json.Unmarshal(e.Append(nil, i%1000, int64(i/1000), 0), &d); err != nil {
				t.Fatal(err)
			}
			if seen[d.EventID] {
				t.Fatalf("eventId %s repeated", d.EventID)
			}
			seen[d.EventID] = true
		}
	}
}

func TestScrambleIsABijectionOnLowNumbers(t *testing.T) {
	seen := make(map[uint64]bool, 1<<20)
	for n := range uint64(1 << 20) {
		x := scramble48(n)
		if x > numMask || seen[x] {
			t.Fatalf("scramble48(%d) = %x repeats or exceeds 48 bits", n, x)
		}
		seen[x] = true
	}
}

func TestNewRunIDIsFreshAndNonZero(t *testing.T) {
	seen := map[RunID]bool{}
	for range 1000 {
		r := NewRunID()
		if r == 0 || uint64(r) > runMask || seen[r] {
			t.Fatalf("NewRunID = %s: zero, too wide, or repeated", r)
		}
		seen[r] = true
		if len(r.String()) != 12 {
			t.Fatalf("RunID %s is not 12 hex digits", r)
		}
	}
}
