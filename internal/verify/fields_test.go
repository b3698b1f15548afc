package verify

import (
	"errors"
	"testing"
	"time"
)

const sampleOut = `{"eventId":"a4e5c2c6-1d2b-4b8e-9a0f-0b9f3f2d7c11","complexData":{"moreData0":57.739726013343247,"deviceId":"nested","moreData22":44.44672606436184},"value":49.02278128887753,"deviceId":"contoso://device-id-154","deviceSequenceNumber":12,"type":"CO2","createdAt":"2019-05-16T17:16:40.000003Z","enqueuedAt":"2019-05-16T17:16:40.123Z","processedAt":"2019-05-16T17:16:40.130Z"}`

func micros(s string) int64 {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UnixMicro()
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		device  string
		seq     int64
		enq     int64
		wantErr bool
	}{
		{"sample output", sampleOut, "contoso://device-id-154", 12, micros("2019-05-16T17:16:40.123Z"), false},
		{"other key order", `{"enqueuedAt":"2019-05-16T17:16:40.123Z","deviceSequenceNumber":3,"deviceId":"d"}`, "d", 3, micros("2019-05-16T17:16:40.123Z"), false},
		{"key inside a string value", `{"note":"\"deviceId\":\"x\"","deviceId":"real","deviceSequenceNumber":1}`, "real", 1, 0, false},
		{"nested arrays and whitespace", ` { "a" : [ {"deviceId":"no"}, "]" ] , "deviceId" : "d" , "deviceSequenceNumber" : 0 } `, "d", 0, 0, false},
		{"missing added fields", `{"deviceId":"d","deviceSequenceNumber":5}`, "d", 5, 0, false},
		{"not an object", `[1,2]`, "", 0, 0, true},
		{"truncated", `{"deviceId":"d","deviceSeq`, "", 0, 0, true},
		{"trailing data", `{"deviceId":"d"} x`, "", 0, 0, true},
		{"negative sequence", `{"deviceId":"d","deviceSequenceNumber":-1}`, "", 0, 0, true},
		{"bad timestamp", `{"deviceId":"d","enqueuedAt":"yesterday"}`, "", 0, 0, true},
		{"empty", ``, "", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f Fields
			err := Extract([]byte(tt.in), &f)
			if tt.wantErr {
				if !errors.Is(err, errMalformed) {
					t.Fatalf("Extract = %v, want a malformed error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(f.DeviceID) != tt.device || f.Seq != tt.seq || f.EnqueuedAt != tt.enq {
				t.Fatalf("got device %q seq %d enqueued %d", f.DeviceID, f.Seq, f.EnqueuedAt)
			}
		})
	}
}

func TestExtractAllFieldsOfSample(t *testing.T) {
	var f Fields
	if err := Extract([]byte(sampleOut), &f); err != nil {
		t.Fatal(err)
	}
	if string(f.EventID) != "a4e5c2c6-1d2b-4b8e-9a0f-0b9f3f2d7c11" ||
		f.CreatedAt != micros("2019-05-16T17:16:40.000003Z") || f.ProcessedAt != micros("2019-05-16T17:16:40.130Z") {
		t.Fatalf("fields = %+v", f)
	}
}

func TestParseTimestampMatchesTime(t *testing.T) {
	for _, s := range []string{"1970-01-01T00:00:00Z", "2000-02-29T23:59:59.999Z", "2019-05-16T17:16:40.000003Z", "1969-12-31T23:59:59.5Z", "2099-12-31T00:00:00.123456789Z"} {
		got, ok := parseTimestamp([]byte(s))
		if !ok || got != micros(s) {
			t.Errorf("parseTimestamp(%s) = %d, %v; want %d", s, got, ok, micros(s))
		}
	}
	for _, s := range []string{"2019-05-16 17:16:40Z", "2019-05-16T17:16:40+01:00", "2019-13-16T17:16:40Z", "2019-05-16T17:16:40.Z"} {
		if _, ok := parseTimestamp([]byte(s)); ok {
			t.Errorf("parseTimestamp(%s) accepted a non-UTC-RFC-3339 value", s)
		}
	}
}

func TestExtractAllocatesNothing(t *testing.T) {
	var f Fields
	b := []byte(sampleOut)
	if n := testing.AllocsPerRun(1000, func() { _ = Extract(b, &f) }); n != 0 {
		t.Fatalf("Extract allocates %.1f times per record, want 0", n)
	}
}

func FuzzExtract(f *testing.F) {
	f.Add([]byte(sampleOut))
	f.Add([]byte(`{"a":[{"b":"\"}"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var fl Fields
		_ = Extract(b, &fl) // must not panic
	})
}

func BenchmarkExtract(b *testing.B) {
	var f Fields
	v := []byte(sampleOut)
	b.SetBytes(int64(len(v)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Extract(v, &f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
