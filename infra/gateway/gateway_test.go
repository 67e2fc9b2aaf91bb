package gateway_test

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/mappa-coordinator/mappa/infra/devauth"
	"github.com/mappa-coordinator/mappa/infra/gateway"
	"github.com/mappa-coordinator/mappa/infra/template"
	"github.com/mappa-coordinator/mappa/shared/auth"
)

var users = []devauth.User{
	{ID: "staff-bso", Name: "Test BSO", Email: "bso@example.gov.uk", Roles: []string{"business-support-officer"}},
	{ID: "staff-sw", Name: "Test Social Worker", Email: "sw@example.gov.uk", Roles: []string{"social-worker"}},
	{ID: "staff-multi", Name: "Test Multi", Email: "m@example.gov.uk", Roles: []string{"team-manager", "service-manager"}},
}

func newIssuer(t *testing.T) *devauth.Issuer {
	t.Helper()
	is, err := devauth.New(devauth.Options{BaseURL: "http://127.0.0.1:9999", Users: users})
	if err != nil {
		t.Fatal(err)
	}
	return is
}

func verifierFor(is *devauth.Issuer) gateway.JWTVerifier {
	return gateway.JWTVerifier{Issuer: is.IssuerURL(), Audience: is.Audience(), Keys: is, TokenUse: "access"}
}

// recorder is a function handler that remembers the API Gateway context it saw.
type recorder struct {
	calls atomic.Int32
	last  atomic.Pointer[seen]
}

type seen struct {
	ctx     events.APIGatewayV2HTTPRequestContext
	method  string
	path    string
	query   string
	headers http.Header
	body    []byte
	cookies []*http.Cookie
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.calls.Add(1)
	gw, _ := core.GetAPIGatewayV2ContextFromContext(r.Context())
	b, _ := io.ReadAll(r.Body)
	rc.last.Store(&seen{ctx: gw, method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, headers: r.Header.Clone(), body: b, cookies: r.Cookies()})
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, gw.RouteKey)
}

func TestRoutingPrecedenceIsAPIGateways(t *testing.T) {
	rec := &recorder{}
	routes := []gateway.Route{
		{Function: "F", Method: "GET", Path: "/{proxy+}", Authorizer: "NONE"},
		{Function: "F", Method: "GET", Path: "/", Authorizer: "NONE"},
		{Function: "F", Method: "GET", Path: "/v1/things/{id}", Authorizer: "NONE"},
		{Function: "F", Method: "GET", Path: "/v1/things/special", Authorizer: "NONE"},
		{Function: "F", Method: "GET", Path: "/v1/things/{id}/parts/{part}", Authorizer: "NONE"},
		{Function: "F", Method: "GET", Path: "/v1/{rest+}", Authorizer: "NONE"},
		{Function: "F", Method: "ANY", Path: "/v1/any", Authorizer: "NONE"},
		{Function: "F", Method: "POST", Path: "/v1/any", Authorizer: "NONE"},
		{Function: "F", Method: "POST", Path: "/v1/things", Authorizer: "NONE"},
	}
	gw, err := gateway.NewFromRoutes(routes, map[string]http.Handler{"F": rec}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw)
	defer srv.Close()
	tests := []struct {
		method, path string
		wantStatus   int
		wantRoute    string
		wantParams   map[string]string
	}{
		{"GET", "/", 200, "GET /", nil},
		{"GET", "/index.html", 200, "GET /{proxy+}", map[string]string{"proxy": "index.html"}},
		{"GET", "/assets/fonts/a.woff2", 200, "GET /{proxy+}", map[string]string{"proxy": "assets/fonts/a.woff2"}},
		{"GET", "/v1/things/special", 200, "GET /v1/things/special", nil},
		{"GET", "/v1/things/abc%20d", 200, "GET /v1/things/{id}", map[string]string{"id": "abc d"}},
		{"GET", "/v1/things/a/parts/b", 200, "GET /v1/things/{id}/parts/{part}", map[string]string{"id": "a", "part": "b"}},
		{"GET", "/v1/things/a/parts", 200, "GET /v1/{rest+}", map[string]string{"rest": "things/a/parts"}},
		{"GET", "/v1/other", 200, "GET /v1/{rest+}", map[string]string{"rest": "other"}},
		{"DELETE", "/v1/any", 200, "ANY /v1/any", nil},
		{"POST", "/v1/any", 200, "POST /v1/any", nil},
		{"POST", "/v1/things", 200, "POST /v1/things", nil},
		{"DELETE", "/v1/things", 404, "", nil},
		{"POST", "/", 404, "", nil},
		{"PUT", "/index.html", 404, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			before := rec.calls.Load()
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantStatus == 404 {
				assertProblem(t, resp, body, 404)
				if rec.calls.Load() != before {
					t.Fatal("handler called for an unrouted request")
				}
				return
			}
			if m, params, ok := gw.Match(tt.method, tt.path); !ok || m.Key() != tt.wantRoute || !maps.Equal(params, tt.wantParams) {
				t.Fatalf("Match gives %q %v, want %v", m.Key(), params, tt.wantParams)
			}
			got := rec.last.Load()
			if got.ctx.RouteKey != tt.wantRoute || string(body) != tt.wantRoute {
				t.Fatalf("route %q (body %q), want %q", got.ctx.RouteKey, body, tt.wantRoute)
			}
		})
	}
}

