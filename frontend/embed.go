// Package frontend serves the staff web app: a GOV.UK Design System styled
// single-page app written as plain ES modules (no build step), the GOV.UK
// Frontend and MoJ Frontend assets it uses, and /app-config.json, which tells
// the app where to sign in.
//
// The files are embedded in the binary (go:embed), so the web function can
// serve them from Lambda behind API Gateway's "GET /{proxy+}" route; the
// dev server serves the same handler. Handler is meant to be mounted at the
// site root, because GOV.UK Frontend's CSS refers to /assets/images.
//
// Caching: /assets/* (third-party files whose names carry their version or a
// content hash) are cached for a year; the app's own modules under /app/ are
// revalidated on every use (ETag), and served as immutable under a content
// hash (/app/v/<version>/, build.go), which index.html uses; HTML and
// /app-config.json are never stored. Every response carries a strict Content-Security-Policy.
package frontend

import (
	"bytes"
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
)

//go:embed static
var static embed.FS

// Config is what the app needs to know to sign staff in.
type Config struct {
	// AuthBaseURL is the OAuth 2.0 server: the Cognito user pool domain
	// (https://<domain>.auth.<region>.amazoncognito.com) on AWS, or the dev
	// issuer (http://127.0.0.1:<port>/dev/auth) locally. The app uses
	// AuthBaseURL + /oauth2/authorize, /oauth2/token and /logout.
	AuthBaseURL string
	// ClientID is the staff web app client (public, authorization code + PKCE).
	ClientID string
	// AppOrigin is the origin the app is served from (scheme://host[:port]);
	// the OAuth redirect URI is AppOrigin + "/auth/callback".
	AppOrigin string
}

// Pattern is the route the front end is registered at. "GET /" is the
// catch-all: every API route registered on the same router is more specific
// and wins. (Registering "GET /{path...}" as well panics: net/http treats
// the two patterns as the same.)
const Pattern = "GET /"

// Register mounts the front end on the web function's router as a public
// route.
func Register(rt *auth.Router, cfg Config) {
	rt.Handle(Pattern, auth.Public(), Handler(cfg))
}

// JSEnabledHash is the CSP hash of the GOV.UK Frontend inline snippet that
// adds the js-enabled and govuk-frontend-supported classes to <body>; the
// app's index.html carries exactly that snippet.
const JSEnabledHash = "sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw="

// AppConfig is the body of /app-config.json.
type AppConfig struct {
	AuthorizeURL string `json:"authorizeUrl"`
	TokenURL     string `json:"tokenUrl"`
	LogoutURL    string `json:"logoutUrl"`
	ClientID     string `json:"clientId"`
	RedirectURI  string `json:"redirectUri"`
	// LogoutRedirectURI is where the auth server sends the browser after
	// sign-out (the staff client's LogoutURLs in template.yaml).
	LogoutRedirectURI string `json:"logoutRedirectUri"`
	Scope             string `json:"scope"`
}

// aliases serves a file under a second name, with a short cache lifetime
// because the name carries no version (the dev sign-in page links the
// unversioned stylesheet name).
var aliases = map[string]string{
	"/assets/govuk-frontend.min.css": "/assets/govuk-frontend-6.6.0.min.css",
	"/assets/govuk-frontend.min.js":  "/assets/govuk-frontend-6.6.0.min.js",
	"/favicon.ico":                   "/assets/images/app-icon-1.svg",
}

// contentTypes is explicit so that serving never depends on the host's
// /etc/mime.types (Lambda's base image has none).
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
}

type file struct {
	body  []byte
	ctype string
	etag  string
	gz    func() []byte // gzipped body, made on first use; nil: sent as it is
}

type handler struct {
	// files are read and hashed on first use, not at start-up, so a cold
	// start that serves only the API never pays for them.
	files     func() map[string]file
	version   func() string // hash of the files under /app/ (build.go)
	index     func() file   // index.html as served (build.go)
	appConfig []byte
	csp       string
	hsts      bool
}

