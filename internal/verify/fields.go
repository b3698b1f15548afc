// Package verify reads the relay's output topic and checks it: every event once and in
// order per device, each one its input as the data contract makes it (content and
// enqueuedAt), both added fields present, and latency percentiles from HdrHistogram.
package verify

import (
	"bytes"
	"errors"
	"fmt"
)

// Fields are the parts of an output record the verifier needs. Byte slices alias the record.
type Fields struct {
	DeviceID    []byte
	Seq         int64
	HasSeq      bool
	EventID     []byte
	CreatedAt   int64 // Unix microseconds; 0 when absent
	EnqueuedAt  int64 // Unix microseconds; 0 when absent
	ProcessedAt int64 // Unix microseconds; 0 when absent

	// The object's layout, for the content check (content.go): where its '{' and its '}' are,
	// how many top-level members it has, how many of them are spelled enqueuedAt or
	// processedAt, and whether any top-level name has an escape (then it may spell one too).
	objStart, objEnd int
	members          int
	stampNames       int
	escapedName      bool
}

var (
	keyDeviceID    = []byte("deviceId")
	keySeq         = []byte("deviceSequenceNumber")
	keyEventID     = []byte("eventId")
	keyCreatedAt   = []byte("createdAt")
	keyEnqueuedAt  = []byte("enqueuedAt")
	keyProcessedAt = []byte("processedAt")
)

// errMalformed marks a record that is not a well-formed JSON object.
var errMalformed = errors.New("malformed JSON")

// bom is the UTF-8 byte-order mark, which may precede a JSON text (RFC 8259 §8.1).
var bom = []byte{0xEF, 0xBB, 0xBF}

// Extract scans the top level of a JSON object for the fields the verifier needs, skipping
// everything else (nested objects, arrays, strings with escapes) without decoding it and
// without allocating. Keys inside nested values or string values never match. A UTF-8
// byte-order mark before the object is skipped.
func Extract(b []byte, f *Fields) error { return extract(b, f, false) }

// extractInput is Extract for an input record: its enqueuedAt and processedAt, which the
// relay removes whatever they hold, are skipped rather than read as timestamps.
func extractInput(b []byte, f *Fields) error { return extract(b, f, true) }

func extract(b []byte, f *Fields, input bool) error {
	*f = Fields{}
	s := scanner{b: b}
	if len(b) >= len(bom) && b[0] == bom[0] && b[1] == bom[1] && b[2] == bom[2] {
		s.i = len(bom)
	}
	s.ws()
	f.objStart = s.i
	if !s.eat('{') {
		return fmt.Errorf("%w: not an object", errMalformed)
	}
	s.ws()
	if s.eat('}') {
		f.objEnd = s.i - 1
		return s.end()
	}
	for {
		s.ws()
		s.escaped = false
		key, ok := s.str()
		if !ok {
			return fmt.Errorf("%w: bad key at byte %d", errMalformed, s.i)
		}
		f.members++
		f.escapedName = f.escapedName || s.escaped
		s.ws()
		if !s.eat(':') {
			return fmt.Errorf("%w: missing ':' at byte %d", errMalformed, s.i)
		}
		s.ws()
		if err := f.value(&s, key, input); err != nil {
			return err
		}
		s.ws()
		if s.eat('}') {
			f.objEnd = s.i - 1
			return s.end()
		}
		if !s.eat(',') {
			return fmt.Errorf("%w: missing ',' at byte %d", errMalformed, s.i)
		}
	}
}

func (f *Fields) value(s *scanner, key []byte, input bool) error {
	var err error
	stamp := bytes.Equal(key, keyEnqueuedAt) || bytes.Equal(key, keyProcessedAt)
	if stamp {
		f.stampNames++
	}
	switch {
	case stamp && input:
		if !s.skip() {
			return fmt.Errorf("%w: bad value at byte %d", errMalformed, s.i)
		}
	case bytes.Equal(key, keyDeviceID):
		v, ok := s.str()
		if !ok {
			return fmt.Errorf("%w: deviceId is not a string", errMalformed)
		}
		f.DeviceID = v
	case bytes.Equal(key, keyEventID):
		v, ok := s.str()
		if !ok {
			return fmt.Errorf("%w: eventId is not a string", errMalformed)
		}
		f.EventID = v
	case bytes.Equal(key, keySeq):
		start := s.i
		if !s.skip() {
			return fmt.Errorf("%w: bad deviceSequenceNumber", errMalformed)
		}
		n, ok := parseUint(s.b[start:s.i])
		if !ok {
			return fmt.Errorf("%w: deviceSequenceNumber %q is not a non-negative integer", errMalformed, s.b[start:s.i])
		}
		f.Seq, f.HasSeq = n, true
	case bytes.Equal(key, keyCreatedAt):
		f.CreatedAt, err = s.timestamp("createdAt")
	case bytes.Equal(key, keyEnqueuedAt):
		f.EnqueuedAt, err = s.timestamp("enqueuedAt")
	case bytes.Equal(key, keyProcessedAt):
		f.ProcessedAt, err = s.timestamp("processedAt")
	default:
		if !s.skip() {
			return fmt.Errorf("%w: bad value at byte %d", errMalformed, s.i)
		}
	}
	return err
}

// scanner walks JSON bytes.
type scanner struct {
	b []byte
	i int
	// escaped is set when str passes a backslash.
	escaped bool
}

func (s *scanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\n' || s.b[s.i] == '\r' || s.b[s.i] == '\t') {
		s.i++
	}
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) end() error {
	s.ws()
	if s.i != len(s.b) {
		return fmt.Errorf("%w: trailing data at byte %d", errMalformed, s.i)
	}
	return nil
}

// str reads a string and returns its raw contents (escapes left as they are).
func (s *scanner) str() ([]byte, bool) {
	if !s.eat('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			s.i += 2
			s.escaped = true
		case '"':
			v := s.b[start:s.i]
			s.i++
			return v, true
		default:
			s.i++
		}
	}
	return nil, false
}

// skip passes over any JSON value.
func (s *scanner) skip() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; c {
	case '"':
		_, ok := s.str()
		return ok
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, ok := s.str(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	default:
		start := s.i
		for s.i < len(s.b) {
			c := s.b[s.i]
			if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t' {
				break
			}
			s.i++
		}
		return s.i > start
	}
}

func (s *scanner) timestamp(name string) (int64, error) {
	v, ok := s.str()
	if !ok {
		return 0, fmt.Errorf("%w: %s is not a string", errMalformed, name)
	}
	us, ok := parseTimestamp(v)
	if !ok {
		return 0, fmt.Errorf("%w: %s %q is not UTC RFC 3339", errMalformed, name, v)
	}
	return us, nil
}

// parseUint reads a non-negative decimal integer of up to 18 digits.
func parseUint(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
