package staffapi

import (
	"net/http/httptest"
	"testing"
)

// FuzzExpectedVersion: any If-Match header either gives a positive version
// (agreeing with the body's, if any) or a field error; never a panic, never
// a version below 1.
func FuzzExpectedVersion(f *testing.F) {
	for _, h := range []string{"", "*", `"3"`, `W/"3"`, "3", "-1", "0", "99999999999999999999", `"`, "W/"} {
		f.Add(h, 0)
		f.Add(h, 3)
	}
	f.Fuzz(func(t *testing.T, h string, body int) {
		if body < 0 {
			return // bodies with a negative version are refused by Validate first
		}
		r := httptest.NewRequest("POST", "/", nil)
		r.Header.Set("If-Match", h)
		v, err := expectedVersion(r, body)
		if err != nil {
			return
		}
		if v < 0 || (v == 0 && body != 0) {
			t.Fatalf("If-Match %q body %d -> version %d", h, body, v)
		}
	})
}
