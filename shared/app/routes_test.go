package app

import (
	"context"
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/infra/template"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// routers builds every HTTP function's router. Nothing is called on the
// clients: listing routes touches no AWS service.
func routers(t *testing.T) map[string]*auth.Router {
	t.Helper()
	deps, err := wiring.New(context.Background(), wiring.Config{DynamoEndpoint: "http://127.0.0.1:1", SESEndpoint: "http://127.0.0.1:1",
		AppOrigin: "http://localhost", AuthBaseURL: "http://localhost/dev/auth", StaffClient: "web",
		Agencies:  auth.Agencies{"dev-agency-police": "police"},
		ReplyKeys: "test:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="},
		dynamo.Tables{Cases: "c", Referrals: "r", Outbox: "o", Audit: "a", Rota: "ro", Meetings: "m"})
	if err != nil {
		t.Fatal(err)
	}
	deps.Clock = clock.System{}
	deps.IDs = ids.Random{}
	web, err := WebRouter(context.Background(), deps)
	if err != nil {
		t.Fatal(err)
	}
	in, err := IntakeRouter(context.Background(), deps)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*auth.Router{"WebFunction": web, "IntakeFunction": in}
}

// muxPattern turns an API Gateway route into the net/http pattern that
// serves it: {proxy+} is the catch-all "/".
func muxPattern(method, path string) string {
	if method == "ANY" {
		return strings.Replace(path, "{proxy+}", "", 1)
	}
	return method + " " + strings.Replace(path, "{proxy+}", "", 1)
}

// Deny by default, proven route by route: every route in template.yaml is
// served by its function with a declared policy whose scope is the one the
// gateway requires, public routes are exactly the allowed public ones, and
// no function serves a route the gateway does not route.
func TestEveryRouteHasAPolicy(t *testing.T) {
	path, err := template.Find()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	rts := routers(t)
	served := map[string]map[string]bool{}
	for fn, rt := range rts {
		served[fn] = map[string]bool{}
		for _, p := range rt.Patterns() {
			served[fn][p] = false
		}
	}
	publicAllowed := map[string]bool{"GET /": true, "/": true, "GET /v1/openapi.json": true, "GET /reply/{token}": true, "POST /reply/{token}": true}
	for _, r := range tmpl.Routes() {
		rt, ok := rts[r.Function]
		if !ok {
			t.Errorf("route %s %s goes to %s, which has no router here", r.Method, r.Path, r.Function)
			continue
		}
		pattern := muxPattern(r.Method, r.Path)
		policy, ok := rt.Routes()[pattern]
		if !ok {
			t.Errorf("%s: template routes %s %s but the function has no %q route", r.Function, r.Method, r.Path, pattern)
			continue
		}
		served[r.Function][pattern] = true
		switch {
		case policy.Public:
			if !publicAllowed[pattern] || r.Authorizer != "NONE" {
				t.Errorf("%s is public in code (authorizer %q in template); only %v may be", pattern, r.Authorizer, publicAllowed)
			}
		case policy.String() == "nobody":
			t.Errorf("%s has the zero policy: nobody can call it", pattern)
		default:
			if r.Authorizer == "NONE" {
				t.Errorf("%s needs an identity in code but has no authorizer in template.yaml", pattern)
			}
			if len(r.Scopes) == 0 || !containsScope(r.Scopes, policy.Scope) {
				t.Errorf("%s: code requires scope %q, template requires %v", pattern, policy.Scope, r.Scopes)
			}
		}
	}
	for fn, patterns := range served {
		for p, routed := range patterns {
			if !routed {
				t.Errorf("%s serves %q, which template.yaml does not route", fn, p)
			}
		}
	}
}

func containsScope(scopes []string, s string) bool {
	for _, x := range scopes {
		if x == s {
			return true
		}
	}
	return false
}
