package httpapi

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestCompressGzipsLargeJSONForClientsThatAcceptIt(t *testing.T) {
	big := `{"items":"` + strings.Repeat("referral ", 500) + `"}`
	h := Compress(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ETag", `"abc"`)
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, big)
	}))
	r := httptest.NewRequest("GET", "/v1/referrals", nil)
	r.Header.Set("Accept-Encoding", "br, gzip;q=0.8")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusCreated || w.Header().Get("Content-Encoding") != "gzip" || w.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("status %d, headers %v", w.Code, w.Header())
	}
	if w.Header().Get("ETag") != `"abc-gz"` {
		t.Errorf("ETag %q: the compressed variant needs its own", w.Header().Get("ETag"))
	}
	if w.Body.Len() >= len(big)/4 {
		t.Errorf("compressed to %d of %d bytes", w.Body.Len(), len(big))
	}
	if got := gunzip(t, w.Body.Bytes()); got != big {
		t.Error("body does not round-trip")
	}
}

func TestCompressLeavesAloneWhatItShould(t *testing.T) {
	big := strings.Repeat("x", 4000)
	cases := []struct {
		name, accept, ctype, encoding, body string
	}{
		{"client does not accept gzip", "br", "application/json", "", big},
		{"gzip refused", "gzip;q=0", "application/json", "", big},
		{"small body", "gzip", "application/json", "", "{}"},
		{"font", "gzip", "font/woff2", "", big},
		{"already encoded", "gzip", "text/css", "gzip", big},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := Compress(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", c.ctype)
				if c.encoding != "" {
					w.Header().Set("Content-Encoding", c.encoding)
				}
				_, _ = io.WriteString(w, c.body)
			}))
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Accept-Encoding", c.accept)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Body.String() != c.body || w.Header().Get("Content-Encoding") != c.encoding {
				t.Errorf("changed: encoding %q, %d bytes", w.Header().Get("Content-Encoding"), w.Body.Len())
			}
		})
	}
}

func TestCompressKeepsNotModified(t *testing.T) {
	h := Compress(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotModified)
	}))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 || w.Header().Get("Content-Encoding") != "" {
		t.Errorf("304 became %d with %d bytes", w.Code, w.Body.Len())
	}
}
