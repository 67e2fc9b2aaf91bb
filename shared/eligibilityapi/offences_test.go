package eligibilityapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/mappa-coordinator/mappa/shared/auth"
)

type result struct{ Code int }

// getOffences runs GET /v1/offences through the router as Lambda would.
func getOffences(t *testing.T, query string, claims map[string]string) (result, OffencePage) {
	t.Helper()
	rt := auth.NewRouter(auth.Agencies{"client-police": "police"})
	RegisterOffences(rt)
	ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: OffencesRoute, RawPath: "/v1/offences",
		RawQueryString: strings.TrimPrefix(query, "?"),
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "req-1",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/v1/offences", SourceIP: "127.0.0.1"}}}
	if claims != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims}}
	}
	resp, err := httpadapter.NewV2(rt).ProxyWithContext(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	var page OffencePage
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(resp.Body), &page); err != nil {
			t.Fatal(err)
		}
	} else if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusUnauthorized {
		t.Logf("%d %s", resp.StatusCode, resp.Body)
	}
	return result{resp.StatusCode}, page
}

// TestOffenceSearch: staff search by words, Act or section; each item
// carries its Schedule 15 / Schedule 3 status; pages follow the cursor.
func TestOffenceSearch(t *testing.T) {
	staff := staffClaims("[business-support-officer]")
	rec, page := getOffences(t, "?q="+url.QueryEscape("strangulation"), staff)
	if rec.Code != 200 || len(page.Items) == 0 || page.Items[0].Code != "SCA2015-S75A" || page.Items[0].Status != "Schedule 15 Part 1 para 63FA" {
		t.Fatalf("strangulation: %d %+v", rec.Code, page.Items)
	}
	_, page = getOffences(t, "?q="+url.QueryEscape("Sexual Offences Act 2003 s.9"), staff)
	if len(page.Items) == 0 || page.Items[0].Code != "SOA2003-S9" || page.Items[0].Status != "Schedule 15 Part 2 para 110; Schedule 3 para 21" {
		t.Errorf("SOA 2003 s.9: %+v", page.Items)
	}
	_, all := getOffences(t, "?q=s.47&limit=1", staff)
	if all.Total < 2 || len(all.Items) != 1 || all.Next == "" {
		t.Fatalf("s.47 page 1: total %d items %d next %q", all.Total, len(all.Items), all.Next)
	}
	_, p2 := getOffences(t, "?q=s.47&limit=1&cursor="+all.Next, staff)
	if len(p2.Items) != 1 || p2.Items[0].Code == all.Items[0].Code {
		t.Errorf("s.47 page 2: %+v after %+v", p2.Items, all.Items)
	}
	for _, bad := range []string{"?limit=0", "?limit=51", "?limit=x", "?cursor=nope"} {
		if rec, _ := getOffences(t, bad, staff); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", bad, rec.Code)
		}
	}
	if rec, _ := getOffences(t, "?q=rape", nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", rec.Code)
	}
}
