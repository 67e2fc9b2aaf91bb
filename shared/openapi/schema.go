package openapi

import (
	"encoding/json"
	"math"
	"reflect"
	"sort"
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
	// owners is the type each component name stands for: two types of the
	// same name in different packages (minutesapi.Body, reportapi.Body)
	// must not share one schema.
	owners map[string]reflect.Type
}

func newSchemas(enums map[reflect.Type][]string) *schemas {
	return &schemas{defs: map[string]any{}, enums: enums, names: map[reflect.Type]string{}, owners: map[string]reflect.Type{}}
}

var (
	dateType = reflect.TypeFor[civil.Date]()
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// named registers t under name in components/schemas and returns a $ref.
func (s *schemas) named(name string, t reflect.Type) map[string]any {
	if prev, ok := s.names[t]; ok {
		name = prev
	} else if owner, taken := s.owners[name]; taken && owner != t {
		// Another package's type has the name: qualify this one by its
		// package ("MinutesapiBody").
		pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
		name = strings.ToUpper(pkg[:1]) + pkg[1:] + name
	}
	s.owners[name] = t
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
		// civil.Parse: a real calendar date, years 1900 to 2200.
		return map[string]any{"type": "string", "format": "date", "pattern": datePattern,
			"description": "ISO 8601 calendar date (YYYY-MM-DD), 1900 to 2200"}
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
		var req []string
		s.fields(t, t, props, &req)
		o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		if len(req) > 0 {
			sort.Strings(req)
			o["required"] = req
		}
		if r, ok := objectRules[t]; ok {
			o["x-rule"] = r
			o["description"] = "Rule: " + r
		}
		return o
	case reflect.Map:
		// The strict decoder refuses member names with control characters
		// and null values.
		return map[string]any{"type": "object", "propertyNames": map[string]any{"pattern": textPattern},
			"additionalProperties": s.of(t.Elem())}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": s.of(t.Elem())}
	case reflect.String:
		// httpapi.ForbiddenRune: no string of a request may hold control or
		// bidirectional-override characters.
		return map[string]any{"type": "string", "pattern": textPattern}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		// What the decoder's Go type can hold ("must be a whole number in range").
		return map[string]any{"type": "integer", "minimum": intMin(t), "maximum": intMax(t)}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	}
	return map[string]any{}
}

// fields adds t's members to props; owner is the type whose schema this is
// (t's rules apply, and owner's, for members t embeds).
func (s *schemas) fields(owner, t reflect.Type, props map[string]any, required *[]string) {
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
				s.fields(owner, et, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m := s.of(f.Type)
		r, ruled := rules[owner][name]
		if !ruled {
			r, ruled = rules[t][name]
		}
		if ruled {
			m = r.apply(m)
		}
		if ruled && r.required {
			*required = append(*required, name)
		} else {
			// The decoder takes null for an absent member.
			m = nullable(m)
		}
		if ruled && r.rule != "" {
			m["x-rule"] = r.rule
			m["description"] = "Rule: " + r.rule
		}
		props[name] = m
	}
}

// nullable lets m also be null.
func nullable(m map[string]any) map[string]any {
	return map[string]any{"anyOf": []any{m, map[string]any{"type": "null"}}}
}

func intMin(t reflect.Type) any {
	switch t.Kind() {
	case reflect.Int8:
		return math.MinInt8
	case reflect.Int16:
		return math.MinInt16
	case reflect.Int32:
		return math.MinInt32
	case reflect.Int, reflect.Int64:
		return int64(math.MinInt64)
	}
	return 0
}

func intMax(t reflect.Type) any {
	switch t.Kind() {
	case reflect.Int8:
		return math.MaxInt8
	case reflect.Int16:
		return math.MaxInt16
	case reflect.Int32:
		return math.MaxInt32
	case reflect.Int, reflect.Int64:
		return int64(math.MaxInt64)
	case reflect.Uint8:
		return math.MaxUint8
	case reflect.Uint16:
		return math.MaxUint16
	case reflect.Uint32:
		return math.MaxUint32
	}
	return uint64(math.MaxUint64)
}
