// Package auth turns the verified JWT claims of a request into an Identity
// and enforces a declared Policy on every route: deny by default.
//
// On AWS the HTTP API's JWT authorizer verifies the token (signature, issuer,
// expiry, audience and route scopes) and passes the claims to the function in
// the API Gateway request context; locally the dev server's gateway emulator
// does the same verification and builds the same context. This package only
// reads that context, and then checks roles, agencies and scopes again inside
// the function, so a mistake in the gateway configuration cannot open a
// route on its own.
package auth

import (
	"context"
	"slices"
	"strings"
)

// Role is a council staff role, carried as a Cognito group name.
type Role string

// The staff roles (docs/security.md lists what each may do).
const (
	RoleBSO           Role = "business-support-officer"
	RoleSocialWorker  Role = "social-worker"
	RoleTeamManager   Role = "team-manager" // practice supervisor / team manager
	RoleServiceMgr    Role = "service-manager"
	RoleHeadOfService Role = "head-of-service"
	RoleAD            Role = "assistant-director"
	RoleAdmin         Role = "administrator"
)

// Roles lists every staff role, in the order the sign-in page shows them.
var Roles = []Role{RoleBSO, RoleSocialWorker, RoleTeamManager, RoleServiceMgr, RoleHeadOfService, RoleAD, RoleAdmin}

// Scopes required by the API's routes (Cognito resource server scopes).
const (
	ScopeStaff          = "staff/api"
	ScopeReferralsWrite = "referrals/write"
	ScopeReferralsRead  = "referrals/read"
)

// Kind says whether an Identity is a person or an agency's machine client.
type Kind string

const (
	KindStaff  Kind = "staff"
	KindAgency Kind = "agency"
)

// Identity is the caller of a request. Subject is an opaque id (a Cognito
// sub or an app client id): it is what logs and audit records carry, never a
// name or email address.
type Identity struct {
	Subject string
	Kind    Kind
	Roles   []Role
	// Agency is the agency id of a machine client (police, probation, ...).
	Agency string
	Scopes []string
}

// Has reports whether the identity holds role r.
func (id Identity) Has(r Role) bool { return slices.Contains(id.Roles, r) }

// HasAny reports whether the identity holds at least one of roles.
func (id Identity) HasAny(roles ...Role) bool {
	return slices.ContainsFunc(roles, id.Has)
}

// HasScope reports whether the token was granted scope s.
func (id Identity) HasScope(s string) bool { return slices.Contains(id.Scopes, s) }

type identityKey struct{}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// From returns the identity of the request, set by Router. ok is false on a
// public route or outside a request.
func From(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}

// Agencies maps machine-client ids to agency ids. On AWS it comes from the
// AGENCY_CLIENTS environment variable that template.yaml fills with the
// Cognito app client ids; locally from the dev token issuer's demo clients.
type Agencies map[string]string

// ParseAgencies reads "clientId=agency,clientId=agency".
func ParseAgencies(s string) Agencies {
	out := Agencies{}
	for pair := range strings.SplitSeq(s, ",") {
		client, agency, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if ok && client != "" && agency != "" {
			out[client] = agency
		}
	}
	return out
}
