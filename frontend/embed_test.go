package frontend

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/auth"
)

var testConfig = Config{
	AuthBaseURL: "https://mappa-staff.auth.eu-west-2.amazoncognito.com",
	ClientID:    "abc123client",
	AppOrigin:   "https://mappa.example.gov.uk",
}

func get(t *testing.T, h http.Handler, method, path string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestServing(t *testing.T) {
	h := Handler(testConfig)
	cases := []struct {
		name, path  string
		status      int
		ctype       string
		cache       string
		bodyContain string
	}{
		{"root is the app shell", "/", 200, "text/html; charset=utf-8", "no-store", "MAPPA Coordinator"},
		{"sign-in callback is the app shell", "/auth/callback?code=x&state=y", 200, "text/html; charset=utf-8", "no-store", `<div id="app">`},
		{"queue is the app shell", "/referrals?status=classified", 200, "text/html; charset=utf-8", "no-store", `<div id="app">`},
		{"deep link is the app shell", "/referrals/ref-123", 200, "text/html; charset=utf-8", "no-store", `<div id="app">`},
		{"unknown page is the app shell", "/no/such/page", 200, "text/html; charset=utf-8", "no-store", `<div id="app">`},
		{"govuk css", "/assets/govuk-frontend-6.6.0.min.css", 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable", "--govuk-frontend-version:\"6.6.0\""},
		{"govuk js module", "/assets/govuk-frontend-6.6.0.min.js", 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "initAll"},
		{"moj css", "/assets/moj-frontend-11.1.0.min.css", 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable", "moj-sub-navigation"},
		{"icon", "/assets/images/app-icon-1.svg", 200, "image/svg+xml", "public, max-age=31536000, immutable", ""},
		{"image svg", "/assets/images/govuk-crest.svg", 200, "image/svg+xml", "public, max-age=31536000, immutable", "<svg"},
		{"image png", "/assets/images/govuk-icon-180.png", 200, "image/png", "public, max-age=31536000, immutable", ""},
		{"favicon (the app icon, not the crown)", "/favicon.ico", 200, "image/svg+xml", "no-cache", ""},
		{"unversioned css alias", "/assets/govuk-frontend.min.css", 200, "text/css; charset=utf-8", "public, max-age=86400", "govuk-"},
		{"licence kept", "/assets/LICENSE-govuk-frontend.txt", 200, "text/plain; charset=utf-8", "public, max-age=31536000, immutable", "MIT License"},
		{"app module revalidates", "/app/main.mjs", 200, "text/javascript; charset=utf-8", "no-cache", "initAll"},
		{"app css", "/app/app.css", 200, "text/css; charset=utf-8", "no-cache", ".app-"},
		{"unknown asset is 404", "/assets/nope.css", 404, "text/plain; charset=utf-8", "no-store", ""},
		{"unknown asset dir is 404", "/assets/images/", 404, "text/plain; charset=utf-8", "no-store", ""},
		{"bare assets is 404", "/assets", 404, "text/plain; charset=utf-8", "no-store", ""},
		{"unknown app module is 404", "/app/nope.mjs", 404, "text/plain; charset=utf-8", "no-store", ""},
		{"unknown file at root is 404", "/wp-login.php", 404, "text/plain; charset=utf-8", "no-store", ""},
		{"unknown API path is a 404 problem", "/v1/nope", 404, "application/problem+json", "no-store", `"status":404`},
		{"index.html itself is not served twice", "/index.html", 301, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := get(t, h, "GET", c.path, nil)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d", w.Code, c.status)
			}
			if got := w.Header().Get("Content-Type"); c.ctype != "" && got != c.ctype {
				t.Errorf("Content-Type %q, want %q", got, c.ctype)
			}
			if got := w.Header().Get("Cache-Control"); c.cache != "" && got != c.cache {
				t.Errorf("Cache-Control %q, want %q", got, c.cache)
			}
			if !strings.Contains(w.Body.String(), c.bodyContain) {
				t.Errorf("body does not contain %q", c.bodyContain)
			}
			if w.Header().Get("Content-Security-Policy") == "" || w.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("security headers missing: %v", w.Header())
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	w := get(t, Handler(testConfig), "GET", "/", nil)
	csp := w.Header().Get("Content-Security-Policy")
	for _, want := range []string{
		"default-src 'self'",
		"script-src 'self' '" + JSEnabledHash + "'",
		"connect-src 'self' https://mappa-staff.auth.eu-west-2.amazoncognito.com",
		"frame-ancestors 'none'",
		"object-src 'none'",
		"base-uri 'none'",
	} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows unsafe code: %q", csp)
	}
	for k, v := range map[string]string{
		"X-Frame-Options":           "DENY",
		"Referrer-Policy":           "no-referrer",
		"Strict-Transport-Security": "max-age=31536000; includeSubDomains",
	} {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}

	// Locally: plain http, the dev issuer on the same origin.
	local := Handler(Config{AuthBaseURL: "http://127.0.0.1:8080/dev/auth", ClientID: "dev-staff-web", AppOrigin: "http://127.0.0.1:8080"})
	w = get(t, local, "GET", "/", nil)
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' http://127.0.0.1:8080;") {
		t.Errorf("local CSP %q", csp)
	}
	if w.Header().Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain http")
	}

	// A bad auth URL narrows connect-src to the app itself.
	w = get(t, Handler(Config{AuthBaseURL: "javascript:alert(1)"}), "GET", "/", nil)
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("CSP with a bad auth URL: %q", csp)
	}
}

