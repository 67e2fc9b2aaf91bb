package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"slices"
	"strconv"
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
		return nil, "The body is not well-formed JSON: " + where(body, err)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		next := end + int64(len(body[end:])-len(bytes.TrimLeft(body[end:], " \t\r\n")))
		return nil, "The body must hold exactly one JSON value: another starts at " + position(body, next) + "."
	}
	if probe == nil {
		// null would decode to an empty request (a PUT of null replaced a
		// list with nothing); every request body is an object.
		errs.Add("", "must be a JSON object, not null")
		return errs, ""
	}
	if ptr, dup := duplicateKey(body); dup {
		errs.Add(ptr, "is given more than once: give each member once")
		return errs, ""
	}
	body = wholeNumbers(body)
	if shape, ok := shapeErrors(body, v); !ok {
		return nil, "The body is not well-formed JSON."
	} else if !shape.OK() {
		// Every problem in one answer: the wrong types and unknown names,
		// and what Validate finds in the rest of the body.
		all := append(shape, rest(body, v, shape)...)
		sortErrors(all)
		return all, ""
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

// rest validates what is left of body once the members that have the wrong
// type or an unknown name are taken out, and returns the problems that are
// not about those members (a member taken out would read "is required").
func rest(body []byte, v any, shape validation.Errors) validation.Errors {
	val, ok := v.(Validator)
	if !ok {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var generic any
	if dec.Decode(&generic) != nil {
		return nil //nolint:nilerr // a body that does not decode has no other problems to add: the shape errors say why
	}
	for _, e := range shape {
		if e.Pointer == "" {
			return nil // the body itself has the wrong type
		}
		generic = remove(generic, strings.Split(e.Pointer, "/")[1:])
	}
	cleaned, err := json.Marshal(generic)
	if err != nil || json.Unmarshal(cleaned, v) != nil {
		return nil //nolint:nilerr // as above: nothing more can be said about a body that does not round-trip
	}
	var out validation.Errors
	for _, e := range val.Validate() {
		covered := slices.ContainsFunc(shape, func(s validation.FieldError) bool {
			return e.Pointer == s.Pointer || strings.HasPrefix(e.Pointer, s.Pointer+"/") || strings.HasPrefix(s.Pointer, e.Pointer+"/")
		})
		if !covered {
			out = append(out, e)
		}
	}
	return out
}

// remove takes the member or element at path out of a decoded JSON value
// (an array element becomes null so later indexes keep their pointers).
func remove(node any, path []string) any {
	if len(path) == 0 {
		return nil
	}
	key := strings.ReplaceAll(strings.ReplaceAll(path[0], "~1", "/"), "~0", "~")
	switch n := node.(type) {
	case map[string]any:
		if len(path) == 1 {
			delete(n, key)
		} else if child, ok := n[key]; ok {
			n[key] = remove(child, path[1:])
		}
	case []any:
		var i int
		if _, err := fmt.Sscanf(key, "%d", &i); err == nil && i >= 0 && i < len(n) {
			if len(path) == 1 {
				n[i] = nil
			} else {
				n[i] = remove(n[i], path[1:])
			}
		}
	}
	return node
}

// where says where a JSON syntax error is, for people fixing the body.
func where(body []byte, err error) string {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		// Offset counts the bytes read, the bad one included.
		return strings.TrimPrefix(syn.Error(), "json: ") + " at " + position(body, syn.Offset-1) + "."
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "it ends early, at " + position(body, int64(len(body))) + "."
	default:
		return strings.TrimPrefix(err.Error(), "json: ") + "."
	}
}

// position is "line L, column C (byte B)" of a byte offset (1-based line and
// column, counting characters, as editors do).
func position(body []byte, offset int64) string {
	if offset < 0 {
		offset = 0
	}
	if offset > int64(len(body)) {
		offset = int64(len(body))
	}
	before := body[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("line %d, column %d (byte %d)", line, col, offset)
}

// wholeNumbers rewrites numbers that are whole but written with a fraction
// or an exponent (2.0, 1e2) as whole numbers, so they fit an integer
// member: JSON Schema counts 2.0 as an integer, and so does the OpenAPI
// document, while encoding/json would refuse it for an int. Numbers are
// compared as float64 (what a JSON Schema validator does), up to 2^53.
// Bodies without such numbers are returned as they are.
func wholeNumbers(body []byte) []byte {
	if !bytes.ContainsAny(body, ".eE") {
		return body
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var tree any
	if dec.Decode(&tree) != nil {
		return body
	}
	changed := false
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case json.Number:
			s := string(x)
			if !strings.ContainsAny(s, ".eE") {
				return x
			}
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
				return x
			}
			changed = true
			return json.Number(strconv.FormatInt(int64(f), 10))
		}
		return v
	}
	tree = walk(tree)
	if !changed {
		return body
	}
	out, err := json.Marshal(tree)
	if err != nil {
		return body
	}
	return out
}
