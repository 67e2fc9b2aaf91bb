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
