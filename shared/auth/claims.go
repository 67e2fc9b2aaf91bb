package auth

import (
	"context"
	"slices"
	"strings"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
)

// claimsFrom reads the verified JWT claims and scopes from the API Gateway
// HTTP API (payload 2.0) request context.
func claimsFrom(ctx context.Context) (claims map[string]string, scopes []string, ok bool) {
	gw, ok := core.GetAPIGatewayV2ContextFromContext(ctx)
	if !ok || gw.Authorizer == nil || gw.Authorizer.JWT == nil || len(gw.Authorizer.JWT.Claims) == 0 {
		return nil, nil, false
	}
	claims = gw.Authorizer.JWT.Claims
	scopes = slices.Clone(gw.Authorizer.JWT.Scopes)
	for s := range strings.FieldsSeq(claims["scope"]) {
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	return claims, scopes, true
}

// identityFrom builds the Identity from claims. A Cognito access token of a
// staff user has "sub", "username" and "cognito:groups"; a client-credentials
// token of an agency has "client_id" equal to "sub" and no groups.
func identityFrom(claims map[string]string, scopes []string, agencies Agencies) (Identity, bool) {
	client := claims["client_id"]
	if agency, ok := agencies[client]; ok && (claims["sub"] == "" || claims["sub"] == client) {
		return Identity{Subject: client, Kind: KindAgency, Agency: agency, Scopes: scopes}, true
	}
	sub := claims["sub"]
	if sub == "" || claims["token_use"] == "id" {
		return Identity{}, false
	}
	var roles []Role
	for _, g := range parseGroups(claims["cognito:groups"]) {
		if slices.Contains(Roles, Role(g)) {
			roles = append(roles, Role(g))
		}
	}
	return Identity{Subject: sub, Kind: KindStaff, Roles: roles, Scopes: scopes}, true
}

// parseGroups reads the groups claim as API Gateway flattens it: a JSON
// array of strings becomes "[a b c]" in the HTTP API context.
func parseGroups(v string) []string {
	v = strings.TrimSpace(v)
	v = strings.TrimPrefix(v, "[")
	v = strings.TrimSuffix(v, "]")
	var out []string
	for f := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ' ' || r == ',' }) {
		if f = strings.Trim(f, `"`); f != "" {
			out = append(out, f)
		}
	}
	return out
}
