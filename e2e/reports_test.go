package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/app/noticefn"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/notice"
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

// The Board's meeting figures are counted as events happen too: attendance
// by seniority and level (a corrected outcome counted once), written
// reports (once, however often recorded), reviews held on time, and
// actions agreed, completed, open and overdue now. Each figure equals what
// the test did.
func TestBoardReportCountsMeetingsAttendanceAndActions(t *testing.T) {
	ctx := context.Background()
	app := startApp(t, localapp.Options{Seed: true})
	caseID, err := seed.DemoCaseID(ctx, app.Deps.DB, app.Tables)
	if err != nil {
		t.Fatal(err)
	}
	tok := func(who string) string {
		s, err := app.Issuer.StaffToken(who, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	bso, ad := tok(seed.BSO1), tok(seed.AD1)
	call := func(token, method, path string, body any) (int, map[string]any) {
		t.Helper()
		var b []byte
		if body != nil {
			b, _ = json.Marshal(body)
		}
		return callJSON(t, app, token, method, path, b)
	}
	type figures struct {
		month         map[string]map[string]float64 // month -> metric -> count
		open, overdue float64
	}
	thisMonth := report.Month(time.Now())
	// This month and the next five (the next review falls 12-16 weeks on).
	to := time.Now().AddDate(0, 5, 0)
	read := func() figures {
		t.Helper()
		status, out := call(ad, "GET", "/v1/staff/reports?from="+thisMonth+"&to="+report.Month(to), nil)
		if status != 200 {
			t.Fatalf("reports: %d %v", status, out)
		}
		f := figures{month: map[string]map[string]float64{}}
		for _, m := range out["months"].([]any) {
			m := m.(map[string]any)
			counts := map[string]float64{}
			for k, v := range m["counts"].(map[string]any) {
				counts[k] = v.(float64)
			}
			f.month[m["month"].(string)] = counts
		}
		now := out["now"].(map[string]any)
		f.open, f.overdue = now["openActions"].(float64), now["overdueActions"].(float64)
		return f
	}
	before := read()

	// Attendance at a level 2 meeting today: the service manager attended;
	// the social worker's "apologies" is corrected to a written report;
	// the council's written report is recorded twice.
	svc, err := noticefn.Notices(ctx, app.Deps)
	if err != nil {
		t.Fatal(err)
	}
	lon, _ := time.LoadLocation("Europe/London")
	n := time.Now().In(lon)
	start := time.Date(n.Year(), n.Month(), n.Day(), 0, 1, 0, 0, lon)
	mid := "m-report-" + randHex()
	if _, err := svc.Schedule(ctx, "staff-bso-1", notice.Meeting{ID: mid, CaseID: caseID, CaseRef: caseID, Level: 2, Start: start, End: start.Add(2 * time.Hour)},
		[]notice.Invitee{{StaffID: seed.ServiceMgr1, Email: "sm@example.gov.uk", Role: "service-manager"}, {StaffID: seed.SocialWorker1, Email: "sw@example.gov.uk", Role: "social-worker"}}); err != nil {
		t.Fatal(err)
	}
	for _, rec := range []map[string]any{
		{"invitationId": seed.ServiceMgr1, "outcome": "attended"},
		{"invitationId": seed.SocialWorker1, "outcome": "apologies"},
		{"invitationId": seed.SocialWorker1, "outcome": "written-report"},
	} {
		if status, out := call(bso, "POST", "/v1/staff/meetings/"+mid+"/attendance", rec); status != 200 {
			t.Fatalf("attendance %v: %d %v", rec, status, out)
		}
	}
	for range 2 {
		if status, out := call(bso, "POST", "/v1/staff/meetings/"+mid+"/report", nil); status != 200 {
			t.Fatalf("report: %d %v", status, out)
		}
	}

	// Two reviews held: the first (nothing held before it: neither on time
	// nor late), then the review the cadence booked after it (on time).
	date := civil.Today(time.Now()).AddDays(1)
	for date.Weekday() == time.Saturday || date.Weekday() == time.Sunday {
		date = date.AddDays(1)
	}
	status, created := call(bso, "POST", "/v1/staff/cases/"+caseID+"/meetings", map[string]any{
		"level": 2, "kind": "review", "date": date.String(), "time": "10:00", "place": "Exampleton Police Station"})
	if status != 201 {
		t.Fatalf("meeting: %d %v", status, created)
	}
	id := created["meeting"].(map[string]any)["id"].(string)
	// Three actions: one done on time, one due yesterday (overdue), one
	// open and not yet due.
	today := civil.Today(time.Now())
	var actionIDs []string
	for _, due := range []civil.Date{today.AddDays(10), today.AddDays(-1), today.AddDays(20)} {
		status, a := call(bso, "POST", "/v1/staff/meetings/"+id+"/actions", map[string]any{"text": "Share the plan", "ownerAgency": "Probation", "due": due.String()})
		if status != 201 {
			t.Fatalf("action: %d %v", status, a)
		}
		actionIDs = append(actionIDs, a["id"].(string))
	}
	if status, out := call(bso, "POST", "/v1/staff/cases/"+caseID+"/actions/"+actionIDs[0]+"/close", map[string]any{"reason": "done"}); status != 200 {
		t.Fatalf("close: %d %v", status, out)
	}
	if status, _ := call(bso, "POST", "/v1/staff/cases/"+caseID+"/actions/"+actionIDs[0]+"/close", map[string]any{"reason": "done"}); status == 200 {
		t.Fatal("an action closed twice")
	}
	status, held := call(bso, "POST", "/v1/staff/meetings/"+id+"/held", nil)
	if status != 200 {
		t.Fatalf("held: %d %v", status, held)
	}
	next, _ := held["nextReview"].(map[string]any)
	if next == nil || next["meetingId"] == nil {
		t.Fatalf("no next review booked: %v", held["nextReview"])
	}
	nextDate, _ := civil.Parse(next["date"].(string))
	if status, out := call(bso, "POST", "/v1/staff/meetings/"+next["meetingId"].(string)+"/held", nil); status != 200 {
		t.Fatalf("held again: %d %v", status, out)
	}

	after := read()
	want := map[string]map[report.Metric]float64{thisMonth: {
		report.InvitedSM: 1, report.PresentSM: 1, report.InvitedSW: 1, report.PresentSW: 0,
		report.InvitedLevel2: 2, report.PresentLevel2: 1, report.WrittenInstead: 1, report.WrittenReport: 1,
		report.ActionAgreed: 3, report.ActionDone: 1, report.ActionDoneLate: 0,
	}}
	// Reviews count in the month of the meeting: the first held (nothing
	// before it to be on time for), then the booked one on time.
	add := func(month string, m report.Metric) {
		if want[month] == nil {
			want[month] = map[report.Metric]float64{}
		}
		want[month][m]++
	}
	add(report.Month(date.In(lon)), report.ReviewHeld)
	add(report.Month(nextDate.In(lon)), report.ReviewHeld)
	add(report.Month(nextDate.In(lon)), report.ReviewOnTime)
	want[report.Month(nextDate.In(lon))][report.ReviewLate] += 0
	for month, metrics := range want {
		if _, ok := after.month[month]; !ok {
			t.Fatalf("month %s not in the report", month)
		}
		for m, n := range metrics {
			if got := after.month[month][string(m)] - before.month[month][string(m)]; got != n {
				t.Errorf("%s %s: %v more, want %v", month, m, got, n)
			}
		}
	}
	if after.open-before.open != 2 || after.overdue-before.overdue != 1 {
		t.Errorf("open now %v (+%v), overdue now %v (+%v); want +2 and +1", after.open, after.open-before.open, after.overdue, after.overdue-before.overdue)
	}
}