func TestTheRequestContextIsFilledIn(t *testing.T) {
	rec := &recorder{}
	gw, err := gateway.NewFromRoutes([]gateway.Route{{Function: "F", Method: "GET", Path: "/v1/things/{id}", Authorizer: "NONE"}},
		map[string]http.Handler{"F": rec}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/things/x-1?b=2&a=1&a=3")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := rec.last.Load()
	if got.path != "/v1/things/x-1" || got.query != "b=2&a=1&a=3" {
		t.Fatalf("path %q query %q", got.path, got.query)
	}
	if got.ctx.HTTP.Method != "GET" || got.ctx.HTTP.Path != "/v1/things/x-1" || got.ctx.Stage != "$default" || got.ctx.RequestID == "" ||
		got.ctx.HTTP.SourceIP != "127.0.0.1" || got.ctx.TimeEpoch == 0 || got.ctx.Time == "" {
		t.Fatalf("request context %+v", got.ctx)
	}
	if resp.Header.Get("Apigw-Requestid") != got.ctx.RequestID {
		t.Fatalf("response request id %q, context %q", resp.Header.Get("Apigw-Requestid"), got.ctx.RequestID)
	}
}

func TestMissingHandlerOrAuthorizerIsAnError(t *testing.T) {
	if _, err := gateway.NewFromRoutes([]gateway.Route{{Function: "Missing", Method: "GET", Path: "/", Authorizer: "NONE"}}, nil, nil); err == nil {
		t.Fatal("route without a handler accepted")
	}
	if _, err := gateway.NewFromRoutes([]gateway.Route{{Function: "F", Method: "GET", Path: "/"}}, map[string]http.Handler{"F": &recorder{}}, nil); err == nil {
		t.Fatal("route without an authorizer accepted")
	}
}

func assertProblem(t *testing.T, resp *http.Response, body []byte, status int) map[string]any {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json", ct)
	}
	var p map[string]any
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("problem body %q: %v", body, err)
	}
	if int(p["status"].(float64)) != status || p["title"] == "" || p["type"] == "" {
		t.Fatalf("problem %v", p)
	}
	return p
}

