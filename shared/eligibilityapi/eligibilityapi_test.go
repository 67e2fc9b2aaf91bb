package eligibilityapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
)

// noon on 23 November 2026 in London.
var now = time.Date(2026, time.November, 23, 12, 0, 0, 0, civil.London)

func router() *auth.Router {
	rt := auth.NewRouter(auth.Agencies{"client-police": "police"})
	Register(rt, clock.NewFixed(now))
	return rt
}

func staffClaims(groups string) map[string]string {
	return map[string]string{"sub": "staff-1", "client_id": "web", "token_use": "access",
		"scope": "openid staff/api", "cognito:groups": groups}
}

// post runs a request through the router as Lambda would: an API Gateway
// HTTP API (payload 2.0) event through httpadapter, with the JWT claims in
// the request context.
func post(t *testing.T, body string, claims map[string]string, headers map[string]string) events.APIGatewayV2HTTPResponse {
	t.Helper()
	h := map[string]string{"content-type": "application/json"}
	for k, v := range headers {
		h[k] = v
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version:  "2.0",
		RouteKey: "POST /v1/eligibility",
		RawPath:  "/v1/eligibility",
		Headers:  h,
		Body:     body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-1",
			HTTP:      events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/v1/eligibility", SourceIP: "127.0.0.1"},
		},
	}
	if claims != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
	}
	resp, err := httpadapter.NewV2(router()).ProxyWithContext(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

const example1 = `{
  "dateOfBirth": "1980-06-15",
  "offences": [{"code": "OAPA1861-S18", "description": "Wounding with intent", "disposal": "conviction", "date": "2025-05-01"}],
  "sentence": {"type": "imprisonment", "lengthMonths": 48},
  "dates": {"sentenceDate": "2025-05-01", "licenceEndDate": "2029-05-31"},
  "notification": {"status": "no"},
  "currentRisk": "high",
  "management": {"meetingsAddValue": "yes"}
}`

func TestGoodRequest(t *testing.T) {
	for _, role := range auth.Roles {
		resp := post(t, example1, staffClaims("["+string(role)+"]"), nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %s", role, resp.StatusCode, resp.Body)
		}
	}
	resp := post(t, example1, staffClaims("[social-worker]"), nil)
	if ct := resp.Headers["Content-Type"]; ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
	var out Response
	dec := json.NewDecoder(strings.NewReader(resp.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("response does not decode: %v\n%s", err, resp.Body)
	}
	c := out.Classification
	if c.Outcome != eligibility.Eligible || c.PrimaryCategory != eligibility.Category2 || c.CategoryCode != "M2" ||
		c.EligibleUntil == nil || c.EligibleUntil.Date.String() != "2029-05-31" || c.DecidedOn.String() != "2026-11-23" {
		t.Errorf("classification: %+v", c)
	}
	if len(c.Reasons) < 2 || c.Reasons[0].Rule != "OUTCOME-ELIGIBLE" || c.Reasons[0].Source == "" {
		t.Errorf("reasons: %+v", c.Reasons)
	}
	if out.SuggestedLevel.Level != eligibility.Level2 || out.SuggestedLevel.LevelCode != "M2" {
		t.Errorf("level: %+v", out.SuggestedLevel)
	}
}

func TestCannotDecideIsStill200(t *testing.T) {
	resp := post(t, `{"offences":[{"description":"Something unlisted","disposal":"conviction","date":"2026-01-01"}],"sentence":{"type":"imprisonment","lengthMonths":24}}`,
		staffClaims("[business-support-officer]"), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	var out Response
	_ = json.Unmarshal([]byte(resp.Body), &out)
	if out.Classification.Outcome != eligibility.CannotDecide || len(out.Classification.Missing) == 0 ||
		out.Classification.Missing[0].Pointer != "/offences/0/code" {
		t.Errorf("classification: %+v", out.Classification)
	}
}

// TestNothingToAssess: facts with no offence, notification status,
// terrorism fact, Category 3 judgement or previous management are refused
// with a 422 naming /offences, not answered "not eligible"; any one of them,
// or a review or notice question, is enough to be answered.
func TestNothingToAssess(t *testing.T) {
	for _, body := range []string{`{}`, `{"dateOfBirth":"1980-06-15","currentRisk":"high","offences":[]}`, `{"asOf":"2025-01-01","contactWithChildren":"yes"}`} {
		resp := post(t, body, staffClaims("[social-worker]"), nil)
		var p httpapi.Problem
		if err := json.Unmarshal([]byte(resp.Body), &p); err != nil || resp.StatusCode != 422 {
			t.Fatalf("%s: %d %s, want 422", body, resp.StatusCode, resp.Body)
		}
		if len(p.Errors) != 1 || p.Errors[0].Pointer != "/offences" || !strings.Contains(p.Errors[0].Detail, "nothing to assess") {
			t.Errorf("%s: errors %+v, want one naming /offences", body, p.Errors)
		}
	}
	// Narrow misses: one fact a category turns on, or a review or notice
	// question, is enough.
	for _, body := range []string{`{"notice":{"meeting":"2027-03-25","received":"2027-03-17"}}`, `{"notification":{"status":"no"}}`, `{"terrorism":{"raConsidersAtRisk":"no"}}`,
		`{"category3":{"currentRiskOfSeriousHarm":"no"}}`, `{"offences":[{"code":"OAPA1861-S47","disposal":"conviction","date":"2026-02-01"}]}`} {
		if resp := post(t, body, staffClaims("[social-worker]"), nil); resp.StatusCode != 200 {
			t.Errorf("%s: %d %s, want 200", body, resp.StatusCode, resp.Body)
		}
	}
}

func TestBadInput(t *testing.T) {
	cases := []struct {
		name     string
		body     string
		status   int
		pointers []string
	}{
		{"unknown field", `{"offences":[],"favouriteColour":"blue","sentence":{"type":"fine","colour":1}}`, 422,
			[]string{"/favouriteColour", "/sentence/colour"}},
		{"impossible date", `{"dateOfBirth":"2001-02-30","offences":[{"code":"MURDER","disposal":"conviction","date":"2020-13-01"}]}`, 422,
			[]string{"/dateOfBirth", "/offences/0/date"}},
		{"negative length", `{"offences":[{"code":"MURDER","disposal":"conviction"}],"sentence":{"type":"imprisonment","lengthMonths":-12,"lengthDays":-1}}`, 422,
			[]string{"/sentence/lengthMonths", "/sentence/lengthDays"}},
		{"wrong types", `{"ageAtConviction":"sixteen","offences":{"code":"MURDER"},"sentence":{"type":"imprisonment","lengthMonths":"twelve","life":"yes"}}`, 422,
			[]string{"/ageAtConviction", "/offences", "/sentence/lengthMonths", "/sentence/life"}},
		{"unknown values", `{"offences":[{"code":"MURDER","disposal":"acquitted"}],"sentence":{"type":"prison"},"currentRisk":"extreme","notification":{"status":"maybe"}}`, 422,
			[]string{"/offences/0/disposal", "/sentence/type", "/currentRisk", "/notification/status"}},
		{"future dates", `{"dateOfBirth":"2030-01-01"}`, 422, []string{"/dateOfBirth"}},
		{"impossible combination", `{"offences":[{"code":"SOA2003-S3","disposal":"caution","date":"2026-01-15"}],"sentence":{"type":"hospital-order","restrictionOrder":true}}`, 422,
			[]string{"/sentence"}},
		{"fractional months", `{"offences":[{"code":"MURDER","disposal":"conviction"}],"sentence":{"type":"imprisonment","lengthMonths":11.5}}`, 422,
			[]string{"/sentence/lengthMonths"}},
		{"not JSON", `{"offences":`, 400, nil},
		{"two values", `{} {}`, 400, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := post(t, tc.body, staffClaims("[social-worker]"), nil)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, resp.Body)
			}
			if ct := resp.Headers["Content-Type"]; ct != "application/problem+json" {
				t.Errorf("content type %q", ct)
			}
			var p httpapi.Problem
			if err := json.Unmarshal([]byte(resp.Body), &p); err != nil {
				t.Fatal(err)
			}
			if p.Status != tc.status || p.RequestID != "req-1" {
				t.Errorf("problem %+v", p)
			}
			var got []string
			for _, e := range p.Errors {
				got = append(got, e.Pointer)
				if e.Detail == "" {
					t.Errorf("%s has no detail", e.Pointer)
				}
			}
			for _, ptr := range tc.pointers {
				if !slices.Contains(got, ptr) {
					t.Errorf("pointer %s not named; got %v", ptr, got)
				}
			}
		})
	}
}

