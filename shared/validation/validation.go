// Package validation collects field-by-field problems with input so that a
// caller can be told everything that is wrong at once, each problem named by
// the JSON pointer (RFC 6901) of the field it concerns.
//
// It has no HTTP knowledge: shared/httpapi turns Errors into a 422
// problem+json response.
package validation

import (
	"strconv"
	"strings"
)

// FieldError is one problem with one field.
type FieldError struct {
	// Pointer is the RFC 6901 JSON pointer of the field, e.g. "/person/dateOfBirth".
	Pointer string `json:"pointer"`
	// Detail says what is wrong in words a person can act on.
	Detail string `json:"detail"`
}

// Errors is a list of field problems; the zero value is ready to use.
type Errors []FieldError

// Add records a problem at pointer.
func (e *Errors) Add(pointer, detail string) { *e = append(*e, FieldError{pointer, detail}) }

// At records a problem at the pointer built from parts (see Pointer).
func (e *Errors) At(detail string, parts ...any) { e.Add(Pointer(parts...), detail) }

// Merge appends other's problems, each pointer prefixed with prefix.
func (e *Errors) Merge(prefix string, other Errors) {
	for _, fe := range other {
		*e = append(*e, FieldError{prefix + fe.Pointer, fe.Detail})
	}
}

// OK reports whether no problem was recorded.
func (e Errors) OK() bool { return len(e) == 0 }

// Err returns e as an error, or nil if there is no problem.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// Error implements error with a summary that names the fields but not their
// values (values may be personal data and errors end up in logs).
func (e Errors) Error() string {
	ptrs := make([]string, len(e))
	for i, fe := range e {
		ptrs[i] = fe.Pointer
	}
	return "invalid fields: " + strings.Join(ptrs, ", ")
}

// Pointer builds an RFC 6901 JSON pointer from path parts: strings are
// escaped member names, ints are array indexes.
//
//	Pointer("offences", 0, "statute") == "/offences/0/statute"
func Pointer(parts ...any) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteByte('/')
		switch v := p.(type) {
		case int:
			b.WriteString(strconv.Itoa(v))
		case string:
			b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(v))
		default:
			panic("validation.Pointer: part must be string or int")
		}
	}
	return b.String()
}

// Required records "is required" at pointer when blank is true, and reports
// whether the value was present.
func (e *Errors) Required(pointer string, blank bool) bool {
	if blank {
		e.Add(pointer, "is required")
	}
	return !blank
}
