package e2e_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/app/retentionfn"
	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/minutestore"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/retention"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// Issue 12, item 6: closing a case sets its time to live (the template's
// TimeToLiveSpecification, expiresAt) and the retention function gives the
// same expiry to the case's records (its referral's items, its meeting and
// minutes records, its history); a hold clears it everywhere and lifting it
// restores it; DynamoDB's time-to-live deletion (a REMOVE stream record
// whose userIdentity is the DynamoDB service) is audited once, a person's
// delete is not taken for one. Refusals follow docs/security.md.
func TestRetentionCloseHoldLiftAndAuditedExpiry(t *testing.T) {
	ctx := context.Background()
	app := startApp(t, localapp.Options{})
	tok := func(id string) string {
		s, err := app.Issuer.StaffToken(id, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	call := func(who, method, path, body string) (int, map[string]any) {
		t.Helper()
		var b []byte
		if body != "" {
			b = []byte(body)
		}
		return callJSON(t, app, tok(who), method, path, b)
	}
	if err := app.PostReferral(ctx, "dev-agency-police", "retention-1", []byte(referraltest.JSON)); err != nil {
		t.Fatal(err)
	}
	if err := app.DrainStreams(ctx); err != nil {
		t.Fatal(err)
	}
	st := store.New(app.Deps.DB, app.Tables, app.Deps.Clock)
	page, err := st.ListReferrals(ctx, store.ListQuery{})
	if err != nil || len(page.Referrals) != 1 {
		t.Fatalf("%d referrals, %v", len(page.Referrals), err)
	}
	ref := page.Referrals[0]
	caseID := ref.CaseID
	// The service manager and head of service work on the case (the rota).
	as := assignstore.Store{DB: app.Deps.DB, Table: app.Tables.Cases}
	for _, who := range []string{seed.ServiceMgr1, seed.HeadOfService1} {
		if err := as.Assign(ctx, caseID, who, assignstore.KindManager, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// A meeting and its minutes record.
	ms := meetingstore.New(app.Deps.DB, meetingstore.TablesFrom(app.Tables), app.Deps.Clock)
	day := civil.Today(time.Now()).AddDays(-3)
	m := meeting.Meeting{ID: "mtg-retention-1", CaseID: caseID, Level: 2, Kind: meeting.Kind("review"), Status: meeting.StatusHeld,
		Start: day.In(civil.London).Add(10 * time.Hour), Date: day, Time: "10:00", DurationMinutes: 60}
	if _, err := ms.CreateMeeting(ctx, m, meetingstore.Effects{}); err != nil {
		t.Fatal(err)
	}
	if s, b := call(seed.BSO1, "POST", "/v1/staff/meetings/"+m.ID+"/minutes", `{"step":"received","on":"`+day.String()+`","from":"MAPPA co-ordinator"}`); s != 201 {
		t.Fatalf("minutes: %d %v", s, b)
	}
	if err := app.DrainStreams(ctx); err != nil {
		t.Fatal(err)
	}

	records := []struct {
		table string
		key   dynamo.Key
	}{
		{app.Tables.Referrals, dynamo.Key{PK: dynamo.PK("REFERRAL#" + ref.ID), SK: "REFERRAL"}},
		{app.Tables.Referrals, dynamo.Key{PK: dynamo.PK("REFERRAL#" + ref.ID), SK: "REFERRAL#BODY"}},
		{app.Tables.Cases, dynamo.Key{PK: dynamo.PK("CASE#" + caseID), SK: dynamo.SK("ASSIGNEE#" + seed.ServiceMgr1 + "#manager")}},
		{app.Tables.Meetings, dynamo.Key{PK: dynamo.PK("MEETING#" + m.ID), SK: "MEETING"}},
		{app.Tables.Meetings, minutestore.Key(m.ID)},
	}
	expiresOf := func(table string, k dynamo.Key) string {
		t.Helper()
		out, err := app.Deps.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: k.Attrs(), ConsistentRead: aws.Bool(true)})
		if err != nil || out.Item == nil {
			t.Fatalf("%s/%s: %v (missing: %v)", k.PK, k.SK, err, out == nil || out.Item == nil)
		}
		if n, ok := out.Item["expiresAt"].(*types.AttributeValueMemberN); ok {
			return n.Value
		}
		return ""
	}
	caseKey := dynamo.Key{PK: dynamo.PK("CASE#" + caseID), SK: "CASE"}
	allHave := func(want string) {
		t.Helper()
		for _, r := range records {
			if got := expiresOf(r.table, r.key); got != want {
				t.Errorf("%s/%s expiresAt %q, want %q", r.key.PK, r.key.SK, got, want)
			}
		}
	}
	allHave("")

	// Refusals: a social worker cannot close; a business support officer
	// cannot hold; a reason is required.
	if s, _ := call(seed.SocialWorker1, "POST", "/v1/staff/cases/"+caseID+"/close", `{"reason":"done"}`); s != 403 {
		t.Errorf("social worker closing: %d, want 403", s)
	}
	if s, _ := call(seed.BSO1, "PUT", "/v1/staff/cases/"+caseID+"/hold", `{"held":true,"reason":"x"}`); s != 403 {
		t.Errorf("BSO holding: %d, want 403", s)
	}
	if s, _ := call(seed.ServiceMgr1, "POST", "/v1/staff/cases/"+caseID+"/close", `{"reason":"  "}`); s != 422 {
		t.Errorf("closing without a reason: %d, want 422", s)
	}

	// Closed by the service manager: the case's TTL is the closure + the period.
	before := time.Now()
	s, body := call(seed.ServiceMgr1, "POST", "/v1/staff/cases/"+caseID+"/close", `{"reason":"No longer managed under MAPPA"}`)
	if s != http.StatusOK || body["status"] != "closed" {
		t.Fatalf("close: %d %v", s, body)
	}
	if body["retentionDays"] != float64(retention.DefaultDays) {
		t.Errorf("retentionDays %v", body["retentionDays"])
	}
	exp := expiresOf(app.Tables.Cases, caseKey)
	secs, _ := strconv.ParseInt(exp, 10, 64)
	want := before.AddDate(0, 0, retention.DefaultDays).Unix()
	if secs < want-5 || secs > want+60 {
		t.Fatalf("case expiresAt %s, want about %d (closure + %d days)", exp, want, retention.DefaultDays)
	}
	if s, _ := call(seed.ServiceMgr1, "POST", "/v1/staff/cases/"+caseID+"/close", `{"reason":"again"}`); s != 409 {
		t.Errorf("closing twice: %d, want 409", s)
	}
	// The retention function stamps the case's records from the cases stream.
	if err := app.DrainStreams(ctx); err != nil {
		t.Fatal(err)
	}
	allHave(exp)

	// A hold (administrator, by id) clears the TTL everywhere.
	s, body = call(seed.Admin1, "PUT", "/v1/staff/cases/"+caseID+"/hold", `{"held":true,"reason":"Subject access request SAR-2027-014"}`)
	if s != 200 || body["retention"].(map[string]any)["hold"] == nil {
		t.Fatalf("hold: %d %v", s, body)
	}
	if _, leak := body["person"]; leak {
		t.Errorf("the hold's answer holds case contents: %v", body)
	}
	if got := expiresOf(app.Tables.Cases, caseKey); got != "" {
		t.Errorf("held case still expires at %s", got)
	}
	if err := app.DrainStreams(ctx); err != nil {
		t.Fatal(err)
	}
	allHave("")
	if s, _ := call(seed.Admin1, "PUT", "/v1/staff/cases/"+caseID+"/hold", `{"held":true,"reason":"again"}`); s != 409 {
		t.Errorf("holding twice: %d, want 409", s)
	}
	// Lifted by the head of service: the same expiry as before (closure + period).
	if s, body = call(seed.HeadOfService1, "PUT", "/v1/staff/cases/"+caseID+"/hold", `{"held":false,"reason":"Request answered"}`); s != 200 {
		t.Fatalf("lift: %d %v", s, body)
	}
	if got := expiresOf(app.Tables.Cases, caseKey); got != exp {
		t.Errorf("after the lift the case expires at %s, want %s", got, exp)
	}
	if err := app.DrainStreams(ctx); err != nil {
		t.Fatal(err)
	}
	allHave(exp)

	// The expiry: DynamoDB's own REMOVE (as Lambda delivers it) is audited,
	// once however often it is delivered; a REMOVE by a person is not an expiry.
	h, err := retentionfn.New(ctx, app.Deps)
	if err != nil {
		t.Fatal(err)
	}
	ttlRemove := events.DynamoDBEventRecord{
		EventID: "ev-ttl-1", EventName: "REMOVE", EventSource: "aws:dynamodb", EventSourceArn: "arn:aws:dynamodb:eu-west-2:111111111111:table/CasesTable/stream/x",
		UserIdentity: &events.DynamoDBUserIdentity{Type: "Service", PrincipalID: "dynamodb.amazonaws.com"},
		Change: events.DynamoDBStreamRecord{
			ApproximateCreationDateTime: events.SecondsEpochTime{Time: time.Unix(secs, 0).Add(time.Hour)},
			Keys:                        map[string]events.DynamoDBAttributeValue{"pk": events.NewStringAttribute("CASE#" + caseID), "sk": events.NewStringAttribute("CASE")},
			OldImage: map[string]events.DynamoDBAttributeValue{"type": events.NewStringAttribute("case"), "id": events.NewStringAttribute(caseID),
				"expiresAt": events.NewNumberAttribute(exp)},
			SequenceNumber: "100", StreamViewType: "NEW_AND_OLD_IMAGES",
		},
	}
	byPerson := ttlRemove
	byPerson.EventID, byPerson.UserIdentity = "ev-person-1", nil
	byPerson.Change.SequenceNumber = "101"
	for range 2 { // Lambda may deliver a record more than once
		resp, err := h.Handle(ctx, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{ttlRemove, byPerson}})
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("handle: %v %+v", err, resp)
		}
	}
	es, err := audit.Reader{DB: app.Deps.DB, Table: app.Tables.Audit}.BySubject(ctx, "case:"+caseID)
	if err != nil {
		t.Fatal(err)
	}
	count := map[audit.Action]int{}
	for _, e := range es {
		count[e.Action]++
		if e.Action == "retention.expired" && (e.Actor != "system:ttl" || e.CaseID != caseID || e.Reason != "time to live: case") {
			t.Errorf("expiry entry %+v", e)
		}
	}
	if count["retention.expired"] != 1 {
		t.Errorf("%d expiry entries, want exactly 1 (replayed once, and a person's delete is not an expiry)", count["retention.expired"])
	}
	for _, a := range []audit.Action{"case.close", "case.hold", "case.hold-lift"} {
		if count[a] != 1 {
			t.Errorf("%d %s entries, want 1", count[a], a)
		}
	}

	// A new referral for the person (same CRN) is never refused or left
	// to expire with the closed case: it reopens the case (audited), the
	// case and its records stop expiring, and the referral joins it.
	again := referraltest.With(func(m map[string]any) { m["agencyReference"] = "TVP-PPU-2027-00999" })
	if err := app.PostReferral(ctx, "dev-agency-police", "retention-2", again); err != nil {
		t.Fatalf("a referral for the person of a closed case: %v", err)
	}
	if err := app.DrainStreams(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := st.GetCase(ctx, caseID)
	if err != nil || c.Status != store.CaseOpen || c.Retention.Closed != nil || !c.Retention.ExpiresAt.IsZero() {
		t.Fatalf("after a new referral the case is %q, retention %+v (%v); want open, not expiring", c.Status, c.Retention, err)
	}
	if got := expiresOf(app.Tables.Cases, caseKey); got != "" {
		t.Errorf("reopened case still expires at %s", got)
	}
	allHave("")
	page, err = st.ListReferrals(ctx, store.ListQuery{})
	if err != nil || len(page.Referrals) != 2 {
		t.Fatalf("%d referrals, %v", len(page.Referrals), err)
	}
	for _, r := range page.Referrals {
		if r.CaseID != caseID {
			t.Errorf("referral %s joined case %s, want the reopened %s", r.ID, r.CaseID, caseID)
		}
	}
	es, err = audit.Reader{DB: app.Deps.DB, Table: app.Tables.Audit}.BySubject(ctx, "case:"+caseID)
	if err != nil {
		t.Fatal(err)
	}
	reopened := 0
	for _, e := range es {
		if e.Action == audit.ActionCaseReopen {
			reopened++
		}
	}
	if reopened != 1 {
		t.Errorf("%d case.reopen audit entries, want 1", reopened)
	}
}
