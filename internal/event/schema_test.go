package event

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestEventsValidateAgainstTheSchema checks generated events against the JSON Schema
// published in docs/event.schema.json.
func TestEventsValidateAgainstTheSchema(t *testing.T) {
	path, err := filepath.Abs(filepath.Join("..", "..", "docs", "event.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(path, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(path)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEncoder(5, DefaultDevicePrefix)
	for i := range 2000 {
		b := e.Append(nil, i%1000, int64(i/1000), time.Now().UnixMicro())
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("event %d is not JSON: %v", i, err)
		}
		if err := schema.Validate(v); err != nil {
			t.Fatalf("event %d does not validate: %v\n%s", i, err, b)
		}
	}
	// The schema must be able to fail: a wrong type is rejected.
	var bad map[string]any
	_ = json.Unmarshal(e.Append(nil, 1, 0, 0), &bad)
	bad["type"] = "HUMIDITY"
	b, _ := json.Marshal(bad)
	v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if schema.Validate(v) == nil {
		t.Fatal("the schema accepted type HUMIDITY")
	}
}
