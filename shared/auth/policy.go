package auth

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/httpapi"
)

// Policy says who may call a route. The zero Policy admits nobody: a route
// is open only as far as its policy says.
type Policy struct {
	// Public routes need no identity (static assets, the OpenAPI document).
	Public bool
	// Scope, if set, must have been granted to the token.
	Scope string
	// Roles lists the staff roles admitted (any one suffices).
	Roles []Role
	// Agencies admits the machine clients of known agencies.
	Agencies bool
}

// Staff admits staff holding any of roles, with the staff API scope.
func Staff(roles ...Role) Policy { return Policy{Scope: ScopeStaff, Roles: roles} }

// Agency admits agency machine clients holding scope.
func Agency(scope string) Policy { return Policy{Scope: scope, Agencies: true} }

// Public admits anyone.
func Public() Policy { return Policy{Public: true} }

func (p Policy) admits(id Identity) bool {
	if p.Scope != "" && !id.HasScope(p.Scope) {
		return false
	}
	switch id.Kind {
	case KindAgency:
		return p.Agencies && id.Agency != ""
	case KindStaff:
		return id.HasAny(p.Roles...)
	}
	return false
}

// String describes the policy for route listings and tests.
func (p Policy) String() string {
	if p.Public {
		return "public"
	}
	var parts []string
	if p.Scope != "" {
		parts = append(parts, "scope "+p.Scope)
	}
	if len(p.Roles) > 0 {
		rs := make([]string, len(p.Roles))
		for i, r := range p.Roles {
			rs[i] = string(r)
		}
		parts = append(parts, "roles "+strings.Join(rs, "|"))
	}
	if p.Agencies {
		parts = append(parts, "agencies")
	}
	if len(parts) == 0 {
		return "nobody"
	}
	return strings.Join(parts, "; ")
}

// Router is an http.ServeMux on which every route must be registered with a
// Policy. Requests that match no route get a 404 problem; requests that
// match a route are checked against its policy before the handler runs.
type Router struct {
	mux      *http.ServeMux
	agencies Agencies
	policies map[string]Policy
}

// NewRouter returns an empty Router that recognises the given agency clients.
func NewRouter(agencies Agencies) *Router {
	return &Router{mux: http.NewServeMux(), agencies: agencies, policies: map[string]Policy{}}
}

// Handle registers h at pattern (a net/http pattern such as
// "GET /v1/referrals/{id}") behind policy p.
func (rt *Router) Handle(pattern string, p Policy, h http.Handler) {
	if _, dup := rt.policies[pattern]; dup {
		panic(fmt.Sprintf("auth: route %q registered twice", pattern))
	}
	rt.policies[pattern] = p
	rt.mux.Handle(pattern, rt.guard(pattern, p, h))
}

// HandleFunc is Handle for a function.
func (rt *Router) HandleFunc(pattern string, p Policy, h http.HandlerFunc) { rt.Handle(pattern, p, h) }

// Routes returns every registered pattern with its policy, sorted.
func (rt *Router) Routes() map[string]Policy { return maps.Clone(rt.policies) }

// Patterns returns the registered patterns, sorted.
func (rt *Router) Patterns() []string { return slices.Sorted(maps.Keys(rt.policies)) }

// ServeHTTP implements http.Handler, wrapped in httpapi.Middleware.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	httpapi.Middleware(http.HandlerFunc(rt.serve)).ServeHTTP(w, r)
}

func (rt *Router) serve(w http.ResponseWriter, r *http.Request) {
	if _, pattern := rt.mux.Handler(r); pattern == "" {
		httpapi.NotFound(w, r)
		return
	}
	rt.mux.ServeHTTP(w, r)
}

func (rt *Router) guard(pattern string, p Policy, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := httpapi.Info(r.Context())
		info.Route = pattern
		if p.Public {
			h.ServeHTTP(w, r)
			return
		}
		claims, scopes, ok := claimsFrom(r.Context())
		if !ok {
			httpapi.Unauthorized(w, r, "Send a valid bearer token.")
			return
		}
		id, ok := identityFrom(claims, scopes, rt.agencies)
		if !ok {
			httpapi.Unauthorized(w, r, "The token does not identify a member of staff or a known agency.")
			return
		}
		info.ActorID = id.Subject
		if !p.admits(id) {
			httpapi.Forbidden(w, r, "Your role or token does not allow this.")
			return
		}
		h.ServeHTTP(w, r.WithContext(WithIdentity(r.Context(), id)))
	})
}
