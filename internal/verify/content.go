package verify

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/event"
)

// The relay's content promise, as docs/architecture.md ("Data contract") states it and written
// from that text, not from the relay's code: the output value is the input object with every
// top-level enqueuedAt and processedAt member taken out, then
// `,"enqueuedAt":"<the input record's append time>","processedAt":"<…>"}`, both UTC RFC 3339
// with milliseconds. Taken apart:
//
//	input   BOM? ws  {  W0  M1 S2 M2 … Sn Mn  Wn  }  ws
//	output  {  W0  K1 S K2 … S Kk  Wn  ,  "enqueuedAt":"…","processedAt":"…"}
//
// Mi are the input's members (name to the end of the value), Si the separator before member i
// (whitespace, comma, whitespace), W0 and Wn the whitespace inside the braces. K1…Kk are the
// members kept (every Mi not named enqueuedAt or processedAt, however its name is escaped), each
// after the first preceded by the separator that preceded it in the input; the comma before the
// stamps is there when a member is kept. The verifier keeps a 64-bit hash of everything before
// the stamps (the "head": up to and including that comma) per input event and compares it with
// the hash of the output value less its 81-byte stamp tail.

// stampTimeLen is the length of a stamp's time: "2006-01-02T15:04:05.000Z".
const stampTimeLen = 24

var (
	stampHead = []byte(`"enqueuedAt":"`)
	stampMid  = []byte(`","processedAt":"`)
	stampEnd  = []byte(`"}`)
)

// stampsLen is the length of the output's tail from `"enqueuedAt"` to the closing brace.
const stampsLen = 14 + stampTimeLen + 17 + stampTimeLen + 2

// content is what the verifier keeps of an input event to check the output made of it:
// 16 bytes.
type content struct {
	// hash is the maphash of the head the output must start with.
	hash uint64
	// meta packs the input record's append time in ms since the epoch (its low msBits bits:
	// 1970 to 2248) above the head's length (lenBits bits, saturated).
	meta uint64
}

const (
	lenBits = 21
	msBits  = 64 - lenBits
	lenMask = 1<<lenBits - 1
	msMask  = 1<<msBits - 1
)

func newContent(hash uint64, appendMs int64, headLen int) content {
	return content{hash: hash, meta: uint64(appendMs)&msMask<<lenBits | uint64(min(headLen, lenMask))}
}

// appendMs is the input record's append time in ms (as kept: modulo 2^43).
func (c content) appendMs() int64 { return int64(c.meta >> lenBits) }

// headLen is the length of the head (saturated at 2 MiB − 1).
func (c content) headLen() int { return int(c.meta & lenMask) }

// contentHasher hashes heads; its seed is the process's, so no relay can aim at a collision.
type contentHasher struct {
	h maphash.Hash
	// spans is scratch for the members of an input that has stamps to take out.
	spans []memberSpan
}

type memberSpan struct {
	name, end int // where the member's name starts and its value ends
	stamp     bool
}

// input is the content of an input value that extractInput accepted into f, appended at
// appendMs.
func (c *contentHasher) input(v []byte, f *Fields, appendMs int64) content {
	c.h.Reset()
	if f.stampNames == 0 && !f.escapedName {
		c.h.Write(v[f.objStart:f.objEnd]) // nothing to take out: '{' up to '}'
		n := f.objEnd - f.objStart
		if f.members > 0 {
			c.h.WriteByte(',')
			n++
		}
		return newContent(c.h.Sum64(), appendMs, n)
	}
	spans := c.members(v, f)
	if len(spans) == 0 {
		c.h.Write(v[f.objStart:f.objEnd])
		return newContent(c.h.Sum64(), appendMs, f.objEnd-f.objStart)
	}
	n := 0
	write := func(from, to int) {
		c.h.Write(v[from:to])
		n += to - from
	}
	write(f.objStart, spans[0].name) // '{' and W0
	kept := false
	for i, m := range spans {
		if m.stamp {
			continue
		}
		if kept {
			write(spans[i-1].end, m.name) // the separator before it in the input
		}
		write(m.name, m.end)
		kept = true
	}
	write(spans[len(spans)-1].end, f.objEnd) // Wn
	if kept {
		c.h.WriteByte(',')
		n++
	}
	return newContent(c.h.Sum64(), appendMs, n)
}

