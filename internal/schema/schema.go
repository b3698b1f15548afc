// Package schema checks records against the JSON Schemas of the data contract published in
// docs/: event.schema.json (what the generator sends to the input topic) and
// output.schema.json (what the relay writes: the event plus enqueuedAt and processedAt) and
// tag.schema.json (what the complex job writes: one tag per record).
package schema

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Set holds the compiled input, output and tag schemas.
type Set struct {
	event, output, tag *jsonschema.Schema
}

// Load compiles event.schema.json, output.schema.json and tag.schema.json from dir. The output schema refers
// to the event schema by its $id, so both are registered under their $id.
func Load(dir string) (*Set, error) {
	c := jsonschema.NewCompiler()
	ids := map[string]string{}
	for _, name := range []string{"event.schema.json", "output.schema.json", "tag.schema.json"} {
		path := filepath.Join(dir, name)
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read schema: %w", err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", path, err)
		}
		obj, _ := doc.(map[string]any)
		id, _ := obj["$id"].(string)
		if id == "" {
			return nil, fmt.Errorf("schema %s has no $id", path)
		}
		if err := c.AddResource(id, doc); err != nil {
			return nil, fmt.Errorf("schema %s: %w", path, err)
		}
		ids[name] = id
	}
	var s Set
	var err error
	if s.event, err = c.Compile(ids["event.schema.json"]); err != nil {
		return nil, fmt.Errorf("compile event schema: %w", err)
	}
	if s.output, err = c.Compile(ids["output.schema.json"]); err != nil {
		return nil, fmt.Errorf("compile output schema: %w", err)
	}
	if s.tag, err = c.Compile(ids["tag.schema.json"]); err != nil {
		return nil, fmt.Errorf("compile tag schema: %w", err)
	}
	return &s, nil
}

// ValidateEvent checks one input record's value against event.schema.json.
func (s *Set) ValidateEvent(value []byte) error { return validate(s.event, value) }

// ValidateOutput checks one output record's value against output.schema.json.
func (s *Set) ValidateOutput(value []byte) error { return validate(s.output, value) }

// ValidateTag checks one record the complex job wrote against tag.schema.json.
func (s *Set) ValidateTag(value []byte) error { return validate(s.tag, value) }

func validate(sch *jsonschema.Schema, value []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(value))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return sch.Validate(v)
}
