package e2e_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/report"
)

// The Board's figures are counted as events happen: referrals posted here
// (one at short notice), classified by the stream consumer, decided and
// given a level, then read back by an assistant director; each figure
// equals what the test did. Other roles may not read them.
func TestBoardReportCountsTheEventsOfTheMonth(t *testing.T) {
	ctx := context.Background()
	app := startApp(t, localapp.Options{Background: true})
	police, err := app.AgencyToken(ctx, "dev-agency-police")
	if err != nil {
		t.Fatal(err)
	}
	token := func(role auth.Role) string {
		tok, err := app.Issuer.StaffToken(localapp.StaffWithRole(role)[0], time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	bso, sm, ad := token(auth.RoleBSO), token(auth.RoleServiceMgr), token(auth.RoleAD)
	call := func(tok, method, path string, body []byte) (int, map[string]any) {
		t.Helper()
		return callJSON(t, app, tok, method, path, body)
	}
	counts := func() map[string]float64 {
		t.Helper()
		status, out := call(ad, "GET", "/v1/staff/reports", nil)
		if status != 200 {
			t.Fatalf("reports: %d %v", status, out)
		}
		months := out["months"].([]any)
		last := months[len(months)-1].(map[string]any)
		if last["month"] != report.Month(time.Now()) {
			t.Fatalf("last month %v, want this month", last["month"])
		}
		got := map[string]float64{}
		for k, v := range last["counts"].(map[string]any) {
			got[k] = v.(float64)
		}
		return got
	}
	before := counts()

	// Three referrals: the first at short notice (9 days), the others with
	// the meeting four weeks away; every one a different person.
	var ids []string
	for i, days := range []int{9, 28, 28} {
		body := referraltest.With(func(m map[string]any) {
			m["agencyReference"] = fmt.Sprintf("TVP-REPORT-%d-%s", i, randHex())
			p := referraltest.Obj(m, "person")
			p["familyName"] = "Reportperson" + randHex()
			p["identifiers"] = map[string]any{"councilNumber": "R" + randHex()}
			referraltest.Obj(m, "meetingInvitation")["date"] = civil.Today(time.Now()).AddDays(days).String()
		})
		status, posted := call(police, "POST", "/v1/referrals", body)
		if status != 202 {
			t.Fatalf("post: %d %v", status, posted)
		}
		ids = append(ids, posted["id"].(string))
	}
	caseOf := map[string]string{}
	for _, id := range ids {
		var got map[string]any
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if _, got = call(bso, "GET", "/v1/staff/referrals/"+id, nil); got["status"] == "classified" {
				break
			}
		}
		if got["status"] != "classified" {
			t.Fatalf("referral %s not classified: %v", id, got["status"])
		}
		caseOf[id] = got["caseId"].(string)
	}
	decide := func(id, body string) {
		t.Helper()
		if status, out := call(bso, "POST", "/v1/staff/referrals/"+id+"/decisions", []byte(body)); status != 200 {
			t.Fatalf("decision: %d %v", status, out)
		}
	}
	decide(ids[0], `{"decision":"accept"}`)
	decide(ids[1], `{"decision":"accept"}`)
	decide(ids[2], `{"decision":"decline","reason":"Not for MAPPA."}`)
	// The business support officer records the levels meetings decided.
	today := civil.Today(time.Now()).String()
	for _, body := range []string{
		`{"action":"set","level":2,"reason":"Level 2 meeting needed.","meetingDate":"` + today + `"}`,
		`{"action":"set","level":3,"reason":"Media interest.","meetingDate":"` + today + `"}`,
	} {
		if status, out := call(bso, "POST", "/v1/staff/cases/"+caseOf[ids[0]]+"/level", []byte(body)); status != 200 {
			t.Fatalf("level: %d %v", status, out)
		}
	}
	if status, _ := call(sm, "GET", "/v1/staff/reports", nil); status != 403 {
		t.Errorf("a service manager read the reports: %d", status)
	}

	after := counts()
	want := map[report.Metric]float64{
		report.Received: 3, report.ShortNotice: 1, report.Category2: 3,
		report.Accepted: 2, report.Declined: 1, report.MoreInformation: 0,
		report.Level2: 1, report.Level3: 1, report.LevelUp: 1, report.LevelDown: 0,
	}
	for m, n := range want {
		if got := after[string(m)] - before[string(m)]; got != n {
			t.Errorf("%s: %v more this month, want %v", m, got, n)
		}
	}

	// Figures are for assistant directors.
	if status, _ := call(bso, "GET", "/v1/staff/reports", nil); status != 403 {
		t.Errorf("a business support officer read the reports: %d", status)
	}
	if status, _ := call(ad, "GET", "/v1/staff/reports?from=2026-13", nil); status != 422 {
		t.Errorf("a bad month: %d", status)
	}
}
