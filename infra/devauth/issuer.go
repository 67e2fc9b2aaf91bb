// Package devauth is a development-only OAuth 2.0 / OpenID Connect token
// issuer that behaves like the Cognito user pool in template.yaml, so the
// app and its tests can sign in locally without AWS.
//
// It serves, under <base URL>/dev/auth:
//
//	/.well-known/openid-configuration  OIDC discovery
//	/.well-known/jwks.json             the RS256 public key
//	/oauth2/authorize                  a GOV.UK-styled page to pick a demo member of staff
//	                                   (authorization code + PKCE S256, public client dev-staff-web)
//	/oauth2/token                      authorization_code, refresh_token and client_credentials
//	                                   (HTTP Basic: the demo agency clients)
//	/logout                            back to the app
//
// Tokens carry the claims Cognito puts in its tokens: an access token has
// sub, client_id, scope, token_use "access", and for staff username and
// "cognito:groups"; the issuer string is the base URL + "/dev/auth".
//
// The issuer exists only in the dev server and tests: nothing in shared/ or
// functions/ imports it. Its tokens are signed with a key generated at start
// (optionally kept in the data directory so browser sessions survive a
// restart) and are worthless anywhere else.
package devauth

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Path is where the issuer's handler is mounted on the dev server.
const Path = "/dev/auth"

// StaffClientID is the staff web app's public client (authorization code +
// PKCE), as STAFF_CLIENT_ID locally.
const StaffClientID = "dev-staff-web"

// Scopes granted by the issuer.
const (
	staffScope  = "openid email staff/api"
	agencyScope = "referrals/write referrals/read"
)

// User is a demo member of staff who can sign in on the page.
type User struct {
	ID    string // Cognito "sub"
	Name  string // display name on the sign-in page and in the ID token
	Email string
	Roles []string // Cognito group names (shared/auth roles)
}

// Client is a machine client of an agency (client credentials grant).
type Client struct {
	ID     string
	Secret string
	Agency string   // agency id the client maps to (AGENCY_CLIENTS)
	Scopes []string // scopes the client may be granted
}

// DemoAgencies returns the demo agency clients: police, probation, prison
// and youth-justice, with client ids "dev-agency-<agency>" and secrets
// "dev-secret-<agency>".
func DemoAgencies() []Client {
	var out []Client
	for _, a := range []string{"police", "probation", "prison", "youth-justice"} {
		out = append(out, Client{
			ID: "dev-agency-" + a, Secret: "dev-secret-" + a, Agency: a,
			Scopes: strings.Fields(agencyScope),
		})
	}
	return out
}

// AgencyClientsEnv formats clients as AGENCY_CLIENTS ("clientId=agency,...").
func AgencyClientsEnv(clients []Client) string {
	parts := make([]string, len(clients))
	for i, c := range clients {
		parts[i] = c.ID + "=" + c.Agency
	}
	return strings.Join(parts, ",")
}

// Options configure an Issuer.
type Options struct {
	// BaseURL is the dev server's origin, e.g. http://127.0.0.1:8080. The
	// issuer string is BaseURL + "/dev/auth".
	BaseURL string
	// AppOrigin is the origin redirect_uri and logout_uri must belong to
	// (defaults to BaseURL).
	AppOrigin string
	// Users are the demo staff on the sign-in page, in that order.
	Users []User
	// Clients are the agency machine clients (defaults to DemoAgencies()).
	Clients []Client
	// KeyFile, if set, keeps the signing key there (PEM, PKCS #8) so tokens
	// stay valid across restarts; it is created if missing.
	KeyFile string
	// Now is the clock (defaults to time.Now).
	Now func() time.Time
	// AccessTTL is the lifetime of access and ID tokens (default 60 minutes,
	// as template.yaml's app clients).
	AccessTTL time.Duration
}

// Issuer mints and serves tokens. It is safe for concurrent use.
type Issuer struct {
	opts    Options
	issuer  string
	key     *rsa.PrivateKey
	kid     string
	foreign *rsa.PrivateKey // a second key for bad-signature tokens

	mu    sync.Mutex
	codes map[string]authCode
}

