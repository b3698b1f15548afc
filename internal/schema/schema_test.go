package schema

import (
	"path/filepath"
	"strings"
	"testing"
)

const event = `{"eventId":"0f8e2b2c-0d55-4a8e-9b1e-2f3c4d5e6f70","complexData":{` +
	`"moreData0":57.739726013343247,"moreData1":1,"moreData2":2,"moreData3":3,"moreData4":4,"moreData5":5,"moreData6":6,"moreData7":7,` +
	`"moreData8":8,"moreData9":9,"moreData10":10,"moreData11":11,"moreData12":12,"moreData13":13,"moreData14":14,"moreData15":15,` +
	`"moreData16":16,"moreData17":17,"moreData18":18,"moreData19":19,"moreData20":20,"moreData21":21,"moreData22":44.44672606436184},` +
	`"value":49.02278128887753,"deviceId":"contoso://device-id-154","deviceSequenceNumber":0,"type":"CO2","createdAt":"2019-05-16T17:16:40.000003Z"}`

// withFields adds fields before the final brace, as the relay does.
func withFields(e, fields string) string { return strings.TrimSuffix(e, "}") + fields + "}" }

func TestSchemas(t *testing.T) {
	s, err := Load(filepath.Join("..", "..", "docs"))
	if err != nil {
		t.Fatal(err)
	}
	relayed := withFields(event, `,"enqueuedAt":"2019-05-16T17:16:40.012Z","processedAt":"2019-05-16T17:16:40.020Z"`)
	tests := []struct {
		name          string
		value         string
		event, output bool // valid as input, as output
	}{
		{"the seed document's event", event, true, false},
		{"the event relayed", relayed, false, true},
		{"a relayed event without processedAt", withFields(event, `,"enqueuedAt":"2019-05-16T17:16:40.012Z"`), false, false},
		{"enqueuedAt in microseconds", withFields(event, `,"enqueuedAt":"2019-05-16T17:16:40.012000Z","processedAt":"2019-05-16T17:16:40.020Z"`), false, false},
		{"an unknown field", withFields(event, `,"humidity":3`), false, false},
		{"an unknown type", strings.Replace(event, `"CO2"`, `"HUMIDITY"`, 1), false, false},
		{"a missing measurement", strings.Replace(event, `"moreData7":7,`, ``, 1), false, false},
		{"not JSON", `{"eventId":`, false, false},
	}
	for _, tt := range tests {
		if err := s.ValidateEvent([]byte(tt.value)); (err == nil) != tt.event {
			t.Errorf("%s: ValidateEvent = %v, want valid=%v", tt.name, err, tt.event)
		}
		if err := s.ValidateOutput([]byte(tt.value)); (err == nil) != tt.output {
			t.Errorf("%s: ValidateOutput = %v, want valid=%v", tt.name, err, tt.output)
		}
	}
}

// TestTagSchema: the complex job's tag records, as TagEvents writes them, and what is not one.
func TestTagSchema(t *testing.T) {
	s, err := Load(filepath.Join("..", "..", "docs"))
	if err != nil {
		t.Fatal(err)
	}
	tag := func(name string) string {
		return `{"deviceId":"contoso://device-id-7","processedAt":"2026-11-29T21:38:51.004Z",` +
			`"triggerEventCreatedAt":"2026-11-29T21:38:50.123456Z","triggerEventId":"0f8e2b2c-0d55-4a8e-9b1e-2f3c4d5e6f70","tag":"` + name + `"}`
	}
	tests := []struct {
		name  string
		value string
		valid bool
	}{
		{"first", tag("FirstTagForThisKey"), true},
		{"two records", tag("2RecordsForThisKey"), true},
		{"nine records", tag("9RecordsForThisKey"), true},
		{"temperatures", tag("SeveralTemperaturesIn70s"), true},
		{"CO2", tag("HighCO2WithSeveralTemperaturesIn70s"), true},
		{"no news", tag("NoNewsForAtLeast45000ms"), true},
		{"ten records (never: the buffer is full)", tag("10RecordsForThisKey"), false},
		{"one record (never: that is FirstTagForThisKey)", tag("1RecordsForThisKey"), false},
		{"an unknown tag", tag("Hot"), false},
		{"processedAt in microseconds", strings.Replace(tag("FirstTagForThisKey"), "51.004Z", "51.004000Z", 1), false},
		{"a missing field", strings.Replace(tag("FirstTagForThisKey"), `"deviceId":"contoso://device-id-7",`, "", 1), false},
		{"an extra field", withFields(tag("FirstTagForThisKey"), `,"x":1`), false},
		{"an event", event, false},
	}
	for _, tt := range tests {
		if err := s.ValidateTag([]byte(tt.value)); (err == nil) != tt.valid {
			t.Errorf("%s: ValidateTag = %v, want valid=%v", tt.name, err, tt.valid)
		}
	}
}

func TestLoadMissingDir(t *testing.T) {
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "read schema") {
		t.Fatalf("Load of an empty dir = %v, want a read error", err)
	}
}
