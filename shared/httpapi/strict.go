package httpapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/validation"
)

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// checkShape walks a generically decoded JSON value against the Go type it
// is meant for and reports, by JSON pointer, every unknown member and every
// value of the wrong kind, including values a type's own UnmarshalJSON
// refuses (an impossible date). encoding/json stops at the first problem and
// names nested fields without their path; people correcting a referral want
// the whole list at once.
func checkShape(v any, t reflect.Type, ptr string, errs *validation.Errors) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return // null: absence; required-ness is Validate's job
	}
	if s, ok := v.(string); ok && HasForbiddenRune(s) {
		errs.Add(ptr, "must not contain control characters or bidirectional-override characters")
		return
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		raw, _ := json.Marshal(v)
		target := reflect.New(t).Interface().(json.Unmarshaler)
		if err := target.UnmarshalJSON(raw); err != nil {
			errs.Add(ptr, err.Error())
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			errs.Add(ptr, "must be an object")
			return
		}
		fields := jsonFields(t)
		for name, val := range obj {
			if HasForbiddenRune(name) {
				errs.Add(ptr, "has a member name with control or bidirectional-override characters")
				continue
			}
			f, ok := fields[name]
			if !ok {
				errs.Add(ptr+validation.Pointer(name), "is not a field this endpoint accepts")
				continue
			}
			checkShape(val, f, ptr+validation.Pointer(name), errs)
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			errs.Add(ptr, "must be an object")
			return
		}
		for name, val := range obj {
			if HasForbiddenRune(name) {
				errs.Add(ptr, "has a member name with control or bidirectional-override characters")
				continue
			}
			if val == nil {
				errs.Add(ptr+validation.Pointer(name), "must not be null")
				continue
			}
			checkShape(val, t.Elem(), ptr+validation.Pointer(name), errs)
		}
	case reflect.Slice, reflect.Array:
		arr, ok := v.([]any)
		if !ok {
			errs.Add(ptr, "must be an array")
			return
		}
		for i, val := range arr {
			if val == nil {
				// An object member may be null (absent); an item of a
				// list may not: [null] is not a list of anything.
				errs.Add(ptr+validation.Pointer(i), "must not be null")
				continue
			}
			checkShape(val, t.Elem(), ptr+validation.Pointer(i), errs)
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			errs.Add(ptr, "must be a string")
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			errs.Add(ptr, "must be true or false")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(json.Number)
		if !ok {
			errs.Add(ptr, "must be a whole number")
			return
		}
		probe := reflect.New(t)
		if err := json.Unmarshal([]byte(n.String()), probe.Interface()); err != nil {
			errs.Add(ptr, "must be a whole number in range")
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := v.(json.Number); !ok {
			errs.Add(ptr, "must be a number")
		}
	case reflect.Interface:
		// any: accepted as is
	}
}

// jsonFields maps the JSON member names of struct t (following embedded
// structs, honouring json tags and "-") to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			et := f.Type
			for et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for k, v := range jsonFields(et) {
					if _, dup := out[k]; !dup {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// shapeErrors decodes body generically and checks it against v's type.
func shapeErrors(body []byte, v any) (validation.Errors, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, false //nolint:nilerr // not JSON: the caller reports it as malformed
	}
	var errs validation.Errors
	checkShape(generic, reflect.TypeOf(v), "", &errs)
	return errs, true
}
