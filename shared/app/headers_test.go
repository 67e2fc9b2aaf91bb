package app

import (
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/infra/template"
)

// Issue 12, item 5: every response of every route in template.yaml, and of
// paths no route serves, carries the hardening headers, whatever its
// status (here no token: 401s, public pages, the OpenAPI document, 404s).
func TestEveryResponseCarriesHardeningHeaders(t *testing.T) {
	path, err := template.Find()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	rts := routers(t)
	type req struct{ fn, method, path string }
	var reqs []req
	for _, r := range tmpl.Routes() {
		p := strings.NewReplacer("{proxy+}", "referrals", "{id}", "x1").Replace(r.Path)
		p = replaceParams(p)
		reqs = append(reqs, req{r.Function, r.Method, p})
	}
	reqs = append(reqs, req{"WebFunction", "GET", "/v1/nothing-here"}, req{"WebFunction", "DELETE", "/"},
		req{"WebFunction", "GET", "/assets/govuk-frontend-6.6.0.min.css"}, req{"IntakeFunction", "GET", "/nowhere"})
	for _, q := range reqs {
		rt, ok := rts[q.fn]
		if !ok {
			continue
		}
		resp := invoke(t, rt, q.method, q.path, nil, "")
		h := resp.Headers
		csp := h["Content-Security-Policy"]
		for name, ok := range map[string]bool{
			"CSP frame-ancestors 'none'": strings.Contains(csp, "frame-ancestors 'none'"),
			"CSP without unsafe-inline":  csp != "" && !strings.Contains(csp, "unsafe-inline") && !strings.Contains(csp, "unsafe-eval"),
			"HSTS":                       strings.HasPrefix(h["Strict-Transport-Security"], "max-age=31536000"),
			"nosniff":                    h["X-Content-Type-Options"] == "nosniff",
			"no-referrer":                h["Referrer-Policy"] == "no-referrer",
			"X-Frame-Options DENY":       h["X-Frame-Options"] == "DENY",
		} {
			if !ok {
				t.Errorf("%s %s (%d): no %s in %v", q.method, q.path, resp.StatusCode, name, h)
			}
		}
	}
}

// replaceParams fills any {param} left in a path with "x1".
func replaceParams(p string) string {
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			return p
		}
		j := strings.IndexByte(p[i:], '}')
		if j < 0 {
			return p
		}
		p = p[:i] + "x1" + p[i+j+1:]
	}
}
