package e2e_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/infra/template"
	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// caller is one identity the matrix test calls every route as.
type caller struct {
	name  string
	role  auth.Role // staff role, "" for agencies and nobody
	token string
}

// TestAccessMatrix calls every route in template.yaml (so routes other
// engineers add are covered without editing this test) as every staff role,
// as two agencies and with no token, and checks:
//   - the route is in the access matrix (shared/access, docs/security.md);
//   - the gate: callers the matrix admits get past it (not 401/403), the
//     others are refused (401 without a token, 403 or 404 otherwise);
//   - the rows: no answer to anyone carries the name or the ids of a person
//     whose case they may not see, whatever the route (lists, search,
//     reports included).
func TestAccessMatrix(t *testing.T) {
	ctx := context.Background()
	app := startApp(t, localapp.Options{})
	tmplPath, err := template.Find()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.Load(tmplPath)
	if err != nil {
		t.Fatal(err)
	}

	police, err := app.AgencyToken(ctx, "dev-agency-police")
	if err != nil {
		t.Fatal(err)
	}
	probation, err := app.AgencyToken(ctx, "dev-agency-probation")
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, token string, body []byte) (int, []byte) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, app.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	post := func(token, ref, family, crn string) string {
		t.Helper()
		body := referraltest.Person(ref, family, "1980-01-01", crn, "", "")
		if token == probation {
			body = referraltest.With(func(m map[string]any) {
				m["agencyReference"] = ref
				referraltest.Obj(m, "referringAgency")["type"] = "probation"
				p := referraltest.Obj(m, "person")
				p["familyName"] = family
				p["identifiers"] = map[string]any{"crn": crn}
			})
		}
		status, b := do("POST", "/v1/referrals", token, body)
		if status != 202 {
			t.Fatalf("post: %d %s", status, b)
		}
		return string(bytes.Split(bytes.Split(b, []byte(`"id":"`))[1], []byte(`"`))[0])
	}
	// Two people: A (posted by the police) and B (posted by probation).
	refA := post(police, "MATRIX-A", "Matrixalpha", "M111111")
	refB := post(probation, "MATRIX-B", "Matrixbravo", "M222222")
	st := store.New(app.Deps.DB, app.Tables, app.Deps.Clock)
	ra, err := st.GetReferral(ctx, refA)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := st.GetReferral(ctx, refB)
	if err != nil {
		t.Fatal(err)
	}
	caseA, caseB := ra.CaseID, rb.CaseID

	// Assignments: a social worker on A (a child's allocated worker), a
	// team manager over that worker; a service manager on B (the rota),
	// a head of service over that manager.
	as := assignstore.Store{DB: app.Deps.DB, Table: app.Tables.Cases}
	now := time.Now()
	for _, a := range []struct {
		c, who string
		kind   assignstore.Kind
	}{{caseA, seed.SocialWorker1, assignstore.KindChildWorker}, {caseB, seed.ServiceMgr1, assignstore.KindManager}} {
		if err := as.Assign(ctx, a.c, a.who, a.kind, now); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{seed.TeamManager1, seed.SocialWorker1}, {seed.HeadOfService1, seed.ServiceMgr1}} {
		if err := as.AddToTeam(ctx, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}

	staff := func(id string, role auth.Role) caller {
		tok, err := app.Issuer.StaffToken(id, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return caller{name: id, role: role, token: tok}
	}
	callers := []caller{
		staff(seed.BSO1, auth.RoleBSO), staff(seed.SocialWorker1, auth.RoleSocialWorker),
		staff(seed.TeamManager1, auth.RoleTeamManager), staff(seed.ServiceMgr1, auth.RoleServiceMgr),
		staff(seed.HeadOfService1, auth.RoleHeadOfService), staff(seed.AD1, auth.RoleAD), staff(seed.Admin1, auth.RoleAdmin),
		{name: "police client", token: police}, {name: "probation client (another agency)", token: probation},
		{name: "no token"},
	}
	// What each caller may see (docs/security.md): the person's family name
	// and the ids of their case and referral.
	sees := map[string][]string{
		seed.BSO1: {"A", "B"}, seed.SocialWorker1: {"A"}, seed.TeamManager1: {"A"},
		seed.ServiceMgr1: {"B"}, seed.HeadOfService1: {"B"},
	}
	secrets := map[string][]string{"A": {"Matrixalpha", caseA, refA}, "B": {"Matrixbravo", caseB, refB}}

	routes := tmpl.Routes()
	if len(routes) < 10 {
		t.Fatalf("only %d routes in template.yaml", len(routes))
	}
	for _, r := range routes {
		pattern := r.Method + " " + strings.Replace(r.Path, "{proxy+}", "", 1)
		rule, ok := access.Lookup(pattern)
		if !ok {
			t.Errorf("%s is routed by template.yaml but not in access.Matrix: add it there and to docs/security.md", pattern)
			continue
		}
		// Call with each id the path can take: both people's.
		var paths []string
		switch {
		case strings.Contains(r.Path, "{proxy+}"):
			paths = []string{strings.Replace(r.Path, "{proxy+}", "referrals", 1)}
		case strings.Contains(r.Path, "/cases/{"):
			paths = []string{fill(r.Path, caseA), fill(r.Path, caseB)}
		case strings.Contains(r.Path, "{"):
			paths = []string{fill(r.Path, refA), fill(r.Path, refB)}
		default:
			paths = []string{r.Path}
		}
		var body []byte
		if r.Method != "GET" {
			body = []byte(`{}`)
		}
		for _, c := range callers {
			admitted := admits(rule, c)
			for _, p := range paths {
				status, b := do(r.Method, p, c.token, body)
				switch {
				case c.token == "" && !rule.Policy.Public && status != 401:
					t.Errorf("%s %s with no token: %d, want 401", r.Method, p, status)
				case admitted && (status == 401 || status == 403) && !rowRefused(rule, c, p, sees, secrets):
					t.Errorf("%s %s as %s: %d, want past the gate (%s): %s", r.Method, p, c.name, status, rule.Policy, b)
				case !admitted && c.token != "" && status != 403 && status != 404:
					t.Errorf("%s %s as %s: %d, want refused (%s)", r.Method, p, c.name, status, rule.Policy)
				case status >= 500:
					t.Errorf("%s %s as %s: %d %s", r.Method, p, c.name, status, b)
				}
				// Rows: never a person the caller may not see.
				for person, words := range secrets {
					if slices.Contains(sees[c.name], person) {
						continue
					}
					if c.name == "police client" && person == "A" || c.name == "probation client (another agency)" && person == "B" {
						continue // an agency may see its own referral's id
					}
					for i, w := range words {
						if i > 0 && rule.Rows == access.RowsAuditIDs {
							continue // the audit shows ids of any case, never its contents
						}
						if bytes.Contains(b, []byte(w)) && !strings.Contains(p, w) {
							t.Errorf("%s %s as %s: the answer holds %s's %q", r.Method, p, c.name, person, w)
						}
					}
				}
			}
		}
	}
	// The agency clients read their own referral only.
	if s, _ := do("GET", "/v1/referrals/"+refA, police, nil); s != 200 {
		t.Errorf("police reading its own referral: %d", s)
	}
	if s, _ := do("GET", "/v1/referrals/"+refB, police, nil); s != 404 {
		t.Errorf("police reading probation's referral: %d", s)
	}
}

// fill puts id into the path's one parameter.
func fill(path, id string) string {
	i, j := strings.IndexByte(path, '{'), strings.IndexByte(path, '}')
	return path[:i] + id + path[j+1:]
}

// admits says, independently of the router, whether the matrix's gate
// admits caller c.
func admits(rule access.Rule, c caller) bool {
	p := rule.Policy
	switch {
	case p.Public:
		return true
	case c.token == "":
		return false
	case c.role == "":
		return p.Agencies
	default:
		return slices.Contains(p.Roles, c.role)
	}
}

// rowRefused reports whether a 403 is the row rule (the caller is admitted
// to the route but may not see the person the path names).
func rowRefused(rule access.Rule, c caller, path string, sees, secrets map[string][]string) bool {
	if rule.Rows != access.RowsCases && rule.Rows != access.RowsChildRecord {
		return false
	}
	for person, words := range secrets {
		for _, w := range words[1:] {
			if strings.Contains(path, w) {
				return !slices.Contains(sees[c.name], person)
			}
		}
	}
	return false
}
