package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mappa-coordinator/mappa/shared/validation"
)

// MaxBody is the default largest request body accepted (256 KiB): a MAPPA A
// referral with many children and offences is a few kilobytes.
const MaxBody = 256 << 10

// Validator is implemented by request bodies that check themselves after
// decoding; the problems are reported together with decoding problems.
type Validator interface {
	Validate() validation.Errors
}

// Decode reads r's JSON body into v strictly: the media type must be JSON,
// the body at most limit bytes, unknown fields are refused, there must be
// exactly one JSON value. If v implements Validator it is validated too.
//
// On failure Decode has already written the problem response (400, 413, 415
// or 422) and returns false; the caller just returns.
func Decode(w http.ResponseWriter, r *http.Request, limit int64, v any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			WriteProblem(w, r, Problem{Type: TypeUnsupported, Status: http.StatusUnsupportedMediaType,
				Title: "Send JSON", Detail: "The body must be application/json."})
			return false
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			WriteProblem(w, r, Problem{Type: TypeTooLarge, Status: http.StatusRequestEntityTooLarge,
				Title: "The request body is too large", Detail: fmt.Sprintf("The body must be at most %d bytes.", limit)})
			return false
		}
		WriteProblem(w, r, Problem{Type: TypeMalformed, Status: http.StatusBadRequest, Title: "The body could not be read"})
		return false
	}
	if errs, malformed := DecodeBytes(body, v); malformed != "" {
		WriteProblem(w, r, Problem{Type: TypeMalformed, Status: http.StatusBadRequest,
			Title: "The body is not valid JSON", Detail: malformed})
		return false
	} else if !errs.OK() {
		Invalid(w, r, errs)
		return false
	}
	return true
}

// DecodeBytes decodes body into v strictly and validates it. It returns a
// non-empty malformed description if body is not JSON at all, otherwise the
// field problems (unknown fields, wrong types, Validate's findings). It never
// panics on any input (see the fuzz test).
//
// Strict beyond encoding/json: a body that is not valid UTF-8 is malformed
// (encoding/json would silently replace the bad bytes), a member named twice
// in one object is refused (encoding/json keeps the last), and no string may
// hold control or bidirectional-override characters (ForbiddenRune).
func DecodeBytes(body []byte, v any) (errs validation.Errors, malformed string) {
	if !utf8.Valid(body) {
		return nil, "The body is not valid UTF-8."
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var probe any
	if err := dec.Decode(&probe); err != nil {
		return nil, "The body is not well-formed JSON."
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, "The body must hold exactly one JSON value."
	}
	if ptr, dup := duplicateKey(body); dup {
		errs.Add(ptr, "is given more than once: give each member once")
		return errs, ""
	}
	if shape, ok := shapeErrors(body, v); !ok {
		return nil, "The body is not well-formed JSON."
	} else if !shape.OK() {
		sortErrors(shape)
		return shape, ""
	}
	if err := json.Unmarshal(body, v); err != nil {
		// checkShape accepts only what Unmarshal accepts, so this is a
		// mismatch between the two; report it rather than hide it.
		errs.Add("", "could not be read: "+strings.TrimPrefix(err.Error(), "json: "))
		return errs, ""
	}
	if val, ok := v.(Validator); ok {
		errs = append(errs, val.Validate()...)
	}
	return errs, ""
}

func sortErrors(errs validation.Errors) {
	slices.SortStableFunc(errs, func(a, b validation.FieldError) int { return strings.Compare(a.Pointer, b.Pointer) })
}