type authCode struct {
	user        User
	clientID    string
	redirectURI string
	challenge   string
	nonce       string
	expires     time.Time
}

// New returns an issuer, generating (or loading) its signing key.
func New(opts Options) (*Issuer, error) {
	opts.BaseURL = strings.TrimSuffix(opts.BaseURL, "/")
	if opts.BaseURL == "" {
		return nil, errors.New("devauth: BaseURL is required")
	}
	if opts.AppOrigin == "" {
		opts.AppOrigin = opts.BaseURL
	}
	opts.AppOrigin = strings.TrimSuffix(opts.AppOrigin, "/")
	if opts.Clients == nil {
		opts.Clients = DemoAgencies()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.AccessTTL == 0 {
		opts.AccessTTL = time.Hour
	}
	key, err := loadOrCreateKey(opts.KeyFile)
	if err != nil {
		return nil, err
	}
	foreign, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("devauth: generate key: %w", err)
	}
	return &Issuer{
		opts:    opts,
		issuer:  opts.BaseURL + Path,
		key:     key,
		kid:     keyID(&key.PublicKey),
		foreign: foreign,
		codes:   map[string]authCode{},
	}, nil
}

func loadOrCreateKey(file string) (*rsa.PrivateKey, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err == nil {
			block, _ := pem.Decode(b)
			if block == nil {
				return nil, fmt.Errorf("devauth: %s holds no PEM block", file)
			}
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("devauth: parse %s: %w", file, err)
			}
			rk, ok := k.(*rsa.PrivateKey)
			if !ok {
				return nil, fmt.Errorf("devauth: %s is not an RSA key", file)
			}
			return rk, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("devauth: read key: %w", err)
		}
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("devauth: generate key: %w", err)
	}
	if file != "" {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("devauth: encode key: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			return nil, fmt.Errorf("devauth: key dir: %w", err)
		}
		if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return nil, fmt.Errorf("devauth: write key: %w", err)
		}
	}
	return key, nil
}

func keyID(pub *rsa.PublicKey) string {
	sum := sha256.Sum256(pub.N.Bytes())
	return hex.EncodeToString(sum[:8])
}

// IssuerURL is the "iss" of every token: BaseURL + "/dev/auth".
func (is *Issuer) IssuerURL() string { return is.issuer }

// JWKSURL is the URL of the JSON Web Key Set.
func (is *Issuer) JWKSURL() string { return is.issuer + "/.well-known/jwks.json" }

// TokenURL is the token endpoint agencies post client credentials to.
func (is *Issuer) TokenURL() string { return is.issuer + "/oauth2/token" }

// Audience lists every client id a token may be issued to: the staff client
// and each agency client (the JWT authorizer's audience list).
func (is *Issuer) Audience() []string {
	out := []string{StaffClientID}
	for _, c := range is.opts.Clients {
		out = append(out, c.ID)
	}
	return out
}

// Clients returns the agency clients.
func (is *Issuer) Clients() []Client { return slices.Clone(is.opts.Clients) }

// Users returns the demo staff.
func (is *Issuer) Users() []User { return slices.Clone(is.opts.Users) }

// PublicKey returns the verification key with id kid.
func (is *Issuer) PublicKey(kid string) (*rsa.PublicKey, bool) {
	if kid != is.kid {
		return nil, false
	}
	return &is.key.PublicKey, true
}

// KeyID is the id ("kid") of the signing key.
func (is *Issuer) KeyID() string { return is.kid }

// TokenOption changes how a token is signed.
type TokenOption func(*mintConfig)

type mintConfig struct{ foreign bool }

// ForeignKey signs the token with a key that is not in the JWKS (but with
// the JWKS key's id), so it fails signature verification.
func ForeignKey() TokenOption { return func(c *mintConfig) { c.foreign = true } }

