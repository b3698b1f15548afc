package event

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/schema"
)

// TestEventsValidateAgainstTheSchema checks generated events against the JSON Schema
// published in docs/event.schema.json.
func TestEventsValidateAgainstTheSchema(t *testing.T) {
	s, err := schema.Load(filepath.Join("..", "..", "docs"))
	if err != nil {
		t.Fatal(err)
	}
	e := NewEncoder(5, DefaultDevicePrefix, 0x123456789abc)
	for i := range 2000 {
		b := e.Append(nil, i%1000, int64(i/1000), time.Now().UnixMicro())
		if err := s.ValidateEvent(b); err != nil {
			t.Fatalf("event %d does not validate: %v\n%s", i, err, b)
		}
	}
	// The schema must be able to fail: a wrong type is rejected.
	var bad map[string]any
	_ = json.Unmarshal(e.Append(nil, 1, 0, 0), &bad)
	bad["type"] = "HUMIDITY"
	b, _ := json.Marshal(bad)
	if s.ValidateEvent(b) == nil {
		t.Fatal("the schema accepted type HUMIDITY")
	}
}
