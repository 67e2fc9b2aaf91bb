package openapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

// schemas generates JSON Schemas (OpenAPI 3.1 dialect) for Go types from
// their json tags, so the documented request bodies are the decoder's types
// and cannot drift from them. Struct schemas forbid additional properties,
// as the strict decoder does.
type schemas struct {
	defs  map[string]any
	enums map[reflect.Type][]string
	names map[reflect.Type]string
}

func newSchemas(enums map[reflect.Type][]string) *schemas {
	return &schemas{defs: map[string]any{}, enums: enums, names: map[reflect.Type]string{}}
}

var (
	dateType = reflect.TypeFor[civil.Date]()
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// named registers t under name in components/schemas and returns a $ref.
func (s *schemas) named(name string, t reflect.Type) map[string]any {
	s.names[t] = name
	if _, done := s.defs[name]; !done {
		s.defs[name] = map[string]any{} // placeholder against recursion
		s.defs[name] = s.inline(t)
	}
	return ref(name)
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func (s *schemas) of(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if name, ok := s.names[t]; ok {
		return ref(name)
	}
	return s.inline(t)
}

func (s *schemas) inline(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case dateType:
		return map[string]any{"type": "string", "format": "date", "description": "ISO 8601 calendar date (YYYY-MM-DD)"}
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case rawType:
		return map[string]any{}
	}
	if vals, ok := s.enums[t]; ok {
		return map[string]any{"type": "string", "enum": vals}
	}
	switch t.Kind() {
	case reflect.Struct:
		props := map[string]any{}
		s.fields(t, props)
		return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": s.of(t.Elem())}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": s.of(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	}
	return map[string]any{}
}

func (s *schemas) fields(t reflect.Type, props map[string]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			et := f.Type
			for et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				s.fields(et, props)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = s.of(f.Type)
	}
}