// Mint signs claims as a JWT (RS256, with the issuer's kid). Nothing is
// added: tests use it for tokens with odd or missing claims.
func (is *Issuer) Mint(claims map[string]any, opts ...TokenOption) (string, error) {
	var cfg mintConfig
	for _, o := range opts {
		o(&cfg)
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims(maps.Clone(claims)))
	t.Header["kid"] = is.kid
	key := is.key
	if cfg.foreign {
		key = is.foreign
	}
	s, err := t.SignedString(key)
	if err != nil {
		return "", fmt.Errorf("devauth: sign: %w", err)
	}
	return s, nil
}

// User returns the demo user with id.
func (is *Issuer) User(id string) (User, bool) {
	i := slices.IndexFunc(is.opts.Users, func(u User) bool { return u.ID == id })
	if i < 0 {
		return User{}, false
	}
	return is.opts.Users[i], true
}

func (is *Issuer) client(id string) (Client, bool) {
	i := slices.IndexFunc(is.opts.Clients, func(c Client) bool { return c.ID == id })
	if i < 0 {
		return Client{}, false
	}
	return is.opts.Clients[i], true
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (is *Issuer) base(tokenUse string, ttl time.Duration) map[string]any {
	now := is.opts.Now()
	return map[string]any{
		"iss":       is.issuer,
		"token_use": tokenUse,
		"auth_time": now.Unix(),
		"iat":       now.Unix(),
		"exp":       now.Add(ttl).Unix(),
		"jti":       randomID(),
	}
}

// StaffClaims returns the access-token claims of demo user u, as Cognito
// issues them to the staff web client.
func (is *Issuer) StaffClaims(u User, ttl time.Duration) map[string]any {
	c := is.base("access", ttl)
	c["sub"] = u.ID
	c["username"] = u.ID
	c["cognito:groups"] = slices.Clone(u.Roles)
	c["client_id"] = StaffClientID
	c["scope"] = staffScope
	c["version"] = 2
	c["origin_jti"] = randomID()
	return c
}

// StaffToken returns an access token for the demo user staffID, valid for
// ttl (negative: already expired).
func (is *Issuer) StaffToken(staffID string, ttl time.Duration, opts ...TokenOption) (string, error) {
	u, ok := is.User(staffID)
	if !ok {
		return "", fmt.Errorf("devauth: no demo user %q", staffID)
	}
	return is.Mint(is.StaffClaims(u, ttl), opts...)
}

// AgencyToken returns a client-credentials access token for clientID with
// scopes (space separated in the "scope" claim), valid for ttl. Neither the
// client nor the scopes are checked, so tests can make tokens for unknown
// clients or with scopes a client could never get.
func (is *Issuer) AgencyToken(clientID string, scopes []string, ttl time.Duration, opts ...TokenOption) (string, error) {
	c := is.base("access", ttl)
	c["sub"] = clientID
	c["client_id"] = clientID
	c["scope"] = strings.Join(scopes, " ")
	c["version"] = 2
	return is.Mint(c, opts...)
}

func (is *Issuer) idToken(u User, nonce string) (string, error) {
	c := is.base("id", is.opts.AccessTTL)
	c["sub"] = u.ID
	c["aud"] = StaffClientID
	c["cognito:username"] = u.ID
	c["cognito:groups"] = slices.Clone(u.Roles)
	c["email"] = u.Email
	c["email_verified"] = true
	c["name"] = u.Name
	if nonce != "" {
		c["nonce"] = nonce
	}
	return is.Mint(c)
}

// refreshToken is a signed JWT here (Cognito's is opaque): it survives a
// restart when the key does. token_use "refresh" keeps it out of the API.
func (is *Issuer) refreshToken(u User) (string, error) {
	c := is.base("refresh", 12*time.Hour)
	c["sub"] = u.ID
	c["client_id"] = StaffClientID
	return is.Mint(c)
}

// parseOwn verifies a token this issuer minted.
func (is *Issuer) parseOwn(tok string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tok, claims, func(t *jwt.Token) (any, error) {
		return crypto.PublicKey(&is.key.PublicKey), nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(is.issuer),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(is.opts.Now))
	if err != nil {
		return nil, err
	}
	return claims, nil
}
