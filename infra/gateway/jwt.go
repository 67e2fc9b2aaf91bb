package gateway

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Verifier checks a bearer token the way an HTTP API JWT authorizer does and
// returns its claims. Any error means 401.
type Verifier interface {
	Verify(token string) (map[string]any, error)
}

// KeySet finds a token's verification key by key id. *devauth.Issuer and
// JWKS implement it.
type KeySet interface {
	PublicKey(kid string) (*rsa.PublicKey, bool)
}

// JWTVerifier is the HTTP API JWT authorizer: RS256 signature with a key
// from the issuer's JWKS, "iss" equal to Issuer, "exp" in the future and
// "nbf"/"iat" not in the future, and "aud" (or, when a token has no "aud" as
// Cognito access tokens do not, "client_id") in Audience. With TokenUse set
// (locally "access") the token_use claim must equal it, so ID tokens are
// refused.
type JWTVerifier struct {
	Issuer   string
	Audience []string
	Keys     KeySet
	TokenUse string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Errors the verifier reports (all answered with 401).
var (
	ErrNoToken       = errors.New("no bearer token")
	ErrInvalidToken  = errors.New("token is malformed or its signature is not valid")
	ErrExpired       = errors.New("token has expired or is not valid yet")
	ErrWrongIssuer   = errors.New("token issuer is not trusted")
	ErrWrongAudience = errors.New("token audience is not allowed")
	ErrWrongTokenUse = errors.New("token is not an access token")
)

// Verify implements Verifier.
func (v JWTVerifier) Verify(token string) (map[string]any, error) {
	if token == "" {
		return nil, ErrNoToken
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, ok := v.Keys.PublicKey(kid)
		if !ok {
			return nil, fmt.Errorf("unknown kid %q", kid)
		}
		return k, nil
	},
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithJSONNumber(),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(now),
	)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return nil, ErrExpired
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if iss, _ := claims["iss"].(string); iss != v.Issuer {
		return nil, ErrWrongIssuer
	}
	if !v.audienceOK(claims) {
		return nil, ErrWrongAudience
	}
	if v.TokenUse != "" && claims["token_use"] != v.TokenUse {
		return nil, ErrWrongTokenUse
	}
	return claims, nil
}

func (v JWTVerifier) audienceOK(c jwt.MapClaims) bool {
	if _, has := c["aud"]; has {
		aud, err := c.GetAudience()
		return err == nil && slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(v.Audience, a) })
	}
	id, _ := c["client_id"].(string)
	return id != "" && slices.Contains(v.Audience, id)
}

// JWKS is a parsed JSON Web Key Set (RSA keys only).
type JWKS map[string]*rsa.PublicKey

// PublicKey implements KeySet.
func (k JWKS) PublicKey(kid string) (*rsa.PublicKey, bool) {
	p, ok := k[kid]
	return p, ok
}

// ParseJWKS reads a JWKS document.
func ParseJWKS(b []byte) (JWKS, error) {
	var doc struct {
		Keys []struct {
			Kty, Kid, N, E string
		} `json:"keys"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("gateway: jwks: %w", err)
	}
	out := JWKS{}
	for _, k := range doc.Keys {
		if k.Kty != "RSA" {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil || len(e) > 4 {
			return nil, fmt.Errorf("gateway: jwks: key %q is not valid", k.Kid)
		}
		out[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	return out, nil
}

// FetchJWKS downloads and parses the key set at url.
func FetchJWKS(ctx context.Context, client *http.Client, url string) (JWKS, error) {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("gateway: jwks: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("gateway: jwks: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("gateway: jwks: %s answered %d", url, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("gateway: jwks: %w", err)
	}
	return ParseJWKS(b)
}

// bearer extracts the token from an Authorization header value. Like API
// Gateway it accepts the token with or without the "Bearer " prefix.
func bearer(h string) string {
	h = strings.TrimSpace(h)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return h
}

// scopesOf returns the token's scopes ("scope" or "scp" claim).
func scopesOf(c map[string]any) []string {
	for _, name := range []string{"scope", "scp"} {
		switch v := c[name].(type) {
		case string:
			return strings.Fields(v)
		case []any:
			var out []string
			for _, s := range v {
				if str, ok := s.(string); ok {
					out = append(out, str)
				}
			}
			return out
		}
	}
	return nil
}

// flattenClaims renders claims as API Gateway HTTP APIs pass them to a
// function: every value a string; numbers as written; arrays as
// "[a b c]"; objects as JSON.
func flattenClaims(c map[string]any) map[string]string {
	out := make(map[string]string, len(c))
	for k, v := range c {
		out[k] = flatten(v)
	}
	return out
}

func flatten(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return big.NewFloat(x).Text('f', -1)
	case bool:
		if x {
			return "true"
		}
		return "false"
	case nil:
		return ""
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = flatten(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case []string:
		return "[" + strings.Join(x, " ") + "]"
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
