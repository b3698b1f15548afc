// Package event is the IoT event of the Azure "Streaming at Scale" sample: its schema, an
// allocation-free JSON encoder for the generator, and the device model (ids and sequences).
package event

import (
	"math/rand/v2"
	"strconv"
)

// DefaultDevicePrefix is the deviceId prefix of the sample's seed document; the device
// number follows it.
const DefaultDevicePrefix = "contoso://device-id-"

// ComplexFields is the number of moreDataN doubles in complexData.
const ComplexFields = 23

// Encoder appends events as JSON. It owns a seeded PRNG, so the same seed, run and calls give
// the same bytes. Not safe for concurrent use.
type Encoder struct {
	rng    *rand.Rand
	prefix string
	run    RunID
	n      uint64 // events appended so far: the next event's number in the run
	mixed  bool   // SetMixedTypes: a device's type alternates with its sequence number
}

// NewEncoder returns an encoder whose content is determined by seed, with deviceIds
// prefix+N and eventIds that carry run (see RunID; one per generator run and instance).
func NewEncoder(seed uint64, prefix string, run RunID) *Encoder {
	return &Encoder{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), prefix: prefix, run: run}
}

// AppendKey appends the record key of a device: its deviceId.
func (e *Encoder) AppendKey(buf []byte, device int) []byte {
	buf = append(buf, e.prefix...)
	return strconv.AppendInt(buf, int64(device), 10)
}

// SetMixedTypes makes every device alternate TEMP and CO2 event by event (by the parity of
// device + sequence number) instead of keeping one type. The sample's devices keep one type;
// mixed devices let the complex job's HighCO2WithSeveralTemperaturesIn70s fire, which needs
// temperatures and a CO2 reading of one device.
func (e *Encoder) SetMixedTypes(on bool) { e.mixed = on }

// Type is the sensor type of a device: even devices measure TEMP, odd ones CO2, so that a
// device's type is stable across events as in the sample's simulator.
func Type(device int) string {
	if device%2 == 0 {
		return "TEMP"
	}
	return "CO2"
}

// Append appends one event of device with sequence number seq created at createdAtMicros
// (Unix microseconds, UTC), in the sample's field order, with the next eventId of the run:
//
//	{"eventId":…,"complexData":{"moreData0":…,…},"value":…,"deviceId":…,
//	 "deviceSequenceNumber":…,"type":…,"createdAt":…}
func (e *Encoder) Append(buf []byte, device int, seq int64, createdAtMicros int64) []byte {
	buf = append(buf, `{"eventId":"`...)
	hi, lo := eventIDBits(e.run, e.n)
	e.n++
	buf = appendUUID(buf, hi, lo)
	buf = append(buf, `","complexData":{`...)
	for i := range ComplexFields {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `"moreData`...)
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, `":`...)
		buf = e.appendMeasurement(buf)
	}
	buf = append(buf, `},"value":`...)
	buf = e.appendMeasurement(buf)
	buf = append(buf, `,"deviceId":"`...)
	buf = e.AppendKey(buf, device)
	buf = append(buf, `","deviceSequenceNumber":`...)
	buf = strconv.AppendInt(buf, seq, 10)
	buf = append(buf, `,"type":"`...)
	if e.mixed {
		buf = append(buf, Type(device+int(seq&1))...)
	} else {
		buf = append(buf, Type(device)...)
	}
	buf = append(buf, `","createdAt":"`...)
	buf = AppendTimestampMicros(buf, createdAtMicros)
	return append(buf, `"}`...)
}

// appendMeasurement appends a random value in [0, 100) with 15 decimals, the precision of the
// sample's seed document (57.739726013343247). Printing random digits directly is several
// times faster than formatting a float64 and yields the same text shape and size.
func (e *Encoder) appendMeasurement(buf []byte) []byte {
	const frac = 1_000_000_000_000_000 // 15 decimals
	r := e.rng.Uint64()
	buf = strconv.AppendUint(buf, (r>>50)%100, 10)
	buf = append(buf, '.')
	f := (r & (1<<50 - 1)) % frac
	var d [15]byte
	for i := 14; i >= 0; i-- {
		d[i] = byte('0' + f%10)
		f /= 10
	}
	return append(buf, d[:]...)
}

const hexDigits = "0123456789abcdef"

// appendUUID formats 128 bits in the UUID text form; eventIDBits has set the version and
// variant bits of UUID v4.
func appendUUID(buf []byte, hi, lo uint64) []byte {
	var b [36]byte
	n := 0
	put := func(v uint64, nibbles int) {
		for i := nibbles - 1; i >= 0; i-- {
			b[n] = hexDigits[(v>>(uint(i)*4))&0xf]
			n++
		}
	}
	put(hi>>32, 8)
	b[n] = '-'
	n++
	put(hi>>16, 4)
	b[n] = '-'
	n++
	put(hi, 4)
	b[n] = '-'
	n++
	put(lo>>48, 4)
	b[n] = '-'
	n++
	put(lo, 12)
	return append(buf, b[:]...)
}
