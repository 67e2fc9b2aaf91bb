package devauth_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/devauth"
	"github.com/mappa-coordinator/mappa/infra/gateway"
)

var users = []devauth.User{
	{ID: "staff-a", Name: "Alex Example", Email: "alex@example.gov.uk", Roles: []string{"business-support-officer"}},
	{ID: "staff-b", Name: "Bo Sample", Email: "bo@example.gov.uk", Roles: []string{"social-worker", "team-manager"}},
}

// start serves an issuer on a test server whose URL is the issuer's base.
func start(t *testing.T, keyFile string) (*devauth.Issuer, *httptest.Server) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	is, err := devauth.New(devauth.Options{BaseURL: srv.URL, Users: users, KeyFile: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = is.Handler()
	return is, srv
}

func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// verify checks tok with the keys published at the JWKS endpoint, as the
// API Gateway JWT authorizer would.
func verify(t *testing.T, is *devauth.Issuer, tok string) map[string]any {
	t.Helper()
	keys, err := gateway.FetchJWKS(context.Background(), nil, is.JWKSURL())
	if err != nil {
		t.Fatal(err)
	}
	claims, err := gateway.JWTVerifier{Issuer: is.IssuerURL(), Audience: is.Audience(), Keys: keys}.Verify(tok)
	if err != nil {
		t.Fatalf("token does not verify against the published JWKS: %v", err)
	}
	return claims
}

func TestDiscoveryDescribesTheEndpoints(t *testing.T) {
	is, srv := start(t, "")
	resp, err := http.Get(srv.URL + "/dev/auth/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc["issuer"] != srv.URL+"/dev/auth" || doc["issuer"] != is.IssuerURL() || doc["jwks_uri"] != is.JWKSURL() ||
		doc["token_endpoint"] != srv.URL+"/dev/auth/oauth2/token" || doc["authorization_endpoint"] != srv.URL+"/dev/auth/oauth2/authorize" {
		t.Fatalf("discovery %v", doc)
	}
}

func postToken(t *testing.T, srv *httptest.Server, form url.Values, user, pass string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+"/dev/auth/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestAgencyClientCredentials(t *testing.T) {
	is, srv := start(t, "")
	tests := []struct {
		name       string
		user, pass string
		form       url.Values
		want       int
		wantScope  string
		wantError  string
	}{
		{"police with basic auth", "dev-agency-police", "dev-secret-police", url.Values{"grant_type": {"client_credentials"}}, 200, "referrals/write referrals/read", ""},
		{"youth justice asks for one scope", "dev-agency-youth-justice", "dev-secret-youth-justice",
			url.Values{"grant_type": {"client_credentials"}, "scope": {"referrals/read"}}, 200, "referrals/read", ""},
		{"secret in the body", "", "", url.Values{"grant_type": {"client_credentials"}, "client_id": {"dev-agency-prison"}, "client_secret": {"dev-secret-prison"}}, 200, "referrals/write referrals/read", ""},
		{"wrong secret", "dev-agency-police", "dev-secret-probation", url.Values{"grant_type": {"client_credentials"}}, 401, "", "invalid_client"},
		{"unknown client", "dev-agency-nobody", "x", url.Values{"grant_type": {"client_credentials"}}, 401, "", "invalid_client"},
		{"no credentials", "", "", url.Values{"grant_type": {"client_credentials"}}, 401, "", "invalid_client"},
		{"scope not allowed", "dev-agency-police", "dev-secret-police", url.Values{"grant_type": {"client_credentials"}, "scope": {"staff/api"}}, 400, "", "invalid_scope"},
		{"unknown grant", "dev-agency-police", "dev-secret-police", url.Values{"grant_type": {"password"}}, 400, "", "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := postToken(t, srv, tt.form, tt.user, tt.pass)
			if status != tt.want {
				t.Fatalf("status %d, want %d: %v", status, tt.want, body)
			}
			if tt.wantError != "" {
				if body["error"] != tt.wantError || body["access_token"] != nil {
					t.Fatalf("body %v", body)
				}
				return
			}
			if body["token_type"] != "Bearer" || body["expires_in"].(float64) != 3600 {
				t.Fatalf("body %v", body)
			}
			c := verify(t, is, body["access_token"].(string))
			client := tt.user
			if client == "" {
				client = tt.form.Get("client_id")
			}
			if c["sub"] != client || c["client_id"] != client || c["token_use"] != "access" || c["scope"] != tt.wantScope {
				t.Fatalf("claims %v", c)
			}
			if _, has := c["cognito:groups"]; has {
				t.Fatal("agency token carries groups")
			}
		})
	}
}

func pkce() (verifier, challenge string) {
	verifier = "a-long-enough-code-verifier-for-pkce-0123456789-abcdefghij"
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestSignInPageListsDemoStaff(t *testing.T) {
	_, srv := start(t, "")
	_, challenge := pkce()
	q := url.Values{"response_type": {"code"}, "client_id": {devauth.StaffClientID}, "redirect_uri": {srv.URL + "/auth/callback"},
		"state": {"st"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}, "scope": {"openid email staff/api"}}
	resp, err := http.Get(srv.URL + "/dev/auth/oauth2/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{"Development sign-in: not for real data", "/assets/govuk-frontend.min.css", `class="govuk-template"`,
		"govuk-radios__input", "Alex Example", "Business support officer", "Bo Sample", "Social worker, Team manager", `lang="en"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func authorize(t *testing.T, srv *httptest.Server, user, redirect, challenge string) *http.Response {
	t.Helper()
	form := url.Values{"response_type": {"code"}, "client_id": {devauth.StaffClientID}, "redirect_uri": {redirect},
		"state": {"xyz"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}, "nonce": {"n-1"}, "user": {user}}
	resp, err := noRedirect().PostForm(srv.URL+"/dev/auth/oauth2/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestStaffAuthorizationCodeWithPKCE(t *testing.T) {
	is, srv := start(t, "")
	verifier, challenge := pkce()
	redirect := srv.URL + "/auth/callback"
	resp := authorize(t, srv, "staff-b", redirect, challenge)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if !strings.HasPrefix(loc.String(), redirect+"?") || loc.Query().Get("state") != "xyz" || loc.Query().Get("code") == "" {
		t.Fatalf("redirected to %s", loc)
	}
	code := loc.Query().Get("code")
	exchange := url.Values{"grant_type": {"authorization_code"}, "client_id": {devauth.StaffClientID}, "code": {code},
		"redirect_uri": {redirect}, "code_verifier": {verifier}}

	t.Run("wrong verifier is refused and burns the code", func(t *testing.T) {
		bad := url.Values{}
		for k, v := range exchange {
			bad[k] = v
		}
		bad.Set("code_verifier", "wrong-verifier-wrong-verifier-wrong-verifier-000")
		resp := authorize(t, srv, "staff-b", redirect, challenge)
		loc, _ := url.Parse(resp.Header.Get("Location"))
		bad.Set("code", loc.Query().Get("code"))
		if status, body := postToken(t, srv, bad, "", ""); status != 400 || body["error"] != "invalid_grant" {
			t.Fatalf("status %d body %v", status, body)
		}
		if status, _ := postToken(t, srv, bad, "", ""); status != 400 {
			t.Fatalf("a refused code was usable again: %d", status)
		}
	})

	status, body := postToken(t, srv, exchange, "", "")
	if status != 200 {
		t.Fatalf("status %d: %v", status, body)
	}
	c := verify(t, is, body["access_token"].(string))
	groups, _ := c["cognito:groups"].([]any)
	if c["sub"] != "staff-b" || c["username"] != "staff-b" || c["client_id"] != devauth.StaffClientID || c["token_use"] != "access" ||
		c["scope"] != "openid email staff/api" || len(groups) != 2 || groups[0] != "social-worker" {
		t.Fatalf("access claims %v", c)
	}
	id := verify(t, is, body["id_token"].(string))
	if id["token_use"] != "id" || id["aud"] != devauth.StaffClientID || id["email"] != "bo@example.gov.uk" || id["nonce"] != "n-1" {
		t.Fatalf("id claims %v", id)
	}

	t.Run("a code is used once", func(t *testing.T) {
		if status, body := postToken(t, srv, exchange, "", ""); status != 400 || body["error"] != "invalid_grant" {
			t.Fatalf("status %d body %v", status, body)
		}
	})
	t.Run("refresh token gives a new access token", func(t *testing.T) {
		status, body := postToken(t, srv, url.Values{"grant_type": {"refresh_token"}, "client_id": {devauth.StaffClientID},
			"refresh_token": {body["refresh_token"].(string)}}, "", "")
		if status != 200 {
			t.Fatalf("status %d %v", status, body)
		}
		if c := verify(t, is, body["access_token"].(string)); c["sub"] != "staff-b" {
			t.Fatalf("claims %v", c)
		}
	})
	t.Run("an access token is not a refresh token", func(t *testing.T) {
		status, _ := postToken(t, srv, url.Values{"grant_type": {"refresh_token"}, "client_id": {devauth.StaffClientID},
			"refresh_token": {body["access_token"].(string)}}, "", "")
		if status != 400 {
			t.Fatalf("status %d", status)
		}
	})
}

func TestAuthorizeRefusesBadRequests(t *testing.T) {
	_, srv := start(t, "")
	_, challenge := pkce()
	ok := url.Values{"response_type": {"code"}, "client_id": {devauth.StaffClientID}, "redirect_uri": {srv.URL + "/auth/callback"},
		"state": {"s"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for kk, vv := range ok {
			q[kk] = vv
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	tests := []struct {
		name      string
		q         url.Values
		want      int
		wantError string // in the redirect
	}{
		{"redirect to another origin", with("redirect_uri", "https://attacker.example/cb"), 400, ""},
		{"redirect to another port", with("redirect_uri", "http://127.0.0.1:1/cb"), 400, ""},
		{"relative redirect", with("redirect_uri", "/cb"), 400, ""},
		{"unknown client", with("client_id", "dev-agency-police"), 400, ""},
		{"no PKCE", with("code_challenge", ""), 302, "invalid_request"},
		{"plain PKCE", with("code_challenge_method", "plain"), 302, "invalid_request"},
		{"implicit flow", with("response_type", "token"), 302, "unsupported_response_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := noRedirect().Get(srv.URL + "/dev/auth/oauth2/authorize?" + tt.q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
			if tt.wantError != "" {
				loc, _ := url.Parse(resp.Header.Get("Location"))
				if loc.Query().Get("error") != tt.wantError || loc.Query().Get("state") != "s" {
					t.Fatalf("redirect %s", loc)
				}
			}
		})
	}
	t.Run("no user chosen shows an error", func(t *testing.T) {
		resp, err := noRedirect().PostForm(srv.URL+"/dev/auth/oauth2/authorize", ok)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), "govuk-error-summary") {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	t.Run("unknown user shows an error", func(t *testing.T) {
		q := with("user", "nobody")
		resp, err := noRedirect().PostForm(srv.URL+"/dev/auth/oauth2/authorize", q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Location") != "" {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}

func TestLogoutReturnsToTheApp(t *testing.T) {
	_, srv := start(t, "")
	tests := []struct {
		query, wantLoc string
		want           int
	}{
		{"", srv.URL + "/", 302},
		{"?client_id=dev-staff-web&logout_uri=" + url.QueryEscape(srv.URL+"/signed-out"), srv.URL + "/signed-out", 302},
		{"?logout_uri=" + url.QueryEscape("https://elsewhere.example/"), "", 400},
	}
	for _, tt := range tests {
		resp, err := noRedirect().Get(srv.URL + "/dev/auth/logout" + tt.query)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want || resp.Header.Get("Location") != tt.wantLoc {
			t.Fatalf("%s: status %d location %q", tt.query, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func TestKeyFileKeepsTokensValidAcrossRestarts(t *testing.T) {
	file := filepath.Join(t.TempDir(), "auth", "key.pem")
	first, err := devauth.New(devauth.Options{BaseURL: "http://127.0.0.1:8080", Users: users, KeyFile: file})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := first.StaffToken("staff-a", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	second, err := devauth.New(devauth.Options{BaseURL: "http://127.0.0.1:8080", Users: users, KeyFile: file})
	if err != nil {
		t.Fatal(err)
	}
	v := gateway.JWTVerifier{Issuer: second.IssuerURL(), Audience: second.Audience(), Keys: second}
	if _, err := v.Verify(tok); err != nil {
		t.Fatalf("token from before the restart: %v", err)
	}
	fresh, err := devauth.New(devauth.Options{BaseURL: "http://127.0.0.1:8080", Users: users})
	if err != nil {
		t.Fatal(err)
	}
	v.Keys = fresh
	if _, err := v.Verify(tok); err == nil {
		t.Fatal("a token verified with an unrelated key")
	}
}

func TestTestHelpersMintTheTokensTestsNeed(t *testing.T) {
	is, err := devauth.New(devauth.Options{BaseURL: "http://127.0.0.1:8080", Users: users})
	if err != nil {
		t.Fatal(err)
	}
	v := gateway.JWTVerifier{Issuer: is.IssuerURL(), Audience: is.Audience(), Keys: is, TokenUse: "access"}
	if _, err := is.StaffToken("nobody", time.Hour); err == nil {
		t.Fatal("token for an unknown user")
	}
	expired, _ := is.StaffToken("staff-a", -time.Second)
	if _, err := v.Verify(expired); err != gateway.ErrExpired {
		t.Fatalf("expired: %v", err)
	}
	forged, _ := is.AgencyToken("dev-agency-police", []string{"referrals/write"}, time.Hour, devauth.ForeignKey())
	if _, err := v.Verify(forged); err == nil {
		t.Fatal("foreign-key token verified")
	}
	good, _ := is.AgencyToken("dev-agency-police", []string{"referrals/write"}, time.Hour)
	if c, err := v.Verify(good); err != nil || c["scope"] != "referrals/write" {
		t.Fatalf("good token: %v %v", c, err)
	}
	if env := devauth.AgencyClientsEnv(devauth.DemoAgencies()); env != "dev-agency-police=police,dev-agency-probation=probation,dev-agency-prison=prison,dev-agency-youth-justice=youth-justice" {
		t.Fatalf("AGENCY_CLIENTS %q", env)
	}
}
