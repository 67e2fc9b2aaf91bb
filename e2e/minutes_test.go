package e2e_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/minutestore"
)

// Issue 12, item 3: the system records ABOUT a meeting's minutes (received,
// the child-relevant extract with who and when, sharing on the chair's
// authority, destroyed), never the minutes. The extract is visible only to
// those who may see the child's record: the child's social worker and their
// manager read it; a business support officer (who sees every case for the
// inbox) sees that an extract exists but not its text; a social worker not
// assigned to the case is refused the record. Every read and write is in
// the audit, and the extract is kept apart from the children's items.
func TestMinutesRecordAndTheExtractOnlyForTheChildsRecord(t *testing.T) {
	ctx := context.Background()
	app := startApp(t, localapp.Options{Seed: true})
	caseID, err := seed.DemoCaseID(ctx, app.Deps.DB, app.Tables)
	if err != nil {
		t.Fatal(err)
	}
	// A meeting held three days ago (minutes come after the meeting).
	ms := meetingstore.New(app.Deps.DB, meetingstore.TablesFrom(app.Tables), app.Deps.Clock)
	day := civil.Today(time.Now()).AddDays(-3)
	m := meeting.Meeting{ID: "mtg-minutes-1", CaseID: caseID, Level: 2, Kind: meeting.Kind("review"), Status: meeting.StatusHeld,
		Start: day.In(civil.London).Add(10 * time.Hour), Date: day, Time: "10:00", DurationMinutes: 60}
	if _, err := ms.CreateMeeting(ctx, m, meetingstore.Effects{}); err != nil {
		t.Fatal(err)
	}
	path := "/v1/staff/meetings/" + m.ID + "/minutes"
	raw := func(who, method, p string, body any) (int, []byte) {
		t.Helper()
		tok, err := app.Issuer.StaffToken(who, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = strings.NewReader(string(b))
		}
		req, _ := http.NewRequestWithContext(ctx, method, app.URL+p, rd)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	call := func(who, method, p string, body any) (int, map[string]any) {
		t.Helper()
		s, b := raw(who, method, p, body)
		var out map[string]any
		_ = json.Unmarshal(b, &out)
		return s, out
	}

	// Nothing received yet: the extract cannot be written before the minutes arrive.
	if s, b := call(seed.BSO1, "GET", path, nil); s != 200 || b["received"] != nil || b["extractVisible"] != false {
		t.Fatalf("empty record as BSO: %d %v", s, b)
	}
	const extract = "Bea Sample: the person must not contact her school; the school is told by the police."
	if s, b := call(seed.SocialWorker1, "PUT", path+"/extract", map[string]any{"text": extract}); s != 409 {
		t.Errorf("extract before receipt: %d %v, want 409", s, b)
	}
	// Received, by the business support officer.
	if s, b := call(seed.BSO1, "POST", path, map[string]any{"step": "received", "on": day.AddDays(1).String(), "from": "MAPPA co-ordinator, Exampleton"}); s != 201 {
		t.Fatalf("received: %d %v", s, b)
	}
	if s, _ := call(seed.BSO1, "POST", path, map[string]any{"step": "received", "on": day.AddDays(1).String(), "from": "again"}); s != 409 {
		t.Errorf("received twice: %d, want 409", s)
	}
	// Before the meeting, or in the future: refused at the field.
	if s, b := call(seed.BSO1, "POST", path, map[string]any{"step": "shared", "on": civil.Today(time.Now()).AddDays(2).String(), "to": "School DSL", "approvedBy": "DI Demo Chair"}); s != 422 || !strings.Contains(toJSON(b), "/on") {
		t.Errorf("shared in the future: %d %v", s, b)
	}
	// A business support officer may not write the extract (not the child's record).
	if s, _ := call(seed.BSO1, "PUT", path+"/extract", map[string]any{"text": extract}); s != 403 {
		t.Errorf("BSO writing the extract: %d, want 403", s)
	}
	// The child's social worker writes it.
	s, b := call(seed.SocialWorker1, "PUT", path+"/extract", map[string]any{"text": extract})
	if s != 200 || b["extractText"] != extract || b["extractVisible"] != true {
		t.Fatalf("extract by the child's social worker: %d %v", s, b)
	}
	if x := b["extract"].(map[string]any); x["recordedBy"] != seed.SocialWorker1 || x["recordedAt"] == nil {
		t.Errorf("who made the extract: %v", x)
	}
	// Their team manager reads it; the BSO sees only that it exists; an
	// unassigned social worker is refused; an administrator too.
	if s, b := call(seed.TeamManager1, "GET", path, nil); s != 200 || b["extractText"] != extract {
		t.Errorf("team manager: %d %v", s, b)
	}
	s, body := raw(seed.BSO1, "GET", path, nil)
	if s != 200 || strings.Contains(string(body), "Bea Sample") || strings.Contains(string(body), "school") {
		t.Errorf("BSO sees the extract's text: %d %s", s, body)
	}
	var bso map[string]any
	_ = json.Unmarshal(body, &bso)
	if bso["extractVisible"] != false || bso["extract"] == nil {
		t.Errorf("BSO should see that an extract was made, not its text: %v", bso)
	}
	for _, who := range []string{seed.SocialWorker2, seed.Admin1, seed.AD1} {
		if s, body := raw(who, "GET", path, nil); s != 403 || strings.Contains(string(body), "school") {
			t.Errorf("%s: %d %s, want 403", who, s, body)
		}
	}

	// Onward sharing needs the chair's authority.
	if s, b := call(seed.BSO1, "POST", path, map[string]any{"step": "shared", "on": day.AddDays(1).String(), "to": "School designated safeguarding lead"}); s != 422 || !strings.Contains(toJSON(b), "/approvedBy") {
		t.Errorf("sharing without the chair: %d %v", s, b)
	}
	if s, b := call(seed.BSO1, "POST", path, map[string]any{"step": "shared", "on": day.AddDays(1).String(), "to": "School designated safeguarding lead", "approvedBy": "DI Demo Chair"}); s != 200 || len(b["shared"].([]any)) != 1 {
		t.Errorf("sharing: %d %v", s, b)
	}
	// The offender is an adult: the minutes are not filed, they are destroyed.
	if s, b := call(seed.SocialWorker1, "POST", path, map[string]any{"step": "filed", "on": day.AddDays(2).String(), "where": "Child record"}); s != 409 {
		t.Errorf("filing for an adult offender: %d %v, want 409", s, b)
	}
	if s, b := call(seed.BSO1, "POST", path, map[string]any{"step": "destroyed", "on": day.AddDays(2).String(), "destroyedBy": "Ada Example (shredded)"}); s != 200 || b["destroyed"] == nil {
		t.Fatalf("destroyed: %d %v", s, b)
	}
	if s, _ := call(seed.SocialWorker1, "PUT", path+"/extract", map[string]any{"text": "more"}); s != 409 {
		t.Errorf("extract after destruction: %d, want 409", s)
	}

	// Kept apart: the extract is its own item, not in the record, the
	// meeting, the case or any child item; the children's answer lacks it.
	rec, err := app.Deps.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(app.Tables.Meetings), Key: minutestore.Key(m.ID).Attrs()})
	if err != nil || strings.Contains(toJSON(rec.Item), "school") {
		t.Errorf("the record item holds the extract: %v", err)
	}
	for _, p := range []string{"/v1/staff/cases/" + caseID + "/children", "/v1/staff/cases/" + caseID, "/v1/staff/meetings/" + m.ID} {
		if s, body := raw(seed.SocialWorker1, "GET", p, nil); s != 200 || strings.Contains(string(body), "school") {
			t.Errorf("%s: %d, holds the extract: %v", p, s, strings.Contains(string(body), "school"))
		}
	}

	// Every read and write is audited (subject minutes:<meetingId>).
	es, err := audit.Reader{DB: app.Deps.DB, Table: app.Tables.Audit}.BySubject(ctx, "minutes:"+m.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range es {
		got[e.Actor+" "+string(e.Action)]++
		if e.CaseID != caseID {
			t.Errorf("audit entry without the case: %+v", e)
		}
	}
	for _, want := range []string{seed.BSO1 + " minutes.write", seed.SocialWorker1 + " minutes.write", seed.SocialWorker1 + " minutes.extract-read",
		seed.TeamManager1 + " minutes.extract-read", seed.BSO1 + " minutes.read"} {
		if got[want] == 0 {
			t.Errorf("no audit %q in %v", want, got)
		}
	}
	if got[seed.BSO1+" minutes.extract-read"] != 0 || got[seed.SocialWorker2+" minutes.read"] != 0 {
		t.Errorf("audit records reads that did not happen: %v", got)
	}
	// The administrator's case audit lists the minutes' records too.
	admin, _ := app.Issuer.StaffToken(seed.Admin1, time.Hour)
	s, page := callJSON(t, app, admin, "GET", "/v1/admin/audit/cases/"+caseID, nil)
	if s != 200 || !strings.Contains(toJSON(page), "minutes:"+m.ID) {
		t.Errorf("case audit lacks the minutes: %d", s)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