// Handler returns the handler for the app, to be mounted at the site root
// ("GET /" and "GET /{path...}"). It serves:
//
//   - /app-config.json built from cfg;
//   - the embedded files under /assets/ and /app/ (unknown ones are 404);
//   - /v1/... paths that no API route took: a 404 problem+json;
//   - index.html for every other path (the app routes on the client).
func Handler(cfg Config) http.Handler {
	h := &handler{files: sync.OnceValue(loadFiles)}
	h.version = sync.OnceValue(func() string { return appVersion(h.files()) })
	h.index = sync.OnceValue(func() file { return buildIndex(h.files(), h.version(), h.appConfig) })
	base := strings.TrimSuffix(cfg.AuthBaseURL, "/")
	origin := strings.TrimSuffix(cfg.AppOrigin, "/")
	h.appConfig, _ = json.Marshal(AppConfig{
		AuthorizeURL:      base + "/oauth2/authorize",
		TokenURL:          base + "/oauth2/token",
		LogoutURL:         base + "/logout",
		ClientID:          cfg.ClientID,
		RedirectURI:       origin + "/auth/callback",
		LogoutRedirectURI: origin + "/",
		Scope:             "openid email staff/api",
	})
	h.csp = csp(base)
	h.hsts = strings.HasPrefix(origin, "https://")
	return h
}

// loadFiles reads the embedded files and their ETags.
func loadFiles() map[string]file {
	files := map[string]file{}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		ctype, ok := contentTypes[path.Ext(p)]
		if !ok {
			ctype = "application/octet-stream"
		}
		files[strings.TrimPrefix(p, "static")] = newFile(body, ctype)
		return nil
	})
	if err != nil {
		panic("frontend: read embedded files: " + err.Error()) // cannot happen: the files are compiled in
	}
	for alias, target := range aliases {
		files[alias] = files[target]
	}
	return files
}

// csp builds the Content-Security-Policy: only the app's own origin, plus
// the auth server's origin for the token exchange.
func csp(authBase string) string {
	connect := "'self'"
	if u, err := url.Parse(authBase); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		connect += " " + u.Scheme + "://" + u.Host
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self' '" + JSEnabledHash + "'",
		"style-src 'self'",
		"img-src 'self'",
		"font-src 'self'",
		"connect-src " + connect,
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", h.csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	if h.hsts {
		hd.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD")
		httpapi.WriteProblem(w, r, httpapi.Problem{Type: httpapi.TypeMethod, Status: http.StatusMethodNotAllowed})
		return
	}

	p := r.URL.Path
	switch {
	case p == "/app-config.json":
		hd.Set("Cache-Control", "no-store")
		serve(w, r, file{body: h.appConfig, ctype: "application/json"})
	case p == "/index.html":
		http.Redirect(w, r, "/", http.StatusMovedPermanently)
	case strings.HasPrefix(p, VersionPrefix):
		// /app/v/<version>/<file>: the app's file, cached for good when the
		// version is this deployment's (an older page may still ask for an
		// older version: it gets today's file, revalidated).
		v, rest, _ := strings.Cut(strings.TrimPrefix(p, VersionPrefix), "/")
		f, ok := h.files()["/app/"+rest]
		if !ok || strings.Contains(rest, "..") {
			hd.Set("Cache-Control", "no-store")
			http.Error(w, "Not found", http.StatusNotFound)
			return
		}
		if v == h.version() {
			hd.Set("Cache-Control", immutable)
		} else {
			hd.Set("Cache-Control", "no-cache")
		}
		serve(w, r, pick(w, r, f))
	case isFile(p):
		f, ok := h.files()[p]
		if !ok || strings.Contains(p, "..") {
			if strings.HasPrefix(p, "/v1/") {
				httpapi.NotFound(w, r)
				return
			}
			hd.Set("Cache-Control", "no-store")
			http.Error(w, "Not found", http.StatusNotFound)
			return
		}
		hd.Set("Cache-Control", cacheControl(p))
		serve(w, r, pick(w, r, f))
	default:
		hd.Set("Cache-Control", "no-store")
		serve(w, r, pick(w, r, h.index()))
	}
}

// isFile reports whether p names a file (or an API path) rather than a page
// of the app: such paths never fall back to index.html.
func isFile(p string) bool {
	for _, prefix := range []string{"/assets/", "/app/", "/v1/", "/dev/", "/problems/"} {
		if strings.HasPrefix(p, prefix) || p+"/" == prefix {
			return true
		}
	}
	return path.Ext(p) != ""
}

func cacheControl(p string) string {
	if strings.HasPrefix(p, "/assets/") {
		if _, alias := aliases[p]; alias {
			return "public, max-age=86400"
		}
		return immutable
	}
	return "no-cache"
}

var epoch = time.Time{}

func serve(w http.ResponseWriter, r *http.Request, f file) {
	w.Header().Set("Content-Type", f.ctype)
	if f.etag != "" {
		w.Header().Set("ETag", f.etag)
	}
	http.ServeContent(w, r, "", epoch, bytes.NewReader(f.body))
}
