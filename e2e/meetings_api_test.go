package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
)

// The meetings API in the whole local system with the demo data: a
// business support officer records a level 2 meeting for the demo case;
// the rota function chooses the service manager and the child's social
// worker, with reasons; the meeting moves; the case goes to level 3 and
// a head of service takes over with a handover task. Along the way, the
// newly readable routes admit only the staff assigned to the case.
func TestMeetingsAPIDoneWhenFlowAndAccess(t *testing.T) {
	ctx := context.Background()
	app := startApp(t, localapp.Options{Background: true, Seed: true})
	caseID, err := seed.DemoCaseID(ctx, app.Deps.DB, app.Tables)
	if err != nil {
		t.Fatal(err)
	}
	call := func(who, method, path string, body any) (int, map[string]any) {
		t.Helper()
		tok, err := app.Issuer.StaffToken(who, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		var b []byte
		if body != nil {
			b, _ = json.Marshal(body)
		}
		return callJSON(t, app, tok, method, path, b)
	}
	date := civil.Today(time.Now()).AddDays(30)
	for date.Weekday() == time.Saturday || date.Weekday() == time.Sunday {
		date = date.AddDays(1)
	}
	status, created := call(seed.BSO1, "POST", "/v1/staff/cases/"+caseID+"/meetings", map[string]any{
		"level": 2, "kind": "review", "date": date.String(), "time": "10:00", "place": "Exampleton Police Station", "chair": "DI Demo Chair", "leadAgency": "Probation"})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, created)
	}
	id := created["meeting"].(map[string]any)["id"].(string)

	// attendees waits for the rota function and returns staff id -> rule.
	attendees := func(want int) (map[string]string, map[string]any) {
		t.Helper()
		var body map[string]any
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(150 * time.Millisecond) {
			var st int
			st, body = call(seed.BSO1, "GET", "/v1/staff/meetings/"+id, nil)
			if st != http.StatusOK {
				t.Fatalf("get meeting: %d %v", st, body)
			}
			m := body["meeting"].(map[string]any)
			as, _ := m["attendees"].([]any)
			if body["assigning"] == false && len(as) == want {
				out := map[string]string{}
				for _, a := range as {
					a := a.(map[string]any)
					if a["reason"] == "" {
						t.Errorf("attendee without a reason: %v", a)
					}
					out[a["staffId"].(string)] = a["rule"].(string)
				}
				return out, body
			}
		}
		t.Fatalf("attendees not chosen: %v", body)
		return nil, nil
	}
	got, _ := attendees(2)
	// The service manager is the one the seed's level 2 told (continuity),
	// or, if the meeting's record came first, the least loaded: the same person.
	if (got[seed.ServiceMgr1] != "ROTA-CONTINUITY" && got[seed.ServiceMgr1] != "ROTA-LEAST-LOADED") || got[seed.SocialWorker1] != "ROTA-CHILD-SW" {
		t.Fatalf("attendees %v", got)
	}

	// Access: assigned staff read the case; others do not.
	for _, tc := range []struct {
		who  string
		want int
	}{
		{seed.BSO1, 200}, {seed.SocialWorker1, 200}, {seed.ServiceMgr1, 200}, {seed.TeamManager1, 200},
		{seed.HeadOfService1, 200}, // line manager of the service manager: sees their team's cases
		{seed.SocialWorker2, 403}, {seed.ServiceMgr2, 403}, {seed.HeadOfService2, 403}, {seed.AD1, 403}, {seed.Admin1, 403},
	} {
		for _, path := range []string{"/v1/staff/cases/" + caseID, "/v1/staff/cases/" + caseID + "/meetings", "/v1/staff/meetings/" + id, "/v1/staff/cases/" + caseID + "/children"} {
			if st, body := call(tc.who, "GET", path, nil); st != tc.want {
				t.Errorf("%s GET %s: %d, want %d (%v)", tc.who, path, st, tc.want, body["detail"])
			}
		}
	}
	if st, _ := call(seed.SocialWorker1, "POST", "/v1/staff/cases/"+caseID+"/meetings", map[string]any{"level": 2, "date": date.String(), "time": "10:00", "place": "x"}); st != 403 {
		t.Errorf("a social worker created a meeting: %d", st)
	}

	// Leave recorded for the social worker on the day: the rota checks the
	// meeting again and their team manager attends; removing it restores them.
	status, lv := call(seed.BSO1, "POST", "/v1/staff/people/"+seed.SocialWorker1+"/leave", map[string]any{"from": date.String(), "to": date.String(), "kind": "training"})
	if status != http.StatusCreated {
		t.Fatalf("leave: %d %v", status, lv)
	}
	waitFor := func(staffID, rule string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(150 * time.Millisecond) {
			if got, _ = attendees(2); got[staffID] == rule {
				return
			}
		}
		t.Fatalf("want %s by %s, attendees %v", staffID, rule, got)
	}
	waitFor(seed.TeamManager1, "ROTA-CHILD-SUPERVISOR")
	if st, _ := call(seed.BSO1, "DELETE", "/v1/staff/people/"+seed.SocialWorker1+"/leave/"+date.String()+"."+lv["id"].(string), nil); st != http.StatusNoContent {
		t.Fatalf("remove leave: %d", st)
	}
	waitFor(seed.SocialWorker1, "ROTA-CHILD-SW")

	// Move it: history keeps the old date and the reason; the rota checks again.
	moved := date.AddDays(7)
	status, body := call(seed.BSO1, "POST", "/v1/staff/meetings/"+id+"/move", map[string]any{"date": moved.String(), "time": "14:00", "reason": "The chair is in court"})
	if status != 200 {
		t.Fatalf("move: %d %v", status, body)
	}
	hist := body["meeting"].(map[string]any)["history"].([]any)
	last := hist[len(hist)-1].(map[string]any)
	if last["kind"] != "moved" || last["reason"] != "The chair is in court" || last["from"] != date.String()+" 10:00" {
		t.Fatalf("history %v", last)
	}
	if names := body["names"].(map[string]any); names[seed.BSO1] != "Ada Example" {
		t.Errorf("history names: %v", names[seed.BSO1])
	}

	// Level 3: a head of service takes over, with a handover task.
	status, body = call(seed.BSO1, "POST", "/v1/staff/cases/"+caseID+"/level", map[string]any{"action": "set", "level": 3, "reason": "Media interest", "meetingDate": civil.Today(time.Now()).String()})
	if status != 200 {
		t.Fatalf("level: %d %v", status, body)
	}
	var hos string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && hos == ""; time.Sleep(150 * time.Millisecond) {
		got, _ = attendees(2)
		for s, rule := range got {
			if s == seed.HeadOfService1 || s == seed.HeadOfService2 {
				hos = s + " " + rule
			}
		}
	}
	if hos == "" {
		t.Fatalf("no head of service after level 3: %v", got)
	}
	_, work := call(seed.BSO1, "GET", "/v1/staff/cases/"+caseID+"/work", nil)
	found := false
	for _, tk := range work["tasks"].([]any) {
		tk := tk.(map[string]any)
		if tk["kind"] == "handover" && tk["fromId"] == seed.ServiceMgr1 && tk["status"] == "open" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no handover task: %v", work["tasks"])
	}
	if st, _ := call(seed.HeadOfService1, "GET", "/v1/staff/cases/"+caseID+"/meetings", nil); st != 200 {
		t.Errorf("the head of service cannot read the case they now hold: %d", st)
	}
	// The invitation that came with the demo referral becomes a meeting
	// once, at short notice counted from the referral's arrival.
	_, cv := call(seed.BSO1, "GET", "/v1/staff/cases/"+caseID, nil)
	refID := cv["referrals"].([]any)[0].(map[string]any)["id"].(string)
	status, fromRef := call(seed.BSO1, "POST", "/v1/staff/cases/"+caseID+"/meetings?fromReferral="+refID, map[string]any{})
	if status != http.StatusCreated {
		t.Fatalf("from the referral: %d %v", status, fromRef)
	}
	fm := fromRef["meeting"].(map[string]any)
	if fm["origin"] != "referral" || fm["place"] != "Exampleton Police Station" || fm["notice"].(map[string]any)["short"] != true {
		t.Errorf("meeting from the invitation: %v", fm)
	}
	if st, _ := call(seed.BSO1, "POST", "/v1/staff/cases/"+caseID+"/meetings?fromReferral="+refID, map[string]any{}); st != http.StatusConflict {
		t.Errorf("the invitation recorded twice: %d", st)
	}

	// Held: the next review is booked inside the window (never past 8
	// weeks at level 3).
	status, held := call(seed.BSO1, "POST", "/v1/staff/meetings/"+id+"/held", nil)
	if status != 200 {
		t.Fatalf("held: %d %v", status, held)
	}
	next, _ := held["nextReview"].(map[string]any)
	if next == nil || next["flagged"] == true || next["meetingId"] == "" {
		t.Fatalf("next review: %v", held["nextReview"])
	}
	nd, _ := civil.Parse(next["date"].(string))
	if limit := moved.AddDays(56); nd.After(limit) || !nd.After(moved) {
		t.Errorf("next level 3 review on %s, want after %s and by %s", nd, moved, limit)
	}
	if st, nb := call(seed.BSO1, "GET", "/v1/staff/meetings/"+next["meetingId"].(string), nil); st != 200 || nb["meeting"].(map[string]any)["origin"] != "cadence" {
		t.Errorf("booked review: %d %v", st, nb["meeting"])
	}
	// A person added with a DBS check: the re-check reminder is scheduled
	// for the reminders sweep, 28 days before it is due.
	nextDBS := civil.Today(time.Now()).AddDays(90)
	status, person := call(seed.Admin1, "POST", "/v1/staff/people", map[string]any{"name": "Oli Newstarter", "email": "oli.newstarter@example.gov.uk",
		"role": "service-manager", "lineManagerId": seed.HeadOfService1, "dbsCheckedOn": civil.Today(time.Now()).AddYears(-3).AddDays(90).String(), "dbsNextDue": nextDBS.String()})
	if status != http.StatusCreated {
		t.Fatalf("add person: %d %v", status, person)
	}
	dk := due.Key(nextDBS.AddDays(-28), due.KindDBS, "dbs."+person["id"].(string))
	if out, err := app.Deps.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(app.Tables.Cases), Key: dk.Attrs()}); err != nil || out.Item == nil {
		t.Errorf("no DBS reminder at %v: %v", dk, err)
	}
	if st, _ := call(seed.SocialWorker1, "POST", "/v1/staff/people", map[string]any{"name": "X", "email": "x@example.gov.uk", "role": "social-worker"}); st != 403 {
		t.Errorf("a social worker added a person: %d", st)
	}
	if p := app.Parked(); len(p) != 0 {
		t.Errorf("parked stream records: %+v", p)
	}
}
