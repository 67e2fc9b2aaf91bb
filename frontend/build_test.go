package frontend

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func fetch(t *testing.T, h http.Handler, path string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func testHandler() http.Handler {
	return Handler(Config{AuthBaseURL: "http://127.0.0.1:9/dev/auth", ClientID: "web", AppOrigin: "http://127.0.0.1:9"})
}

func TestIndexPointsAtFingerprintedModulesThatAreImmutable(t *testing.T) {
	h := testHandler()
	idx := fetch(t, h, "/referrals", nil).Body.String()
	m := regexp.MustCompile(`src="(/app/v/[0-9a-f]{16}/main\.mjs)"`).FindStringSubmatch(idx)
	if m == nil {
		t.Fatalf("index.html does not load a fingerprinted main.mjs:\n%s", idx)
	}
	w := fetch(t, h, m[1], nil)
	if w.Code != 200 || w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("%s: %d %q", m[1], w.Code, w.Header().Get("Cache-Control"))
	}
	plain := fetch(t, h, "/app/main.mjs", nil)
	if w.Body.String() != plain.Body.String() {
		t.Error("the fingerprinted module differs from /app/main.mjs")
	}
	// A module from another deployment's version is served, but revalidated.
	old := fetch(t, h, "/app/v/0000000000000000/main.mjs", nil)
	if old.Code != 200 || old.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("old version: %d %q", old.Code, old.Header().Get("Cache-Control"))
	}
	if w := fetch(t, h, strings.Replace(m[1], "main.mjs", "nope.mjs", 1), nil); w.Code != 404 {
		t.Errorf("unknown versioned file: %d", w.Code)
	}
}

// The GDS Transport typeface and the crown are for GOV.UK services only
// (GOV.UK Frontend's own terms); a council's service uses Arial and its
// own icon, and loads no font files.
func TestNoGOVUKTypefaceOrCrown(t *testing.T) {
	h := testHandler()
	idx := fetch(t, h, "/", nil).Body.String()
	for _, bad := range []string{"/assets/fonts/", "favicon"} {
		if strings.Contains(idx, bad) {
			t.Errorf("index.html refers to %s", bad)
		}
	}
	for _, css := range []string{"/assets/govuk-frontend-6.6.0.min.css", "/assets/moj-frontend-11.1.0.min.css"} {
		if body := fetch(t, h, css, nil).Body.String(); strings.Contains(body, "GDS Transport") || strings.Contains(body, "@font-face") {
			t.Errorf("%s still names the GDS Transport typeface", css)
		}
	}
}

func TestIndexPreloadsStaticImportsAndCarriesTheConfig(t *testing.T) {
	idx := fetch(t, testHandler(), "/", nil).Body.String()
	for _, want := range []string{
		`rel="modulepreload" href="/assets/govuk-frontend-6.6.0.min.js"`,
		`/html.mjs">`, `/auth.mjs">`, `/api.mjs">`,
		`<meta name="app-config" content="{&#34;authorizeUrl&#34;:&#34;http://127.0.0.1:9/dev/auth/oauth2/authorize&#34;`,
	} {
		if !strings.Contains(idx, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	if strings.Contains(idx, "views/referral.mjs") {
		t.Error("index.html preloads a page module: pages load their own")
	}
	if strings.Count(idx, "<script") != 2 {
		t.Error("index.html gained a script element (the CSP allows one inline snippet only)")
	}
}

func TestStaticImportsFollowsRelativeAndAbsoluteImports(t *testing.T) {
	files := map[string]file{
		"/app/main.mjs":      {body: []byte("import { a } from './a.mjs'\nimport '/assets/x.js'\nconst v = () => import('./views/v.mjs')\n")},
		"/app/a.mjs":         {body: []byte("export { b } from './lib/b.mjs'\n")},
		"/app/lib/b.mjs":     {body: []byte("import { a } from '../a.mjs'\n")},
		"/app/views/v.mjs":   {body: []byte("import './never.mjs'\n")},
		"/app/views/unused":  {},
		"/assets/x.js":       {},
		"/app/never/ever.js": {},
	}
	got := strings.Join(staticImports(files, "/app/main.mjs"), " ")
	if got != "/app/a.mjs /app/lib/b.mjs /assets/x.js" {
		t.Errorf("static imports = %s", got)
	}
}

func TestTextIsGzippedForBrowsersThatAcceptIt(t *testing.T) {
	h := testHandler()
	plain := fetch(t, h, "/assets/govuk-frontend-6.6.0.min.css", nil)
	gz := fetch(t, h, "/assets/govuk-frontend-6.6.0.min.css", map[string]string{"Accept-Encoding": "gzip, deflate, br"})
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("headers %v", gz.Header())
	}
	if gz.Body.Len() > plain.Body.Len()/4 {
		t.Errorf("css gzipped to %d of %d bytes", gz.Body.Len(), plain.Body.Len())
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !bytes.Equal(body, plain.Body.Bytes()) {
		t.Error("gzip body does not round-trip")
	}
	if gz.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Error("the gzipped variant shares the plain ETag")
	}
	if w := fetch(t, h, "/assets/govuk-frontend-6.6.0.min.css", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": gz.Header().Get("ETag")}); w.Code != http.StatusNotModified {
		t.Errorf("revalidating the gzipped variant: %d", w.Code)
	}
	png := fetch(t, h, "/assets/images/govuk-icon-180.png", map[string]string{"Accept-Encoding": "gzip"})
	if png.Code != http.StatusOK || png.Header().Get("Content-Encoding") != "" {
		t.Errorf("a png was gzipped (or missing): %d %v", png.Code, png.Header())
	}
	idx := fetch(t, h, "/", map[string]string{"Accept-Encoding": "gzip"})
	if idx.Header().Get("Content-Encoding") != "gzip" || idx.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("index.html: %v", idx.Header())
	}
}
