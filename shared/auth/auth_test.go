package auth

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/mappa-coordinator/mappa/shared/httpapi"
)

// call runs req through the router exactly as Lambda would: an API Gateway
// HTTP API event through httpadapter.
func call(t *testing.T, rt *Router, method, path string, claims map[string]string) events.APIGatewayV2HTTPResponse {
	t.Helper()
	ev := events.APIGatewayV2HTTPRequest{
		Version:  "2.0",
		RouteKey: method + " " + path,
		RawPath:  path,
		Headers:  map[string]string{},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-1",
			HTTP:      events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, SourceIP: "127.0.0.1"},
		},
	}
	if claims != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
	}
	resp, err := httpadapter.NewV2(rt).ProxyWithContext(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func staff(groups string) map[string]string {
	return map[string]string{"sub": "staff-1", "client_id": "web", "token_use": "access",
		"scope": "openid staff/api", "cognito:groups": groups}
}

func agency(client string) map[string]string {
	return map[string]string{"sub": client, "client_id": client, "token_use": "access", "scope": "referrals/write"}
}

func newRouter() *Router {
	rt := NewRouter(Agencies{"client-police": "police"})
	ok := func(w http.ResponseWriter, r *http.Request) {
		id, _ := From(r.Context())
		httpapi.JSON(w, 200, map[string]any{"subject": id.Subject, "agency": id.Agency})
	}
	rt.HandleFunc("GET /public", Public(), ok)
	rt.HandleFunc("GET /bso", Staff(RoleBSO), ok)
	rt.HandleFunc("POST /referrals", Agency(ScopeReferralsWrite), ok)
	rt.HandleFunc("GET /nobody", Policy{}, ok)
	return rt
}

func TestRouterEnforcesPolicies(t *testing.T) {
	rt := newRouter()
	cases := []struct {
		name         string
		method, path string
		claims       map[string]string
		status       int
	}{
		{"public needs no token", "GET", "/public", nil, 200},
		{"no token", "GET", "/bso", nil, 401},
		{"bso admitted", "GET", "/bso", staff("[business-support-officer]"), 200},
		{"social worker refused", "GET", "/bso", staff("[social-worker]"), 403},
		{"unknown group ignored", "GET", "/bso", staff("[business-support-officer-ish]"), 403},
		{"staff without scope", "GET", "/bso", map[string]string{"sub": "s", "cognito:groups": "[business-support-officer]"}, 403},
		{"id token refused", "GET", "/bso", map[string]string{"sub": "s", "token_use": "id", "scope": "staff/api", "cognito:groups": "[business-support-officer]"}, 401},
		{"agency admitted", "POST", "/referrals", agency("client-police"), 200},
		{"unknown client refused", "POST", "/referrals", agency("client-unknown"), 403},
		{"staff cannot post as agency", "POST", "/referrals", staff("[business-support-officer]"), 403},
		{"agency cannot use staff route", "GET", "/bso", agency("client-police"), 403},
		{"zero policy denies everyone", "GET", "/nobody", staff("[administrator business-support-officer]"), 403},
		{"unregistered route", "GET", "/elsewhere", staff("[administrator]"), 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := call(t, rt, c.method, c.path, c.claims)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, resp.Body)
			}
			if c.status >= 400 {
				var p httpapi.Problem
				if resp.Headers["Content-Type"] != "application/problem+json" || json.Unmarshal([]byte(resp.Body), &p) != nil || p.Status != c.status {
					t.Errorf("not a problem+json body: %v %s", resp.Headers, resp.Body)
				}
			}
		})
	}
}

func TestAgencyIdentity(t *testing.T) {
	resp := call(t, newRouter(), "POST", "/referrals", agency("client-police"))
	var got map[string]string
	_ = json.Unmarshal([]byte(resp.Body), &got)
	if got["agency"] != "police" || got["subject"] != "client-police" {
		t.Errorf("identity = %v", got)
	}
}

func TestParseGroups(t *testing.T) {
	for in, want := range map[string]int{"[a b c]": 3, `["a","b"]`: 2, "": 0, "a": 1} {
		if got := len(parseGroups(in)); got != want {
			t.Errorf("parseGroups(%q) = %d groups, want %d", in, got, want)
		}
	}
}

func TestParseAgencies(t *testing.T) {
	a := ParseAgencies(" c1=police, c2=probation,bad,=x")
	if len(a) != 2 || a["c1"] != "police" || a["c2"] != "probation" {
		t.Errorf("got %v", a)
	}
}
