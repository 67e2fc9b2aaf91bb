package devauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Handler serves the issuer's endpoints at their full paths under
// /dev/auth (mount it at "/dev/auth/").
func (is *Issuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Path+"/.well-known/jwks.json", is.serveJWKS)
	mux.HandleFunc("GET "+Path+"/.well-known/openid-configuration", is.serveDiscovery)
	mux.HandleFunc("GET "+Path+"/oauth2/authorize", is.serveAuthorize)
	mux.HandleFunc("POST "+Path+"/oauth2/authorize", is.serveAuthorize)
	mux.HandleFunc("POST "+Path+"/oauth2/token", is.serveToken)
	mux.HandleFunc("GET "+Path+"/logout", is.serveLogout)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		mux.ServeHTTP(w, r)
	})
}

// JWK is one RSA public key in a JSON Web Key Set.
type JWK struct {
	Kty string `json:"kty"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// JWKS returns the key set served at /.well-known/jwks.json.
func (is *Issuer) JWKS() map[string][]JWK {
	pub := is.key.PublicKey
	return map[string][]JWK{"keys": {{
		Kty: "RSA", Alg: "RS256", Use: "sig", Kid: is.kid,
		N: base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (is *Issuer) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, is.JWKS())
}

func (is *Issuer) serveDiscovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                is.issuer,
		"authorization_endpoint":                is.issuer + "/oauth2/authorize",
		"token_endpoint":                        is.issuer + "/oauth2/token",
		"jwks_uri":                              is.JWKSURL(),
		"end_session_endpoint":                  is.issuer + "/logout",
		"response_types_supported":              []string{"code"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token", "client_credentials"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "staff/api", "referrals/write", "referrals/read"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}

// sameOrigin reports whether raw is an absolute URL on the app origin.
func (is *Issuer) sameOrigin(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || u.Fragment != "" {
		return false
	}
	app, err := url.Parse(is.opts.AppOrigin)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Scheme, app.Scheme) && strings.EqualFold(u.Host, app.Host)
}

type authorizeRequest struct {
	ClientID, RedirectURI, State, Challenge, Method, Nonce, Scope string
}

func (is *Issuer) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		is.renderError(w, http.StatusBadRequest, "The sign-in request could not be read.")
		return
	}
	f := r.Form
	ar := authorizeRequest{
		ClientID: f.Get("client_id"), RedirectURI: f.Get("redirect_uri"), State: f.Get("state"),
		Challenge: f.Get("code_challenge"), Method: f.Get("code_challenge_method"),
		Nonce: f.Get("nonce"), Scope: f.Get("scope"),
	}
	// Errors about the client or redirect URI are shown, never redirected.
	if ar.ClientID != StaffClientID {
		is.renderError(w, http.StatusBadRequest, "Unknown client_id: only "+StaffClientID+" may sign in here.")
		return
	}
	if !is.sameOrigin(ar.RedirectURI) {
		is.renderError(w, http.StatusBadRequest, "The redirect_uri is not on the app's origin ("+is.opts.AppOrigin+").")
		return
	}
	if rt := f.Get("response_type"); rt != "code" {
		redirectError(w, r, ar, "unsupported_response_type")
		return
	}
	if ar.Method != "S256" || len(ar.Challenge) < 43 {
		redirectError(w, r, ar, "invalid_request")
		return
	}
	if r.Method == http.MethodGet {
		is.renderSignIn(w, http.StatusOK, ar, "")
		return
	}
	u, ok := is.User(f.Get("user"))
	if !ok {
		is.renderSignIn(w, http.StatusOK, ar, "Select the demo user to sign in as")
		return
	}
	code := randomID()
	is.mu.Lock()
	now := is.opts.Now()
	for k, c := range is.codes {
		if now.After(c.expires) {
			delete(is.codes, k)
		}
	}
	is.codes[code] = authCode{user: u, clientID: ar.ClientID, redirectURI: ar.RedirectURI,
		challenge: ar.Challenge, nonce: ar.Nonce, expires: now.Add(5 * time.Minute)}
	is.mu.Unlock()
	q := url.Values{"code": {code}}
	if ar.State != "" {
		q.Set("state", ar.State)
	}
	http.Redirect(w, r, addQuery(ar.RedirectURI, q), http.StatusFound)
}

func addQuery(raw string, q url.Values) string {
	sep := "?"
	if strings.Contains(raw, "?") {
		sep = "&"
	}
	return raw + sep + q.Encode()
}

func redirectError(w http.ResponseWriter, r *http.Request, ar authorizeRequest, code string) {
	q := url.Values{"error": {code}}
	if ar.State != "" {
		q.Set("state", ar.State)
	}
	http.Redirect(w, r, addQuery(ar.RedirectURI, q), http.StatusFound)
}

type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="dev-auth"`)
	}
	writeJSON(w, status, oauthError{Error: code, Description: desc})
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

