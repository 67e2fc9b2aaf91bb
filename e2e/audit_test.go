package e2e_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// Issue 12, item 4: administrators read the audit per case and per person
// (who viewed or changed what, when), never case contents, and reading the
// audit is itself audited.
func TestAdministratorsReadTheAuditAndTheReadIsAudited(t *testing.T) {
	ctx := context.Background()
	app := startApp(t, localapp.Options{})
	get := func(path, token string) (int, map[string]any) {
		t.Helper()
		return callJSON(t, app, token, "GET", path, nil)
	}
	tok := func(id string) string {
		s, err := app.Issuer.StaffToken(id, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if err := app.PostReferral(ctx, "dev-agency-police", "audit-1", []byte(referraltest.JSON)); err != nil {
		t.Fatal(err)
	}
	st := store.New(app.Deps.DB, app.Tables, app.Deps.Clock)
	page, err := st.ListReferrals(ctx, store.ListQuery{})
	if err != nil || len(page.Referrals) != 1 {
		t.Fatalf("%d referrals, %v", len(page.Referrals), err)
	}
	ref := page.Referrals[0]
	bso, admin := tok(seed.BSO1), tok(seed.Admin1)
	if s, _ := get("/v1/staff/referrals/"+ref.ID, bso); s != 200 {
		t.Fatalf("officer read: %d", s)
	}
	// The administrator may not read the case itself...
	if s, _ := get("/v1/staff/cases/"+ref.CaseID, admin); s != 403 {
		t.Errorf("administrator reading the case: %d", s)
	}
	// ...but sees who read and changed it.
	s, body := get("/v1/admin/audit/cases/"+ref.CaseID, admin)
	if s != 200 {
		t.Fatalf("audit of case: %d %v", s, body)
	}
	seen := map[string]bool{}
	for _, it := range body["items"].([]any) {
		m := it.(map[string]any)
		seen[m["actor"].(string)+" "+m["action"].(string)] = true
	}
	for _, want := range []string{seed.BSO1 + " referral.read", "dev-agency-police referral.create", seed.Admin1 + " audit.read"} {
		if !seen[want] {
			t.Errorf("case audit lacks %q: %v", want, seen)
		}
	}
	raw, _ := json.Marshal(body)
	for _, personal := range []string{"Testperson", "1988-03-14", "Example Street", "RG1 1AA"} {
		if json.Valid(raw) && contains(raw, personal) {
			t.Errorf("the audit view shows %q", personal)
		}
	}
	today := app.Deps.Clock.Now().UTC().Format("2006-01-02")
	s, body = get("/v1/admin/audit/people/"+seed.BSO1+"?from="+today+"&to="+today, admin)
	if s != 200 || body["count"].(float64) < 1 {
		t.Fatalf("audit of a person: %d %v", s, body)
	}
	// Reading a person's audit is audited too, under the administrator.
	_, mine := get("/v1/admin/audit/people/"+seed.Admin1+"?from="+today+"&to="+today, admin)
	reads := 0
	for _, it := range mine["items"].([]any) {
		if it.(map[string]any)["action"] == "audit.read" {
			reads++
		}
	}
	if reads < 2 {
		t.Errorf("the administrator's audit reads were not audited: %v", mine)
	}
	for path, want := range map[string]int{
		"/v1/admin/audit/people/x?from=2026-01-01&to=2026-03-01": 422,
		"/v1/admin/audit/people/x?from=yesterday":                422,
		"/v1/admin/audit/cases/nope":                             404,
	} {
		if s, _ := get(path, admin); s != want {
			t.Errorf("%s: %d, want %d", path, s, want)
		}
	}
	if s, _ := get("/v1/admin/audit/cases/"+ref.CaseID, bso); s != 403 {
		t.Errorf("officer reading the audit: %d", s)
	}
}

func contains(b []byte, s string) bool {
	return len(s) > 0 && string(b) != "" && (len(b) >= len(s)) && (indexOf(string(b), s) >= 0)
}

func indexOf(h, n string) int {
	for i := 0; i+len(n) <= len(h); i++ {
		if h[i:i+len(n)] == n {
			return i
		}
	}
	return -1
}