// The only inline script in index.html must be the GOV.UK snippet whose hash
// the CSP allows, byte for byte.
func TestInlineScriptMatchesCSPHash(t *testing.T) {
	body, err := fs.ReadFile(static, "static/index.html")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`<script>([^<]*)</script>`)
	m := re.FindAllSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("want exactly one inline script, found %d", len(m))
	}
	const snippet = `document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');`
	if string(m[0][1]) != snippet {
		t.Errorf("inline script changed: %q", m[0][1])
	}
	if strings.Contains(string(body), " style=") || strings.Contains(string(body), "onclick") {
		t.Error("index.html has inline styles or handlers the CSP would block")
	}
}

func TestAppConfig(t *testing.T) {
	w := get(t, Handler(Config{AuthBaseURL: testConfig.AuthBaseURL + "/", ClientID: testConfig.ClientID, AppOrigin: testConfig.AppOrigin + "/"}), "GET", "/app-config.json", nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	var got AppConfig
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := AppConfig{
		AuthorizeURL:      "https://mappa-staff.auth.eu-west-2.amazoncognito.com/oauth2/authorize",
		TokenURL:          "https://mappa-staff.auth.eu-west-2.amazoncognito.com/oauth2/token",
		LogoutURL:         "https://mappa-staff.auth.eu-west-2.amazoncognito.com/logout",
		ClientID:          "abc123client",
		RedirectURI:       "https://mappa.example.gov.uk/auth/callback",
		LogoutRedirectURI: "https://mappa.example.gov.uk/",
		Scope:             "openid email staff/api",
	}
	if got != want {
		t.Errorf("app config\n got %+v\nwant %+v", got, want)
	}
}

func TestConditionalAndHead(t *testing.T) {
	h := Handler(testConfig)
	w := get(t, h, "GET", "/app/main.mjs", nil)
	etag := w.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if w = get(t, h, "GET", "/app/main.mjs", map[string]string{"If-None-Match": etag}); w.Code != http.StatusNotModified {
		t.Errorf("revalidation: status %d, want 304", w.Code)
	}
	if w = get(t, h, "HEAD", "/assets/govuk-frontend-6.6.0.min.css", nil); w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: %d, %d bytes, %v", w.Code, w.Body.Len(), w.Header())
	}
	if w = get(t, h, "POST", "/", nil); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d %v", w.Code, w.Header())
	}
}

// Every /assets/ URL that the GOV.UK and MoJ stylesheets refer to is served.
func TestStylesheetReferencesResolve(t *testing.T) {
	h := Handler(testConfig)
	re := regexp.MustCompile(`url\((/assets/[^)]+)\)`)
	for _, css := range []string{"/assets/govuk-frontend-6.6.0.min.css", "/assets/moj-frontend-11.1.0.min.css"} {
		body := get(t, h, "GET", css, nil).Body.String()
		refs := re.FindAllStringSubmatch(body, -1)
		if len(refs) == 0 {
			t.Fatalf("%s refers to no assets", css)
		}
		for _, m := range refs {
			if w := get(t, h, "GET", m[1], nil); w.Code != 200 {
				t.Errorf("%s refers to %s: %d", css, m[1], w.Code)
			}
		}
	}
}

// Mounted on the web function's router, the front end answers every path no
// API route takes, and API routes still win.
func TestRegister(t *testing.T) {
	rt := auth.NewRouter(nil)
	rt.HandleFunc("GET /v1/me", auth.Staff(auth.Roles...), func(w http.ResponseWriter, r *http.Request) {})
	Register(rt, testConfig)
	for path, want := range map[string]int{
		"/":                   200,
		"/referrals/abc":      200,
		"/assets/nope.js":     404,
		"/v1/me":              401, // the API route, not the front end
		"/v1/staff/elsewhere": 404,
	} {
		if got := get(t, rt, "GET", path, nil).Code; got != want {
			t.Errorf("GET %s: %d, want %d", path, got, want)
		}
	}
	if got := rt.Routes()[Pattern]; !got.Public {
		t.Errorf("front end registered with policy %v", got)
	}
}
