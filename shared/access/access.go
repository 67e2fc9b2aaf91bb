// Package access is the access policy of the whole API in one place: for
// every route, which roles (or agency clients) may call it, which rows of
// data they may then see, and why (docs/security.md is the same table in
// words). Routers register each route with Policy(route), so the gate a
// route has is the one written here; the row rules are enforced by Cases
// (a staffapi.CaseAccess) for every read of a case, a referral, a list and
// a search.
//
// It is domain code: no AWS and no net/http. Who is assigned to what comes
// from an Assignments (shared/assignstore on DynamoDB).
package access

import (
	"context"
	"fmt"
	"slices"

	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/staff"
)

// Rows says which rows a caller admitted to a route may see.
type Rows string

// Row rules.
const (
	// RowsNone: the route returns no case data (who am I, the eligibility
	// calculator, the OpenAPI document, the app's files).
	RowsNone Rows = "none"
	// RowsCases: only cases (and their referrals) the caller may see
	// (CanSeeCase); lists and searches leave the others out.
	RowsCases Rows = "cases"
	// RowsOwnClient: an agency sees only referrals its own client posted.
	RowsOwnClient Rows = "own-client"
	// RowsChildRecord: the case's data as RowsCases, and the text kept from
	// MAPPA minutes about a child (the child-relevant extract) only to those
	// who may see the child's record (CanSeeChildRecord).
	RowsChildRecord Rows = "child-record"
	// RowsAuditIDs: the audit of any case or person: ids, actions and times,
	// never a case's contents (administrators).
	RowsAuditIDs Rows = "audit-ids"
)

// Rule is one route's entry in the matrix.
type Rule struct {
	Route  string
	Policy auth.Policy
	Rows   Rows
	// Why says, for people, who may do this and why.
	Why string
}

var (
	allStaff = auth.Roles
	// caseWorkers may read the cases they are entitled to (row rules).
	caseWorkers = []auth.Role{auth.RoleBSO, auth.RoleSocialWorker, auth.RoleTeamManager, auth.RoleServiceMgr, auth.RoleHeadOfService}
)