func (is *Issuer) serveToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "send application/x-www-form-urlencoded")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
		is.clientCredentials(w, r)
	case "authorization_code":
		is.authorizationCode(w, r)
	case "refresh_token":
		is.refresh(w, r)
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "")
	}
}

func (is *Issuer) clientCredentials(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	c, known := is.client(id)
	if !known || subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		tokenError(w, http.StatusUnauthorized, "invalid_client", "")
		return
	}
	scopes := c.Scopes
	if req := strings.Fields(r.PostForm.Get("scope")); len(req) > 0 {
		for _, s := range req {
			if !slices.Contains(c.Scopes, s) {
				tokenError(w, http.StatusBadRequest, "invalid_scope", "")
				return
			}
		}
		scopes = req
	}
	tok, err := is.AgencyToken(c.ID, scopes, is.opts.AccessTTL)
	if err != nil {
		tokenError(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	writeJSON(w, http.StatusOK, tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(is.opts.AccessTTL.Seconds())})
}

func (is *Issuer) authorizationCode(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	is.mu.Lock()
	c, ok := is.codes[f.Get("code")]
	delete(is.codes, f.Get("code")) // a code is used once
	is.mu.Unlock()
	if !ok || is.opts.Now().After(c.expires) {
		tokenError(w, http.StatusBadRequest, "invalid_grant", "unknown or expired code")
		return
	}
	if f.Get("client_id") != c.clientID || f.Get("redirect_uri") != c.redirectURI {
		tokenError(w, http.StatusBadRequest, "invalid_grant", "client_id or redirect_uri differ from the authorization request")
		return
	}
	sum := sha256.Sum256([]byte(f.Get("code_verifier")))
	if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(c.challenge)) != 1 {
		tokenError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match code_challenge")
		return
	}
	is.issueStaff(w, c.user, c.nonce, true)
}

func (is *Issuer) refresh(w http.ResponseWriter, r *http.Request) {
	claims, err := is.parseOwn(r.PostForm.Get("refresh_token"))
	if err != nil || claims["token_use"] != "refresh" || claims["client_id"] != r.PostForm.Get("client_id") {
		tokenError(w, http.StatusBadRequest, "invalid_grant", "")
		return
	}
	sub, _ := claims["sub"].(string)
	u, ok := is.User(sub)
	if !ok {
		tokenError(w, http.StatusBadRequest, "invalid_grant", "")
		return
	}
	is.issueStaff(w, u, "", false)
}

func (is *Issuer) issueStaff(w http.ResponseWriter, u User, nonce string, withRefresh bool) {
	access, err := is.Mint(is.StaffClaims(u, is.opts.AccessTTL))
	if err != nil {
		tokenError(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	id, err := is.idToken(u, nonce)
	if err != nil {
		tokenError(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	resp := tokenResponse{AccessToken: access, IDToken: id, TokenType: "Bearer", ExpiresIn: int(is.opts.AccessTTL.Seconds())}
	if withRefresh {
		if resp.RefreshToken, err = is.refreshToken(u); err != nil {
			tokenError(w, http.StatusInternalServerError, "server_error", "")
			return
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

// serveLogout sends the browser to logout_uri (or redirect_uri) when it is
// on the app origin, otherwise to the app's root, as Cognito's /logout.
func (is *Issuer) serveLogout(w http.ResponseWriter, r *http.Request) {
	target := is.opts.AppOrigin + "/"
	for _, p := range []string{"logout_uri", "redirect_uri"} {
		if v := r.URL.Query().Get(p); v != "" {
			if !is.sameOrigin(v) {
				is.renderError(w, http.StatusBadRequest, fmt.Sprintf("The %s is not on the app's origin.", p))
				return
			}
			target = v
			break
		}
	}
	http.Redirect(w, r, target, http.StatusFound) //nolint:gosec // target is checked above to be on the app origin
}