func TestWrongMediaTypeAndSize(t *testing.T) {
	if resp := post(t, example1, staffClaims("[social-worker]"), map[string]string{"content-type": "text/plain"}); resp.StatusCode != 415 {
		t.Errorf("text/plain: %d", resp.StatusCode)
	}
	big := `{"offences":[` + strings.Repeat(`{"description":"`+strings.Repeat("x", 400)+`","disposal":"caution"},`, 200) + `{}]}`
	if resp := post(t, big, staffClaims("[social-worker]"), nil); resp.StatusCode != 413 {
		t.Errorf("oversized body: %d", resp.StatusCode)
	}
}

func TestAccess(t *testing.T) {
	cases := []struct {
		name   string
		claims map[string]string
		status int
	}{
		{"no identity", nil, 401},
		{"id token", map[string]string{"sub": "s", "token_use": "id", "scope": "staff/api", "cognito:groups": "[social-worker]"}, 401},
		{"staff without the staff scope", map[string]string{"sub": "s", "token_use": "access", "cognito:groups": "[social-worker]"}, 403},
		{"staff without a role", staffClaims("[]"), 403},
		{"an agency client", map[string]string{"sub": "client-police", "client_id": "client-police", "token_use": "access", "scope": "referrals/write"}, 403},
	}
	for _, tc := range cases {
		resp := post(t, example1, tc.claims, nil)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.name, resp.StatusCode, tc.status, resp.Body)
		}
		if tc.status == 401 && resp.Headers["Www-Authenticate"] == "" && resp.Headers["WWW-Authenticate"] == "" {
			t.Errorf("%s: no WWW-Authenticate challenge: %v", tc.name, resp.Headers)
		}
	}
}