// Matrix lists every route of every HTTP function. A route not listed
// here cannot be registered (Policy panics) and the matrix test fails.
var Matrix = []Rule{
	{"GET /v1/me", auth.Staff(allStaff...), RowsNone,
		"Every member of staff may see who they are signed in as and their roles; it holds no case data."},
	{"POST /v1/eligibility", auth.Staff(allStaff...), RowsNone,
		"The eligibility calculator: facts in, category and reasons out; nothing is read or stored, so any member of staff may use it."},
	{"GET /v1/offences", auth.Staff(allStaff...), RowsNone,
		"The offence list (statutes and schedules) for the calculator and forms: reference data, no case data."},
	{"GET /v1/staff/referrals", auth.Staff(caseWorkers...), RowsCases,
		"Business support officers run the MAPPA inbox and see every referral; social workers, team managers, service managers and heads of service see only referrals of cases they may see. Assistant directors (figures only) and administrators (no case contents) are refused."},
	{"POST /v1/staff/referrals", auth.Staff(auth.RoleBSO), RowsNone,
		"Only business support officers enter referrals received by email: they run the inbox."},
	{"GET /v1/staff/referrals/{id}", auth.Staff(caseWorkers...), RowsCases,
		"As the list: business support officers every referral, others only referrals of cases they may see."},
	{"POST /v1/staff/referrals/{id}/decisions", auth.Staff(auth.RoleBSO), RowsCases,
		"Accepting, asking for more information and declining are inbox work: business support officers only."},
	{"POST /v1/staff/referrals/{id}/match", auth.Staff(auth.RoleBSO), RowsCases,
		"Deciding whether two records are the same person is inbox work, done by business support officers who see both."},
	{"GET /v1/staff/cases/{id}", auth.Staff(caseWorkers...), RowsCases,
		"A case in full: business support officers (they run the inbox and record meeting outcomes), and social workers, team managers, service managers and heads of service where they may see the case."},
	{"POST /v1/staff/cases/{id}/level", auth.Staff(auth.RoleBSO, auth.RoleServiceMgr, auth.RoleHeadOfService), RowsCases,
		"Service managers (level 2) and heads of service (level 3) confirm or set the level of cases they may see. Business support officers only record the level a MAPPA meeting decided, with the meeting's date as its source; they cannot overrule it."},
	{"GET /v1/admin/audit/cases/{id}", auth.Staff(auth.RoleAdmin), RowsAuditIDs,
		"Administrators read who viewed or changed a case and its referrals, and when: ids, actions and times, never the case's contents. The read is itself audited."},
	{"GET /v1/admin/audit/people/{subject}", auth.Staff(auth.RoleAdmin), RowsAuditIDs,
		"Administrators read what one member of staff or agency client did over some days (at most 31): ids, actions and times. The read is itself audited."},
	{"POST /v1/staff/cases/{id}/rag", auth.Staff(auth.RoleSocialWorker, auth.RoleTeamManager, auth.RoleServiceMgr, auth.RoleHeadOfService), RowsCases,
		"The traffic light is a professional judgement on the plan and the risk: the social workers and managers of the case set it, with a reason (kept)."},
	{"POST /v1/referrals", auth.Agency(auth.ScopeReferralsWrite), RowsNone,
		"Agency API clients post referrals; the referring agency is the one the client is registered to."},
	{"GET /v1/referrals/{id}", auth.Agency(auth.ScopeReferralsRead), RowsOwnClient,
		"An agency client reads the status of referrals it posted itself, nothing else; anything else is 404, so existence does not leak."},
	{"POST /v1/referrals/{id}/information", auth.Agency(auth.ScopeReferralsWrite), RowsOwnClient,
		"An agency client answers a request for more information on a referral it posted itself; anything else is 404."},
	{"GET /v1/staff/register", auth.Staff(caseWorkers...), RowsCases,
		"The risk register (every open case with its traffic light, level, category, risk and next review): business support officers see every open case; social workers, team managers, service managers and heads of service only the cases they may see (assigned to them or their team). Assistant directors see its counts only; administrators nothing."},
	{"GET /v1/staff/register/export", auth.Staff(caseWorkers...), RowsCases,
		"The risk register as a CSV download, with the same filters and the same row rules as the page; the download is audited."},
	{"GET /v1/staff/register/counts", auth.Staff(auth.RoleBSO, auth.RoleSocialWorker, auth.RoleTeamManager, auth.RoleServiceMgr, auth.RoleHeadOfService, auth.RoleAD), RowsNone,
		"The register in numbers (open cases by traffic light and level, overdue reviews): no person and no case id. Assistant directors count every open case; the others count the cases they may see."},
	{"GET /v1/staff/reports", auth.Staff(auth.RoleAD), RowsNone,
		"The Strategic Management Board's figures by month (counts only: no person, no case) are for assistant directors."},
	{"GET /v1/openapi.json", auth.Public(), RowsNone, "The API description is public: it holds no data."},
	{"GET /", auth.Public(), RowsNone, "The staff app's pages and files are public: they hold no data; every call they make is checked."},
	{"ANY /", auth.Public(), RowsNone, "Any other method on any path (TRACE, a DELETE where there is none): 405 with Allow where the path exists, otherwise 404; no data."},
}

// Lookup returns the rule for route.
func Lookup(route string) (Rule, bool) {
	i := slices.IndexFunc(Matrix, func(r Rule) bool { return r.Route == route })
	if i < 0 {
		return Rule{}, false
	}
	return Matrix[i], true
}

// Policy returns the gate of route. It panics if the route is not in the
// matrix: every route's access is decided here, and only here.
func Policy(route string) auth.Policy {
	r, ok := Lookup(route)
	if !ok {
		panic(fmt.Sprintf("access: route %q is not in access.Matrix (add it, with docs/security.md)", route))
	}
	return r.Policy
}

// Add appends rules for routes another package serves (each must be new).
// Call it from an init function of the package that registers the routes.
func Add(rules ...Rule) {
	for _, r := range rules {
		if _, dup := Lookup(r.Route); dup {
			panic(fmt.Sprintf("access: route %q is already in the matrix", r.Route))
		}
		Matrix = append(Matrix, r)
	}
}

// Assignments is what the row rules need to know about who works on what.
// Subjects are sign-in identities (auth.Identity.Subject).
type Assignments interface {
	// CasesOf returns the ids of the cases any of subjects is assigned to:
	// as the allocated social worker of a child of the case, as an invitee
	// of a meeting about it, or as the manager the rota assigned.
	CasesOf(ctx context.Context, subjects []string) ([]string, error)
	// Team returns the subjects of the staff whom manager oversees (their
	// team), not including manager.
	Team(ctx context.Context, manager string) ([]string, error)
}