// members lists the top-level members of an object extract accepted.
func (c *contentHasher) members(v []byte, f *Fields) []memberSpan {
	c.spans = c.spans[:0]
	s := scanner{b: v, i: f.objStart + 1}
	s.ws()
	for s.i < f.objEnd {
		name := s.i
		raw, _ := s.str()
		s.ws()
		s.eat(':')
		s.ws()
		s.skip()
		c.spans = append(c.spans, memberSpan{name: name, end: s.i, stamp: nameIs(raw, "enqueuedAt") || nameIs(raw, "processedAt")})
		s.ws()
		s.eat(',')
		s.ws()
	}
	return c.spans
}

// nameIs reports whether the raw contents of a JSON string (escapes as written) decode to the
// ASCII name.
func nameIs(raw []byte, name string) bool {
	j := 0
	for i := 0; i < len(raw); j++ {
		r := rune(raw[i]) // a byte of a multi-byte character never equals an ASCII one
		i++
		if r == '\\' {
			if i >= len(raw) {
				return false
			}
			switch e := raw[i]; e {
			case '"', '\\', '/':
				r, i = rune(e), i+1
			case 'b', 'f', 'n', 'r', 't':
				r, i = ' ', i+1 // a control character: in no name compared here
			case 'u':
				if i+5 > len(raw) {
					return false
				}
				r = 0
				for _, h := range raw[i+1 : i+5] {
					switch {
					case h >= '0' && h <= '9':
						r = r<<4 | rune(h-'0')
					case h >= 'a' && h <= 'f':
						r = r<<4 | rune(h-'a'+10)
					case h >= 'A' && h <= 'F':
						r = r<<4 | rune(h-'A'+10)
					default:
						return false
					}
				}
				i += 5
			default:
				return false
			}
		}
		if j >= len(name) || rune(name[j]) != r {
			return false
		}
	}
	return j == len(name)
}

// outputStamps is what the content check reads of an output value: the hash and length of its
// head, and its enqueuedAt in ms, when it ends with the two stamps in the contract's form.
type outputStamps struct {
	hash       uint64
	headLen    int
	enqueuedMs int64
	ok         bool
}

// output reads an output value's stamp tail and hashes the head before it.
func (c *contentHasher) output(v []byte) outputStamps {
	n := len(v) - stampsLen
	if n < 1 {
		return outputStamps{}
	}
	t := v[n:]
	enq := t[len(stampHead) : len(stampHead)+stampTimeLen]
	mid := t[len(stampHead)+stampTimeLen : len(stampHead)+stampTimeLen+len(stampMid)]
	proc := t[len(t)-len(stampEnd)-stampTimeLen : len(t)-len(stampEnd)]
	if !bytes.HasPrefix(t, stampHead) || !bytes.Equal(mid, stampMid) || !bytes.HasSuffix(t, stampEnd) {
		return outputStamps{}
	}
	ms, ok := parseStampMs(enq)
	if _, ok2 := parseStampMs(proc); !ok || !ok2 {
		return outputStamps{}
	}
	// The same as writing v[:n] to c.h (maphash's promise), in one call.
	return outputStamps{hash: maphash.Bytes(c.h.Seed(), v[:n]), headLen: n, enqueuedMs: ms, ok: true}
}

// parseStampMs reads a stamp's time, "YYYY-MM-DDTHH:MM:SS.mmmZ" exactly, in ms.
func parseStampMs(b []byte) (int64, bool) {
	if len(b) != stampTimeLen || b[19] != '.' {
		return 0, false
	}
	us, ok := parseTimestamp(b)
	return us / 1000, ok // exact: three digits of fraction
}

