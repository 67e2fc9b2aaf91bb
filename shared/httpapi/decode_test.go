package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

type child struct {
	Name        string     `json:"name"`
	DateOfBirth civil.Date `json:"dateOfBirth"`
}

type body struct {
	Name     string  `json:"name"`
	Months   int     `json:"months"`
	Open     bool    `json:"open"`
	Children []child `json:"children"`
	Meta     struct {
		Ref string `json:"ref"`
	} `json:"meta"`
}

func (b body) Validate() validation.Errors {
	var e validation.Errors
	e.Required("/name", b.Name == "")
	if b.Months < 0 {
		e.Add("/months", "must not be negative")
	}
	return e
}

func pointers(errs validation.Errors) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Pointer)
	}
	return out
}

func TestDecodeBytesReportsEveryFieldByPointer(t *testing.T) {
	var b body
	errs, malformed := DecodeBytes([]byte(`{"name":"x","months":"six","extra":1,
		"children":[{"name":"a","dateOfBirth":"2020-02-30"},{"nmae":"b"}],"meta":{"ref":5}}`), &b)
	if malformed != "" {
		t.Fatalf("malformed: %s", malformed)
	}
	want := []string{"/children/0/dateOfBirth", "/children/1/nmae", "/extra", "/meta/ref", "/months"}
	if got := pointers(errs); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("pointers = %v, want %v", got, want)
	}
}

func TestDecodeBytesRunsValidateAfterShape(t *testing.T) {
	var b body
	errs, _ := DecodeBytes([]byte(`{"months":-1}`), &b)
	if got := strings.Join(pointers(errs), ","); got != "/name,/months" {
		t.Errorf("pointers = %s", got)
	}
}

func TestDecodeBytesReportsWrongTypesTogetherWithEverythingElse(t *testing.T) {
	var b body
	// A wrong type, an unknown name, and a missing name: all three at once.
	errs, malformed := DecodeBytes([]byte(`{"months":"six","colour":"red","children":[5,{"name":"a"}]}`), &b)
	if malformed != "" {
		t.Fatalf("malformed: %s", malformed)
	}
	if got := strings.Join(pointers(errs), ","); got != "/children/0,/colour,/months,/name" {
		t.Errorf("pointers = %s (%v)", got, errs)
	}
}

func TestDecodeBytesSaysWhereJSONIsMalformed(t *testing.T) {
	cases := map[string]string{
		"{\n  \"name\": \"x\",\n  }": "line 3, column 3",
		`{"name": "x"`:               "ends early, at line 1, column 13",
		`{"a":1}{"b":2}`:             "line 1, column 8",
		"{\n \"name\": \"é\" x}":     "line 2, column 14",
	}
	for in, want := range cases {
		var b body
		_, malformed := DecodeBytes([]byte(in), &b)
		if !strings.Contains(malformed, want) {
			t.Errorf("%q: %q does not say %q", in, malformed, want)
		}
	}
}

func TestDecodeBytesMalformed(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a":1}{"b":2}`, `nul`, `{"name":"x",}`} {
		var b body
		if _, malformed := DecodeBytes([]byte(in), &b); malformed == "" {
			t.Errorf("%q not reported as malformed", in)
		}
	}
}

func TestDecodeWritesProblems(t *testing.T) {
	cases := []struct {
		name, ct, body string
		limit          int64
		status         int
	}{
		{"ok", "application/json", `{"name":"x"}`, 1024, 0},
		{"wrong media type", "text/plain", `{"name":"x"}`, 1024, 415},
		{"too large", "application/json", `{"name":"` + strings.Repeat("x", 2000) + `"}`, 1024, 413},
		{"malformed", "application/json", `{"name":`, 1024, 400},
		{"invalid", "application/json", `{"name":""}`, 1024, 422},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(c.body))
			r.Header.Set("Content-Type", c.ct)
			w := httptest.NewRecorder()
			var b body
			ok := Decode(w, r, c.limit, &b)
			if c.status == 0 {
				if !ok || b.Name != "x" {
					t.Fatalf("decode failed: %d %s", w.Code, w.Body)
				}
				return
			}
			if ok || w.Code != c.status {
				t.Fatalf("status %d ok=%v, want %d", w.Code, ok, c.status)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("content type %q", ct)
			}
			var p Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != c.status || p.Type == "" {
				t.Errorf("problem body %s", w.Body)
			}
		})
	}
}

