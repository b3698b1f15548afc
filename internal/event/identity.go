package event

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"strconv"
)

// An eventId of this generator is a valid UUID v4 string that also says which generator run
// sent the event, so that a verifier can tell events of several runs (and instances) apart
// even though every run restarts each device's sequence at 0:
//
//	RRRRRRRR-RRRR-45ca-a1e5-NNNNNNNNNNNN
//
// R is the run's 48-bit RunID, "45ca-a1e5" is the fixed marker (with the version nibble 4
// and the variant bits 10 where UUID v4 puts them), and N is the event's number within the
// run, scrambled by a bijection on 48 bits: unique per event of the run, random-looking, and
// repeated only by a deliberate duplicate. A foreign random UUID carries the marker by chance
// once in 2^26.
const (
	markerHi = 0x45ca // low 16 bits of the UUID's first half: version 4, then 0x5ca
	markerLo = 0xa1e5 // high 16 bits of the second half: variant 10, then 0x1e5

	runBits = 48
	runMask = 1<<runBits - 1
	numMask = 1<<48 - 1
	uuidLen = 36
)

// RunID identifies one generator run of one instance: 48 random bits, never 0.
type RunID uint64

// NewRunID returns a fresh random RunID. It is not derived from the content seed, so two
// runs with the same --seed still tell apart.
func NewRunID() RunID {
	var b [8]byte
	for {
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
		if id := RunID(binary.LittleEndian.Uint64(b[:]) & runMask); id != 0 {
			return id
		}
	}
}

// String is the run id as the 12 hex digits that begin each of its eventIds.
func (r RunID) String() string {
	s := strconv.FormatUint(uint64(r)&runMask, 16)
	for len(s) < 12 {
		s = "0" + s
	}
	return s
}

// eventIDBits returns the two halves of the eventId of the run's event number n.
func eventIDBits(run RunID, n uint64) (hi, lo uint64) {
	return uint64(run)&runMask<<16 | markerHi, markerLo<<48 | scramble48(n)
}

// scramble48 is a bijection on 48-bit numbers (odd multipliers and xor-shifts, all modulo
// 2^48), so distinct event numbers give distinct, random-looking eventIds.
func scramble48(x uint64) uint64 {
	x &= numMask
	x = x * 0x9e3779b97f4b & numMask
	x ^= x >> 23
	x = x * 0xbf58476d1ce5 & numMask
	x ^= x >> 21
	return x
}

// ParseUUID reads a UUID in its 36-character text form (hex digits in either case, dashes
// at 8, 13, 18 and 23) into its two 64-bit halves, without allocating.
func ParseUUID(b []byte) (hi, lo uint64, ok bool) {
	if len(b) != uuidLen || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
		return 0, 0, false
	}
	var v [2]uint64
	n := 0
	for i, c := range b {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			continue
		}
		d, ok := hexDigit(c)
		if !ok {
			return 0, 0, false
		}
		v[n/16] = v[n/16]<<4 | uint64(d)
		n++
	}
	return v[0], v[1], true
}

// RunOfEventID returns the generator run of an eventId in text form, and false when it does
// not carry this generator's layout. It looks at the marker first and decodes only the run's
// 12 hex digits: the verifier calls it for every record.
func RunOfEventID(b []byte) (RunID, bool) {
	if len(b) != uuidLen || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' ||
		!bytes.EqualFold(b[14:18], markerHiText) || !bytes.EqualFold(b[19:23], markerLoText) {
		return 0, false
	}
	var r uint64
	for i, c := range b[:13] {
		if i == 8 {
			continue
		}
		d, ok := hexDigit(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | uint64(d)
	}
	return RunID(r), r != 0
}

var (
	markerHiText = []byte("45ca")
	markerLoText = []byte("a1e5")
)

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// RunOf returns the generator run of an eventId's halves (ParseUUID), and false when the
// eventId does not carry this generator's layout (a foreign producer's).
func RunOf(hi, lo uint64) (RunID, bool) {
	if hi&0xffff != markerHi || lo>>48 != markerLo {
		return 0, false
	}
	r := RunID(hi >> 16)
	return r, r != 0
}
