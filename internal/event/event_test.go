package event

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
)

type decoded struct {
	EventID     string             `json:"eventId"`
	ComplexData map[string]float64 `json:"complexData"`
	Value       float64            `json:"value"`
	DeviceID    string             `json:"deviceId"`
	Seq         int64              `json:"deviceSequenceNumber"`
	Type        string             `json:"type"`
	CreatedAt   string             `json:"createdAt"`
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestAppendIsTheSampleSchema(t *testing.T) {
	e := NewEncoder(42, DefaultDevicePrefix, 0x123456789abc)
	created := time.Date(2019, 5, 16, 17, 16, 40, 3000, time.UTC)
	b := e.Append(nil, 154, 7, created.UnixMicro())
	var d decoded
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("not valid JSON of the schema: %v\n%s", err, b)
	}
	if !uuidV4.MatchString(d.EventID) {
		t.Errorf("eventId %q is not a UUID v4", d.EventID)
	}
	if len(d.ComplexData) != ComplexFields {
		t.Errorf("complexData has %d fields, want %d", len(d.ComplexData), ComplexFields)
	}
	if d.DeviceID != "contoso://device-id-154" || d.Seq != 7 || d.Type != "TEMP" {
		t.Errorf("device fields = %q %d %q", d.DeviceID, d.Seq, d.Type)
	}
	if d.CreatedAt != "2019-05-16T17:16:40.000003Z" {
		t.Errorf("createdAt = %q", d.CreatedAt)
	}
	order := []string{`"eventId"`, `"complexData"`, `"moreData0"`, `"moreData22"`, `"value"`, `"deviceId"`, `"deviceSequenceNumber"`, `"type"`, `"createdAt"`}
	last := -1
	for _, k := range order {
		i := strings.Index(string(b), k)
		if i <= last {
			t.Fatalf("field %s out of order in %s", k, b)
		}
		last = i
	}
	if key := string(e.AppendKey(nil, 154)); key != d.DeviceID {
		t.Errorf("key %q != deviceId %q", key, d.DeviceID)
	}
}

func TestSameSeedSameBytes(t *testing.T) {
	a, b := NewEncoder(7, DefaultDevicePrefix, 0x123456789abc), NewEncoder(7, DefaultDevicePrefix, 0x123456789abc)
	c := NewEncoder(8, DefaultDevicePrefix, 0x123456789abc)
	for i := range 100 {
		x, y, z := a.Append(nil, i, int64(i), 1), b.Append(nil, i, int64(i), 1), c.Append(nil, i, int64(i), 1)
		if !bytes.Equal(x, y) {
			t.Fatalf("event %d differs for the same seed", i)
		}
		if bytes.Equal(x, z) {
			t.Fatalf("event %d equal for different seeds", i)
		}
	}
}

func TestMeanSizeIsTheSamples(t *testing.T) {
	e := NewEncoder(1, DefaultDevicePrefix, 0x123456789abc)
	var total int
	const n = 10000
	for i := range n {
		total += len(e.Append(nil, i%1000, int64(i), time.Now().UnixMicro()))
	}
	mean := float64(total) / n
	if mean < 850 || mean > 1050 {
		t.Fatalf("mean event size %.0f bytes, want about 950 as in the sample", mean)
	}
	t.Logf("mean event size %.1f bytes", mean)
}

func TestAppendTimestampMicrosMatchesTime(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []int64{0, -1, 951782400000000 /* 2000-02-29 */, 4102444799999999 /* 2099-12-31T23:59:59.999999 */}
	for range 10000 {
		cases = append(cases, r.Int64N(4102444800000000)-1000000000000000)
	}
	for _, us := range cases {
		want := time.UnixMicro(us).UTC().Format("2006-01-02T15:04:05.000000Z")
		if got := string(AppendTimestampMicros(nil, us)); got != want {
			t.Fatalf("AppendTimestampMicros(%d) = %s, want %s", us, got, want)
		}
	}
}

func TestAppendAllocatesNothing(t *testing.T) {
	e := NewEncoder(3, DefaultDevicePrefix, 0x123456789abc)
	buf := make([]byte, 0, 2048)
	allocs := testing.AllocsPerRun(1000, func() {
		buf = e.Append(buf[:0], 12, 34, 1558026999000003)
		buf = e.AppendKey(buf[:0], 12)
	})
	if allocs != 0 {
		t.Fatalf("Append allocates %.1f times per event, want 0", allocs)
	}
}

func BenchmarkAppend(b *testing.B) {
	e := NewEncoder(3, DefaultDevicePrefix, 0x123456789abc)
	buf := make([]byte, 0, 2048)
	now := time.Now().UnixMicro()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		buf = e.Append(buf[:0], i%1000, int64(i), now+int64(i))
	}
	b.SetBytes(int64(len(buf)))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// TestTypesPerDevice: a device keeps its type by default, as in the sample; with mixed types
// it alternates TEMP and CO2 with its sequence number.
func TestTypesPerDevice(t *testing.T) {
	tests := []struct {
		name  string
		mixed bool
		want  []string // device 4's types for seq 0..3
	}{
		{"one type per device", false, []string{"TEMP", "TEMP", "TEMP", "TEMP"}},
		{"mixed", true, []string{"TEMP", "CO2", "TEMP", "CO2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEncoder(1, DefaultDevicePrefix, NewRunID())
			e.SetMixedTypes(tt.mixed)
			for seq, want := range tt.want {
				var ev struct {
					Type string `json:"type"`
				}
				if err := json.Unmarshal(e.Append(nil, 4, int64(seq), 0), &ev); err != nil {
					t.Fatal(err)
				}
				if ev.Type != want {
					t.Errorf("seq %d: type %q, want %q", seq, ev.Type, want)
				}
			}
		})
	}
}