func loadTemplate(t *testing.T) *template.Template {
	t.Helper()
	p, err := template.Find()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// templateGateway serves the real template's routes; every function is rec.
func templateGateway(t *testing.T, is *devauth.Issuer, handlers map[string]http.Handler) *httptest.Server {
	t.Helper()
	tmpl := loadTemplate(t)
	all := map[string]http.Handler{}
	for _, f := range tmpl.Functions() {
		all[f.LogicalID] = http.NotFoundHandler()
	}
	for k, v := range handlers {
		all[k] = v
	}
	gw, err := gateway.New(tmpl, all, verifierFor(is))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	return srv
}

func TestTokenFailuresAreRefusedBeforeTheFunction(t *testing.T) {
	is := newIssuer(t)
	rec := &recorder{}
	srv := templateGateway(t, is, map[string]http.Handler{"WebFunction": rec, "IntakeFunction": rec})

	must := func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := must(is.StaffToken("staff-bso", time.Hour))
	base := is.StaffClaims(users[0], time.Hour)
	with := func(k string, v any) map[string]any {
		c := map[string]any{}
		for kk, vv := range base {
			c[kk] = vv
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	other, err := devauth.New(devauth.Options{BaseURL: "http://127.0.0.1:9999", Users: users})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, path, auth string
		want                     int
	}{
		{"no token", "GET", "/v1/me", "", 401},
		{"empty bearer", "GET", "/v1/me", "Bearer ", 401},
		{"garbage", "GET", "/v1/me", "Bearer not.a.jwt", 401},
		{"bad signature", "GET", "/v1/me", "Bearer " + must(is.StaffToken("staff-bso", time.Hour, devauth.ForeignKey())), 401},
		{"another issuer's key", "GET", "/v1/me", "Bearer " + must(other.StaffToken("staff-bso", time.Hour)), 401},
		{"expired", "GET", "/v1/me", "Bearer " + must(is.StaffToken("staff-bso", -time.Minute)), 401},
		{"not yet valid", "GET", "/v1/me", "Bearer " + must(is.Mint(with("nbf", time.Now().Add(time.Hour).Unix()))), 401},
		{"no expiry", "GET", "/v1/me", "Bearer " + must(is.Mint(with("exp", nil))), 401},
		{"wrong issuer", "GET", "/v1/me", "Bearer " + must(is.Mint(with("iss", "https://cognito-idp.eu-west-2.amazonaws.com/other"))), 401},
		{"unknown audience", "GET", "/v1/me", "Bearer " + must(is.Mint(with("client_id", "someone-else"))), 401},
		{"unknown aud", "GET", "/v1/me", "Bearer " + must(is.Mint(with("aud", "someone-else"))), 401},
		{"id token", "GET", "/v1/me", "Bearer " + must(is.Mint(with("token_use", "id"))), 401},
		{"agency token on staff route", "GET", "/v1/me", "Bearer " + must(is.AgencyToken("dev-agency-police", []string{"referrals/write", "referrals/read"}, time.Hour)), 403},
		{"staff token on agency route", "POST", "/v1/referrals", "Bearer " + good, 403},
		{"read-only agency cannot post", "POST", "/v1/referrals", "Bearer " + must(is.AgencyToken("dev-agency-police", []string{"referrals/read"}, time.Hour)), 403},
		{"unknown agency client", "POST", "/v1/referrals", "Bearer " + must(is.AgencyToken("dev-agency-nobody", []string{"referrals/write"}, time.Hour)), 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := rec.calls.Load()
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(`{}`))
			req.Header.Set("Content-Type", "application/json")
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, body)
			}
			p := assertProblem(t, resp, body, tt.want)
			if p["requestId"] == "" || resp.Header.Get("WWW-Authenticate") == "" {
				t.Fatalf("problem %v, WWW-Authenticate %q", p, resp.Header.Get("WWW-Authenticate"))
			}
			if rec.calls.Load() != before {
				t.Fatal("the function was called")
			}
		})
	}
	t.Run("good token passes", func(t *testing.T) {
		req, _ := http.NewRequest("GET", srv.URL+"/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+good)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || rec.calls.Load() == 0 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	t.Run("token without Bearer prefix passes, as on API Gateway", func(t *testing.T) {
		req, _ := http.NewRequest("GET", srv.URL+"/v1/me", nil)
		req.Header.Set("Authorization", good)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	t.Run("public route ignores a bad token", func(t *testing.T) {
		req, _ := http.NewRequest("GET", srv.URL+"/v1/openapi.json", nil)
		req.Header.Set("Authorization", "Bearer junk")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if got := rec.last.Load(); got.ctx.Authorizer != nil {
			t.Fatalf("public route got an authorizer context %+v", got.ctx.Authorizer)
		}
	})
}

func TestClaimsArriveAsAPIGatewayFlattensThem(t *testing.T) {
	is := newIssuer(t)
	rec := &recorder{}
	srv := templateGateway(t, is, map[string]http.Handler{"WebFunction": rec})
	tok, err := is.StaffToken("staff-multi", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/v1/staff/referrals/ref-1/decisions?x=1", strings.NewReader(`{"a":1}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Add("X-Multi", "a")
	req.Header.Add("X-Multi", "b")
	req.AddCookie(&http.Cookie{Name: "c1", Value: "v1"})
	req.AddCookie(&http.Cookie{Name: "c2", Value: "v2"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "POST /v1/staff/referrals/{id}/decisions" {
		t.Fatalf("status %d body %q", resp.StatusCode, body)
	}
	got := rec.last.Load()
	jwt := got.ctx.Authorizer.JWT
	c := jwt.Claims
	if c["sub"] != "staff-multi" || c["username"] != "staff-multi" || c["client_id"] != devauth.StaffClientID ||
		c["token_use"] != "access" || c["scope"] != "openid email staff/api" || c["iss"] != is.IssuerURL() {
		t.Fatalf("claims %v", c)
	}
	if c["cognito:groups"] != "[team-manager service-manager]" {
		t.Fatalf("groups flattened as %q", c["cognito:groups"])
	}
	if c["version"] != "2" || len(c["exp"]) != 10 || strings.ContainsAny(c["exp"], "e.") {
		t.Fatalf("numbers flattened as version %q exp %q", c["version"], c["exp"])
	}
	if strings.Join(jwt.Scopes, " ") != "openid email staff/api" {
		t.Fatalf("scopes %v", jwt.Scopes)
	}
	if got.method != "POST" || got.query != "x=1" || string(got.body) != `{"a":1}` {
		t.Fatalf("request %s %q %q", got.method, got.query, got.body)
	}
	if got.headers.Get("X-Multi") == "" || len(got.cookies) != 2 || got.cookies[1].Value != "v2" {
		t.Fatalf("headers %v cookies %v", got.headers, got.cookies)
	}
	if got.ctx.RouteKey != "POST /v1/staff/referrals/{id}/decisions" {
		t.Fatalf("route key %q", got.ctx.RouteKey)
	}
}

func TestBinaryBodiesAndResponsesRoundTrip(t *testing.T) {
	payload := []byte{0xff, 0x00, 0xfe, 0x01}
	fn := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		http.SetCookie(w, &http.Cookie{Name: "s", Value: "1", HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "t", Value: "2"})
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("X-Echo-Len", string(rune('0'+len(b))))
		w.WriteHeader(201)
		_, _ = w.Write(append(b, 0xff))
	})
	gw, err := gateway.NewFromRoutes([]gateway.Route{{Function: "F", Method: "POST", Path: "/bin", Authorizer: "NONE"}},
		map[string]http.Handler{"F": fn}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw)
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/bin", "application/octet-stream", bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || !bytes.Equal(body, append(payload, 0xff)) || resp.Header.Get("X-Echo-Len") != "4" {
		t.Fatalf("status %d body %x headers %v", resp.StatusCode, body, resp.Header)
	}
	if len(resp.Cookies()) != 2 {
		t.Fatalf("cookies %v", resp.Cookies())
	}
}

func TestAuthRouterReadsTheGatewaysClaims(t *testing.T) {
	is := newIssuer(t)
	rt := auth.NewRouter(auth.ParseAgencies(devauth.AgencyClientsEnv(devauth.DemoAgencies())))
	var who atomic.Value
	rt.HandleFunc("GET /v1/me", auth.Staff(auth.RoleBSO), func(w http.ResponseWriter, r *http.Request) {
		id, _ := auth.From(r.Context())
		who.Store(id)
		w.WriteHeader(204)
	})
	rt.HandleFunc("POST /v1/referrals", auth.Agency(auth.ScopeReferralsWrite), func(w http.ResponseWriter, r *http.Request) {
		id, _ := auth.From(r.Context())
		who.Store(id)
		w.WriteHeader(202)
	})
	srv := templateGateway(t, is, map[string]http.Handler{"WebFunction": rt, "IntakeFunction": rt})
	call := func(method, path, tok string) int {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader("{}"))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	bso, _ := is.StaffToken("staff-bso", time.Hour)
	sw, _ := is.StaffToken("staff-sw", time.Hour)
	police, _ := is.AgencyToken("dev-agency-police", []string{"referrals/write", "referrals/read"}, time.Hour)
	if got := call("GET", "/v1/me", bso); got != 204 {
		t.Fatalf("BSO got %d", got)
	}
	if id := who.Load().(auth.Identity); id.Subject != "staff-bso" || id.Kind != auth.KindStaff || !id.Has(auth.RoleBSO) {
		t.Fatalf("identity %+v", id)
	}
	if got := call("GET", "/v1/me", sw); got != 403 {
		t.Fatalf("social worker got %d, want 403", got)
	}
	if got := call("POST", "/v1/referrals", police); got != 202 {
		t.Fatalf("police got %d", got)
	}
	if id := who.Load().(auth.Identity); id.Kind != auth.KindAgency || id.Agency != "police" {
		t.Fatalf("identity %+v", id)
	}
}
