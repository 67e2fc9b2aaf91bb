package app

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
)

// invoke sends one API Gateway HTTP API event with the given JWT claims
// through h, as Lambda would.
func invoke(t *testing.T, rt *auth.Router, method, path string, claims map[string]string, body string) events.APIGatewayV2HTTPResponse {
	t.Helper()
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: method + " " + path, RawPath: path, Body: body,
		Headers: map[string]string{"content-type": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-unavailable",
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

// Issue 12, finding 4: with DynamoDB unreachable (the routers point at a
// closed port) a request gets 503 with Retry-After, not a 500.
func TestDependencyDownIs503WithRetryAfter(t *testing.T) {
	rts := routers(t)
	bso := map[string]string{"sub": "staff-bso", "client_id": "web", "token_use": "access", "scope": "staff/api", "cognito:groups": "[business-support-officer]"}
	police := map[string]string{"sub": "dev-agency-police", "client_id": "dev-agency-police", "token_use": "access", "scope": "referrals/write referrals/read"}
	cases := []struct {
		name, fn, method, path string
		claims                 map[string]string
		body                   string
	}{
		{"staff list", "WebFunction", "GET", "/v1/staff/referrals", bso, ""},
		{"staff case", "WebFunction", "GET", "/v1/staff/cases/c1", bso, ""},
		{"meeting", "WebFunction", "GET", "/v1/staff/meetings/m1", bso, ""},
		{"case meetings", "WebFunction", "GET", "/v1/staff/cases/c1/meetings", bso, ""},
		{"agency post", "IntakeFunction", "POST", "/v1/referrals", police, referraltest.JSON},
		{"agency status", "IntakeFunction", "GET", "/v1/referrals/r1", police, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			resp := invoke(t, rts[c.fn], c.method, c.path, c.claims, c.body)
			if resp.StatusCode != 503 || resp.Headers["Retry-After"] == "" {
				t.Fatalf("status %d, Retry-After %q: %s", resp.StatusCode, resp.Headers["Retry-After"], resp.Body)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %s to say unavailable", d)
			}
		})
	}
}