// Scope is what cases a caller may see.
type Scope struct {
	// All is true for business support officers: the whole inbox.
	All bool
	// Cases are the case ids the caller may see when All is false.
	Cases map[string]bool
}

// Has reports whether the scope includes caseID.
func (s Scope) Has(caseID string) bool { return s.All || s.Cases[caseID] }

// Cases applies the row rules.
type Cases struct {
	Assignments Assignments
}

// ScopeOf returns the cases who may see:
//   - business support officers: every case (they run the inbox, match
//     records and record meeting outcomes);
//   - social workers: cases they are assigned to (a child's allocated
//     worker, a meeting invitee);
//   - team managers, service managers and heads of service: cases assigned
//     to them or to anyone in their team;
//   - assistant directors and administrators: none (figures only; staff,
//     configuration and the audit, never case contents);
//   - agency clients: none through this path (RowsOwnClient).
func (c Cases) ScopeOf(ctx context.Context, who auth.Identity) (Scope, error) {
	if who.Kind != auth.KindStaff {
		return Scope{}, nil
	}
	if who.Has(auth.RoleBSO) {
		return Scope{All: true}, nil
	}
	subjects := []string{}
	if who.HasAny(auth.RoleSocialWorker, auth.RoleTeamManager, auth.RoleServiceMgr, auth.RoleHeadOfService) {
		subjects = append(subjects, who.Subject)
	}
	if who.HasAny(auth.RoleTeamManager, auth.RoleServiceMgr, auth.RoleHeadOfService) && c.Assignments != nil {
		team, err := c.Assignments.Team(ctx, who.Subject)
		if err != nil {
			return Scope{}, fmt.Errorf("access: team of %s: %w", who.Subject, err)
		}
		subjects = append(subjects, team...)
	}
	s := Scope{Cases: map[string]bool{}}
	if len(subjects) == 0 || c.Assignments == nil {
		return s, nil
	}
	ids, err := c.Assignments.CasesOf(ctx, subjects)
	if err != nil {
		return Scope{}, fmt.Errorf("access: cases of %s: %w", who.Subject, err)
	}
	for _, id := range ids {
		s.Cases[id] = true
	}
	return s, nil
}

// CanSeeCase implements staffapi.CaseAccess.
func (c Cases) CanSeeCase(ctx context.Context, who auth.Identity, caseID string) (bool, error) {
	s, err := c.ScopeOf(ctx, who)
	if err != nil {
		return false, err
	}
	return s.Has(caseID), nil
}

// CanSeeChildRecord reports whether who may see what is recorded about the
// children of a case in children's social care (the child-relevant
// extract of MAPPA minutes): social workers, team managers, service
// managers and heads of service whose own assignments (or their team's)
// include the case. Business support officers' sight of every case is for
// running the inbox and the rota, not the children's records, so it does
// not count here; assistant directors, administrators and agencies never.
// Guidance says the minutes' child-relevant part goes to the child's case
// notes (children's social care); who in the council may read those notes
// is the council's, and this is the product's rule.
func (c Cases) CanSeeChildRecord(ctx context.Context, who auth.Identity, caseID string) (bool, error) {
	if who.Kind != auth.KindStaff || !who.HasAny(auth.RoleSocialWorker, auth.RoleTeamManager, auth.RoleServiceMgr, auth.RoleHeadOfService) {
		return false, nil
	}
	narrowed := who
	narrowed.Roles = slices.DeleteFunc(slices.Clone(who.Roles), func(r auth.Role) bool { return r == auth.RoleBSO })
	s, err := c.ScopeOf(ctx, narrowed)
	if err != nil {
		return false, err
	}
	return s.Has(caseID), nil
}

// Reports returns the sign-in subjects of everyone managerID oversees in the
// staff directory: their line reports, and those reports' reports, and so
// on (a head of service oversees the service managers' teams too). A
// person without a linked sign-in identity is named by their staff id.
func Reports(people []staff.Person, managerID string) []string {
	var out []string
	seen := map[string]bool{managerID: true}
	frontier := []string{managerID}
	for len(frontier) > 0 {
		var next []string
		for _, p := range people {
			if seen[p.ID] || !slices.Contains(frontier, p.LineManager) {
				continue
			}
			seen[p.ID] = true
			next = append(next, p.ID)
			if p.Subject != "" {
				out = append(out, p.Subject)
			} else {
				out = append(out, p.ID)
			}
		}
		frontier = next
	}
	return out
}