// floorMs is a Unix µs time in whole ms.
func floorMs(us int64) int64 {
	ms := us / 1000
	if us%1000 < 0 {
		ms--
	}
	return ms
}

// contentCheck counts the relayed events whose output breaks the content promise.
type contentCheck struct {
	hasher                  contentHasher
	altered, misstamped     int64
	alteredEx, misstampedEx []string
}

// maxContentExamples is how many examples of each kind a result shows.
const maxContentExamples = 5

// check compares one output record (fields f, value v, at partition/offset) with the input
// copies of its event (first, more). what names the event in examples.
func (cc *contentCheck) check(v []byte, f *Fields, first content, more []content, what func() string) {
	out := cc.hasher.output(v)
	enqMs, hasEnq := out.enqueuedMs, out.ok
	if !hasEnq && f.EnqueuedAt != 0 {
		enqMs, hasEnq = floorMs(f.EnqueuedAt), true
	}
	sameHead, sameStamp := false, false
	for i := -1; i < len(more); i++ {
		c := first
		if i >= 0 {
			c = more[i]
		}
		sameHead = sameHead || (out.ok && c.hash == out.hash && c.headLen() == min(out.headLen, lenMask))
		sameStamp = sameStamp || (hasEnq && c.appendMs() == enqMs&msMask)
	}
	if !sameHead {
		cc.altered++
		if len(cc.alteredEx) < maxContentExamples {
			cc.alteredEx = append(cc.alteredEx, what()+": "+alteredWhy(f, out, first))
		}
	}
	if hasEnq && !sameStamp {
		cc.misstamped++
		if len(cc.misstampedEx) < maxContentExamples {
			cc.misstampedEx = append(cc.misstampedEx, what()+": "+misstampedWhy(enqMs, first.appendMs()))
		}
	}
}

// alteredWhy says in a few words how an output differs from its input's promise.
func alteredWhy(f *Fields, out outputStamps, in content) string {
	switch {
	case f.EnqueuedAt == 0 && f.ProcessedAt == 0:
		return "no enqueuedAt and no processedAt"
	case f.EnqueuedAt == 0:
		return "no enqueuedAt"
	case f.ProcessedAt == 0:
		return "no processedAt"
	case f.stampNames > 2:
		return fmt.Sprintf("%d enqueuedAt/processedAt members at the top level, want one of each", f.stampNames)
	case !out.ok:
		return `does not end with ,"enqueuedAt":"…","processedAt":"…"} in UTC with milliseconds (stamps not last, or in another form)`
	case out.headLen != in.headLen():
		return fmt.Sprintf("%d bytes before the stamps where the input makes %d", out.headLen, in.headLen())
	}
	return fmt.Sprintf("%d bytes before the stamps as the input makes, but other bytes", out.headLen)
}

// misstampedWhy compares an enqueuedAt with the input's append time.
func misstampedWhy(enqMs, appendMs int64) string {
	d, how := enqMs&msMask-appendMs, "after"
	if d < 0 {
		d, how = -d, "before"
	}
	return fmt.Sprintf("enqueuedAt %s, %d ms %s the input's append time %s", stampTime(enqMs), d, how, stampTime(appendMs))
}

func stampTime(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z") }

// example names an output record's event and where it was read: "deviceId #seq (run R) at
// out 1/234", the deviceId cut to 64 bytes.
func example(k eventKey, f *Fields, r *kgo.Record) string {
	dev := f.DeviceID
	if len(dev) > 64 {
		dev = append(dev[:64:64], "…"...)
	}
	run := ""
	if k.group != groupNoEventID && !k.foreign() {
		run = " (run " + event.RunID(k.group).String() + ")"
	}
	return fmt.Sprintf("%s #%d%s at %s %d/%d", dev, f.Seq, run, r.Topic, r.Partition, r.Offset)
}