func FuzzDecodeBytes(f *testing.F) {
	f.Add([]byte(`{"name":"x","children":[{"dateOfBirth":"2020-01-01"}]}`))
	f.Add([]byte(`{"months":1e400}`))
	f.Add([]byte(`[1,2,3]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b body
		_, _ = DecodeBytes(data, &b)
	})
}

// Issue 12, finding 5: input that encoding/json would accept quietly.
func TestDecodeBytesIsStrict(t *testing.T) {
	cases := []struct {
		name      string
		body      string
		malformed bool
		pointers  []string
	}{
		{"invalid UTF-8 is not replaced", "{\"name\":\"Sam\xff\"}", true, nil},
		{"duplicate member", `{"name":"a","months":1,"name":"b"}`, false, []string{"/name"}},
		{"duplicate nested member", `{"name":"a","meta":{"ref":"x","ref":"y"}}`, false, []string{"/meta/ref"}},
		{"duplicate in an array element", `{"name":"a","children":[{"name":"c"},{"name":"d","name":"e"}]}`, false, []string{"/children/1/name"}},
		{"right-to-left override", `{"name":"abc\u202edef"}`, false, []string{"/name"}},
		{"bidi isolate", `{"name":"abc\u2066def"}`, false, []string{"/name"}},
		{"NUL", `{"name":"a\u0000"}`, false, []string{"/name"}},
		{"C1 control", `{"name":"a\u0085"}`, false, []string{"/name"}},
		{"control character in a member name", `{"name":"a","na\u0001me":1}`, false, []string{""}},
		{"line breaks and tabs are text", `{"name":"a\n\tb"}`, false, nil},
		{"same names in different objects", `{"name":"a","children":[{"name":"c"},{"name":"d"}]}`, false, nil},
		{"a null body is not an empty request", `null`, false, []string{""}},
		{"a null member is absent", `{"name":"a","meta":null,"children":null}`, false, nil},
		{"a null list item is refused", `{"name":"a","children":[{"name":"c"},null]}`, false, []string{"/children/1"}},
		{"a whole number may be written 2.0 (JSON Schema's integer)", `{"name":"a","months":2.0}`, false, nil},
		{"or 1e1", `{"name":"a","months":1e1}`, false, nil},
		{"but not 2.5", `{"name":"a","months":2.5}`, false, []string{"/months"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b body
			errs, malformed := DecodeBytes([]byte(c.body), &b)
			if (malformed != "") != c.malformed {
				t.Fatalf("malformed %q", malformed)
			}
			if got := pointers(errs); strings.Join(got, ",") != strings.Join(c.pointers, ",") {
				t.Errorf("pointers %v, want %v", got, c.pointers)
			}
		})
	}
}

// Issue 12, finding 4: a body with thousands of problems gets the first 50
// and the count, not a response many times its size.
func TestValidationErrorsAreCapped(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"name":"a","children":[`)
	for i := range 5000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"x":1}`)
	}
	sb.WriteString(`]}`)
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(sb.String()))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	var b body
	if Decode(w, req, MaxBody, &b) {
		t.Fatal("accepted")
	}
	var p Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if w.Code != 422 || len(p.Errors) != MaxErrors || p.ErrorCount != 5000 {
		t.Errorf("status %d, %d errors listed, count %d", w.Code, len(p.Errors), p.ErrorCount)
	}
	if w.Body.Len() > 16<<10 {
		t.Errorf("response of %d bytes", w.Body.Len())
	}
}
