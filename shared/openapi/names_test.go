package openapi

import (
	"reflect"
	"strings"
	"testing"
)

// TestEveryTypeHasItsOwnSchema: two Go response types never share one
// component schema, even where they have the same name in different packages (the
// minutes record and the report are both a "Body"): a client generated
// from the document must see each body as it is.
func TestEveryTypeHasItsOwnSchema(t *testing.T) {
	doc := Document()
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	s := newSchemas(enums())
	byRef := map[string]reflect.Type{}
	for _, op := range Operations() {
		var types []reflect.Type
		for _, rt := range completeResponses(op) {
			types = append(types, rt)
		}
		for _, rt := range types {
			if rt == nil {
				continue
			}
			for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice {
				rt = rt.Elem()
			}
			if rt.Kind() != reflect.Struct || rt.Name() == "" {
				continue
			}
			ref := s.named(schemaName(rt), rt)["$ref"].(string)
			if prev, ok := byRef[ref]; ok && prev != rt {
				t.Errorf("%s stands for both %s and %s", ref, prev, rt)
			}
			byRef[ref] = rt
			if _, ok := schemas[strings.TrimPrefix(ref, "#/components/schemas/")]; !ok {
				t.Errorf("%s (%s) is not in the document", ref, rt)
			}
		}
	}
	paths := doc["paths"].(map[string]any)
	ref := func(path string) any {
		return paths[path].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["$ref"]
	}
	if m, r := ref("/v1/staff/meetings/{id}/minutes"), ref("/v1/staff/reports"); m == r {
		t.Errorf("the minutes record and the reports body share the schema %v", m)
	}
}