func TestRouteIsRegisteredForAllStaff(t *testing.T) {
	p, ok := router().Routes()[Route]
	if !ok {
		t.Fatal("route not registered")
	}
	if p.Public || p.Agencies || p.Scope != auth.ScopeStaff || !slices.Equal(p.Roles, auth.Roles) {
		t.Errorf("policy %s", p)
	}
}

func TestDateIsLondonToday(t *testing.T) {
	// 23:30 UTC on 31 March 2027 is 00:30 on 1 April in London (BST).
	rt := auth.NewRouter(nil)
	Register(rt, clock.NewFixed(time.Date(2027, time.March, 31, 23, 30, 0, 0, time.UTC)))
	ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RawPath: "/v1/eligibility", Body: `{"notification":{"status":"no"}}`,
		Headers: map[string]string{"content-type": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/v1/eligibility"},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: staffClaims("[social-worker]")}}}}
	resp, err := httpadapter.NewV2(rt).ProxyWithContext(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	var out Response
	_ = json.Unmarshal([]byte(resp.Body), &out)
	if out.Classification.DecidedOn.String() != "2027-04-01" {
		t.Errorf("decided on %s, want 2027-04-01 (London)", out.Classification.DecidedOn)
	}
}

// TestAsOf: a past date gives the answer as it stood then; the default is
// today in London; a date absurdly far off is refused.
func TestAsOf(t *testing.T) {
	body := `{"dateOfBirth":"1980-06-15","offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2020-05-01"}],
		"sentence":{"type":"imprisonment","lengthMonths":48},"dates":{"licenceEndDate":"2024-05-31"},"notification":{"status":"no"}%s}`
	var out Response
	resp := post(t, fmt.Sprintf(body, `,"asOf":"2023-01-01"`), staffClaims("[social-worker]"), nil)
	if err := json.Unmarshal([]byte(resp.Body), &out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	if out.Classification.Outcome != eligibility.Eligible || out.Classification.AsOf.String() != "2023-01-01" {
		t.Errorf("as of 2023-01-01: %s as of %s, want eligible (licence to 2024-05-31)", out.Classification.Outcome, out.Classification.AsOf)
	}
	resp = post(t, fmt.Sprintf(body, ""), staffClaims("[social-worker]"), nil)
	out = Response{}
	_ = json.Unmarshal([]byte(resp.Body), &out)
	if out.Classification.Outcome != eligibility.NotEligible || out.Classification.AsOf != out.Classification.DecidedOn {
		t.Errorf("default: %s as of %s decided %s, want not eligible as of today", out.Classification.Outcome, out.Classification.AsOf, out.Classification.DecidedOn)
	}
	if resp := post(t, fmt.Sprintf(body, `,"asOf":"1066-10-14"`), staffClaims("[social-worker]"), nil); resp.StatusCode != 422 || !strings.Contains(resp.Body, "/asOf") {
		t.Errorf("asOf 1066: %d %s", resp.StatusCode, resp.Body)
	}
}
