package webfn

import (
	"net/http/httptest"
	"testing"
)

// Issue 12, finding 7: a method a path does not take is 405 with Allow
// (TRACE included); a path nothing serves is 404.
func TestMethodNotAllowed(t *testing.T) {
	h := MethodNotAllowed()
	cases := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"TRACE", "/v1/staff/referrals", 405, "GET, POST, HEAD"},
		{"DELETE", "/v1/staff/cases/c1", 405, "GET, HEAD"},
		{"GET", "/v1/eligibility", 405, "POST"},
		{"TRACE", "/", 405, "GET, HEAD"},
		{"PUT", "/referrals/abc", 405, "GET, HEAD"},
		// The invitation reply page takes GET and POST (shared/noticeapi).
		{"OPTIONS", "/reply/some-token", 405, "GET, POST, HEAD"},
		{"TRACE", "/v1/nothing-here", 404, ""},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(c.method, c.path, nil))
		if w.Code != c.status || w.Header().Get("Allow") != c.allow {
			t.Errorf("%s %s: %d Allow %q, want %d %q", c.method, c.path, w.Code, w.Header().Get("Allow"), c.status, c.allow)
		}
	}
}
