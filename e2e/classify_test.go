package e2e_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/intaketest"
	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/infra/streams"
	"github.com/mappa-coordinator/mappa/infra/template"
	"github.com/mappa-coordinator/mappa/shared/app"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

func TestMain(m *testing.M) { localstack.Main(m) }

const appOrigin = "https://mappa.example.gov.uk"

// flow is the referral flow over fresh tables: the agency API (intake,
// behind the API Gateway emulator), the real classify and mailer handlers
// driven by the tables' streams as template.yaml configures them, and the
// local SES server.
type flow struct {
	t *testing.T
	*intaketest.Harness
	stack  *localstack.Stack
	inbox  string // unique to the test, so its emails can be told apart
	since  time.Time
	deps   wiring.Deps
	tmpl   *template.Template
	api    streams.API
	clsfy  streams.Handler
	mail   streams.Handler
	mu     sync.Mutex
	parked []streams.Parked
	// delivered counts, per referral pk, how often a record of it reached
	// classify.
	delivered map[string]int
	eventIDs  map[string]string // pk -> stream event id
}

func newFlow(t *testing.T) *flow {
	t.Helper()
	f := &flow{t: t, Harness: intaketest.New(t), stack: localstack.ForTest(t), inbox: "mappa-inbox-" + randHex() + "@example.gov.uk",
		since: time.Now().Add(-2 * time.Second), delivered: map[string]int{}, eventIDs: map[string]string{}}
	var err error
	if f.tmpl, err = f.stack.Template(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f.deps, err = wiring.New(ctx, wiring.Config{
		Stage: "test", AppOrigin: appOrigin, MailFrom: "mappa-coordinator@example.gov.uk", MappaInbox: f.inbox,
		DynamoEndpoint: f.stack.DynamoEndpoint, SESEndpoint: f.stack.SESEndpoint,
	}, f.Tables)
	if err != nil {
		t.Fatal(err)
	}
	f.deps.Clock, f.deps.IDs = f.Clock, ids.Random{Clock: f.Clock}
	c, err := app.Classify(ctx, f.deps)
	if err != nil {
		t.Fatal(err)
	}
	m, err := app.Mailer(ctx, f.deps)
	if err != nil {
		t.Fatal(err)
	}
	f.clsfy = func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		f.mu.Lock()
		for _, r := range ev.Records {
			pk := r.Change.Keys["pk"].String()
			f.delivered[pk]++
			f.eventIDs[pk] = r.EventID
		}
		f.mu.Unlock()
		return c.Handle(ctx, ev)
	}
	f.mail = m.HandleStream
	if f.api, err = streams.NewClient(ctx, f.stack.DynamoEndpoint); err != nil {
		t.Fatal(err)
	}
	return f
}

func randHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// event is the function's stream event in template.yaml.
func (f *flow) event(function string) template.StreamEvent {
	f.t.Helper()
	fn, ok := f.tmpl.Function(function)
	if !ok {
		f.t.Fatalf("no %s in template.yaml", function)
	}
	for _, ev := range fn.Events {
		if ev.Stream != nil {
			return *ev.Stream
		}
	}
	f.t.Fatalf("%s has no stream event", function)
	return template.StreamEvent{}
}

// consumers returns fresh stream consumers (from TRIM_HORIZON) for the
// classify and mailer functions, configured from template.yaml.
func (f *flow) consumers() (clsfy, mail *streams.Consumer) {
	f.t.Helper()
	mk := func(function, table string, h streams.Handler) *streams.Consumer {
		c, err := streams.FromTemplate(function, f.event(function), table, f.api, h)
		if err != nil {
			f.t.Fatal(err)
		}
		c.RetryDelay = -1 // no pauses between retries in tests
		c.PollInterval = 50 * time.Millisecond
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		c.OnFailure = func(_ context.Context, p streams.Parked) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.parked = append(f.parked, p)
		}
		return c
	}
	return mk("ClassifyFunction", f.Tables.Referrals, f.clsfy), mk("MailerFunction", f.Tables.Outbox, f.mail)
}

// drain runs both consumers until neither finds anything new.
func (f *flow) drain(clsfy, mail *streams.Consumer) {
	f.t.Helper()
	ctx := context.Background()
	for range 20 {
		n1, err := clsfy.RunOnce(ctx)
		if err != nil {
			f.t.Fatal(err)
		}
		n2, err := mail.RunOnce(ctx)
		if err != nil {
			f.t.Fatal(err)
		}
		if n1+n2 == 0 {
			return
		}
	}
	f.t.Fatal("streams still busy")
}

// post posts a referral as the police and returns its id.
func (f *flow) post(body []byte) string {
	f.t.Helper()
	resp := f.Do("POST", "/v1/referrals", f.Agency("police"), body, "Idempotency-Key", "key-"+randHex())
	if resp.Status != 202 {
		f.t.Fatalf("POST /v1/referrals: %d %s", resp.Status, resp.Body)
	}
	id, _ := resp.JSON()["id"].(string)
	if id == "" {
		f.t.Fatalf("no id: %s", resp.Body)
	}
	return id
}

// emails returns the emails the local SES server holds for the test's inbox.
func (f *flow) emails() []localstack.Email {
	f.t.Helper()
	all, err := f.stack.SESStore(context.Background(), f.since)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []localstack.Email
	for _, e := range all {
		if slices.Contains(e.Destination.To, f.inbox) {
			out = append(out, e)
		}
	}
	return out
}

// referralItem reads the stored referral item.
func (f *flow) referralItem(id string) map[string]types.AttributeValue {
	f.t.Helper()
	items := f.Partition(f.Tables.Referrals, "REFERRAL#"+id)
	for _, it := range items {
		if intaketest.S(it, "type") == "referral" {
			return it
		}
	}
	f.t.Fatalf("referral %s not stored", id)
	return nil
}

func num(it map[string]types.AttributeValue, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberN); ok {
		return v.Value
	}
	return ""
}

// shortNoticeReferral is the fixture with a meeting 7 days after the
// harness's today (2026-11-23) and its own agency reference.
func shortNoticeReferral() []byte {
	return referraltest.With(func(m map[string]any) {
		m["agencyReference"] = "TVP-E2E-" + randHex()
		referraltest.Obj(m, "meetingInvitation")["date"] = "2026-11-30"
	})
}

// personalData lists what must never be in an email about the fixture.
func personalData() []string {
	r := referraltest.Referral()
	out := []string{r.Person.GivenNames, r.Person.FamilyName, r.Person.Aliases[0].GivenNames + " ", r.Person.Aliases[0].FamilyName,
		r.Person.DateOfBirth.String(), r.Person.Identifiers.CRN, r.Person.Identifiers.PNC, r.Person.Identifiers.CouncilNumber,
		r.Address.Lines[0], r.Address.Postcode, r.AssociatedChildren[0].GivenNames, r.AssociatedChildren[0].School,
		r.CurrentRisk.ToWhom, r.ReasonForReferral, "Wounding", "OAPA", "s.18"}
	for _, o := range r.Facts.Offences {
		if o.Description != "" {
			out = append(out, o.Description)
		}
	}
	return out
}

func TestPostedReferralIsClassifiedAndTheInboxEmailSentWithinSeconds(t *testing.T) {
	f := newFlow(t)
	clsfy, mail := f.consumers()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, c := range []*streams.Consumer{clsfy, mail} {
		wg.Add(1)
		go func() { defer wg.Done(); _ = c.Poll(ctx) }()
	}
	t.Cleanup(func() { cancel(); wg.Wait() })

	start := time.Now()
	id := f.post(shortNoticeReferral())
	var got []localstack.Email
	for deadline := start.Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got = f.emails(); len(got) > 0 {
			break
		}
	}
	took := time.Since(start)
	if len(got) != 1 {
		t.Fatalf("%d emails in the local SES store for the inbox after %s, want 1", len(got), took)
	}
	if took > 10*time.Second {
		t.Errorf("the email took %s", took)
	}
	t.Logf("posted to email in the SES store: %s", took.Round(time.Millisecond))

	// The referral is classified with reasons, on the referral and its case.
	it := f.referralItem(id)
	caseID := intaketest.S(it, "caseId")
	if s := intaketest.S(it, "status"); s != string(referral.StatusClassified) {
		t.Fatalf("status %q", s)
	}
	ref, err := f.Store.GetReferral(context.Background(), id)
	if err != nil || ref.Classification == nil {
		t.Fatalf("classification %v %v", ref.Classification, err)
	}
	c := ref.Classification
	if c.Result.Outcome != "eligible" || c.Result.PrimaryCategory != 2 || len(c.Result.Reasons) == 0 || !c.ShortNotice() || c.Notice.Days != 7 {
		t.Fatalf("classification %+v notice %+v", c.Result, c.Notice)
	}
	for _, r := range c.Result.Reasons {
		if r.Rule == "" || r.Sentence == "" || r.Source == "" {
			t.Errorf("reason without rule, sentence or source: %+v", r)
		}
	}
	if c.SuggestedLevel() < 1 || len(c.LevelSuggestion.Reasons) == 0 || num(it, "suggestedLevel") != fmt.Sprint(c.SuggestedLevel()) ||
		c.AsOf.String() != "2026-11-23" || c.ClassifiedAt.IsZero() {
		t.Fatalf("suggested level %d, suggestion %+v, as of %s at %s", c.SuggestedLevel(), c.LevelSuggestion, c.AsOf, c.ClassifiedAt)
	}
	onCase, err := f.Store.GetCase(context.Background(), caseID)
	if err != nil || onCase.Classification == nil || !reflect.DeepEqual(*onCase.Classification, *c) {
		t.Errorf("the case does not carry the referral's classification: %v", err)
	}
	if got := f.AuditActions("referral:" + id); !slices.Contains(got, "referral.classify") {
		t.Errorf("audit %v", got)
	}

	// The inbox email: short notice, case reference, link, nothing personal.
	e := got[0]
	if want := "SHORT NOTICE: New MAPPA referral: case " + caseID; e.Subject != want {
		t.Errorf("subject %q, want %q", e.Subject, want)
	}
	for _, want := range []string{caseID, "Suggested category: 2", "Short notice: the meeting is in 7 days.", appOrigin + "/referrals/" + id} {
		if !strings.Contains(e.Body.Text, want) {
			t.Errorf("email text lacks %q:\n%s", want, e.Body.Text)
		}
	}
	for _, p := range personalData() {
		if strings.Contains(e.Subject, p) || strings.Contains(e.Body.Text, p) || strings.Contains(e.Body.HTML, p) {
			t.Errorf("the email carries personal data %q", p)
		}
	}
	rec, err := outbox.Get(context.Background(), f.DB, f.Tables.Outbox, outbox.ReferralEmailID(id))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != outbox.StatusSent || rec.SESMessageID != e.MessageID {
		t.Errorf("outbox record %s, SES id %q (email %q)", rec.Status, rec.SESMessageID, e.MessageID)
	}

	// The agency sees the new status.
	st := f.Do("GET", "/v1/referrals/"+id, f.Agency("police"), nil)
	if st.Status != 200 || st.JSON()["status"] != "classified" {
		t.Fatalf("GET %d %s", st.Status, st.Body)
	}
}

func TestReplayingTheStreamsChangesNothing(t *testing.T) {
	f := newFlow(t)
	id := f.post(shortNoticeReferral())
	f.drain(f.consumers())
	if n := len(f.emails()); n != 1 {
		t.Fatalf("%d emails before the replay", n)
	}
	before := f.referralItem(id)
	caseID := intaketest.S(before, "caseId")
	caseBefore := f.Partition(f.Tables.Cases, "CASE#"+caseID)
	auditBefore := len(f.Audit("referral:" + id))

	// Consumers with no checkpoint read both streams again from the start:
	// every record is delivered a second time.
	pk := "REFERRAL#" + id
	f.mu.Lock()
	first := f.delivered[pk]
	f.mu.Unlock()
	f.drain(f.consumers())
	f.mu.Lock()
	again := f.delivered[pk]
	f.mu.Unlock()
	if again <= first {
		t.Fatalf("the referral's record was not replayed (%d then %d deliveries)", first, again)
	}

	after := f.referralItem(id)
	if num(after, "version") != num(before, "version") || intaketest.S(after, "classification") != intaketest.S(before, "classification") ||
		intaketest.S(after, "updatedAt") != intaketest.S(before, "updatedAt") {
		t.Fatalf("the replay changed the referral: version %s -> %s", num(before, "version"), num(after, "version"))
	}
	caseAfter := f.Partition(f.Tables.Cases, "CASE#"+caseID)
	for i := range caseBefore {
		if num(caseAfter[i], "version") != num(caseBefore[i], "version") {
			t.Fatalf("the replay changed the case")
		}
	}
	if n := len(f.Audit("referral:" + id)); n != auditBefore {
		t.Fatalf("audit entries %d -> %d", auditBefore, n)
	}
	time.Sleep(1100 * time.Millisecond) // the SES store dates emails to the second
	if n := len(f.emails()); n != 1 {
		t.Fatalf("%d emails after the replay, want 1", n)
	}
	if len(f.parked) != 0 {
		t.Fatalf("parked %+v", f.parked)
	}
}

func TestAFailingRecordIsRetriedThenParkedWhileTheOthersGoThrough(t *testing.T) {
	f := newFlow(t)
	ctx := context.Background()
	var good []string
	for range 2 {
		good = append(good, f.post(shortNoticeReferral()))
	}
	// A referral item whose stored body cannot be read, as if written by a
	// broken release: classify fails on it every time.
	bad := "corrupt-" + randHex()
	if _, err := f.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(f.Tables.Referrals), Item: map[string]types.AttributeValue{
		"pk": dynamo.S("REFERRAL#" + bad), "sk": dynamo.S("REFERRAL"), "type": dynamo.S("referral"), "id": dynamo.S(bad),
		"status": dynamo.S("received"), "version": dynamo.N(1), "caseId": dynamo.S("no-such-case"), "body": dynamo.S(`{"person": {`),
	}}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		good = append(good, f.post(shortNoticeReferral()))
	}

	clsfy, mail := f.consumers()
	f.drain(clsfy, mail)

	maxRetries := f.event("ClassifyFunction").MaximumRetryAttempts
	if maxRetries < 0 {
		t.Fatal("template.yaml sets no MaximumRetryAttempts for classify")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if got := f.delivered["REFERRAL#"+bad]; got != 1+maxRetries {
		t.Errorf("the failing record was delivered %d times, want 1 + MaximumRetryAttempts (%d)", got, 1+maxRetries)
	}
	if len(f.parked) != 1 || !slices.Equal(f.parked[0].EventIDs, []string{f.eventIDs["REFERRAL#"+bad]}) ||
		f.parked[0].Function != "ClassifyFunction" || f.parked[0].Attempts != 1+maxRetries {
		t.Fatalf("parked %+v, want only the corrupt record's event", f.parked)
	}
	if s := intaketest.S(f.referralItem(bad), "status"); s != "received" {
		t.Errorf("corrupt referral status %q", s)
	}
	for _, id := range good {
		it := f.referralItem(id)
		if s := intaketest.S(it, "status"); s != "classified" || num(it, "version") != "2" {
			t.Errorf("referral %s: status %q version %s; the others in the batch must go through once", id, s, num(it, "version"))
		}
		got := f.AuditActions("referral:" + id)
		slices.Sort(got)
		if !slices.Equal(got, []string{"referral.classify", "referral.create"}) {
			t.Errorf("referral %s audit %v", id, got)
		}
	}
	if n := len(f.emails()); n != len(good) {
		t.Errorf("%d emails, want one per good referral (%d)", n, len(good))
	}

	// Parked records are not delivered again.
	n := f.delivered["REFERRAL#"+bad]
	f.mu.Unlock()
	f.drain(clsfy, mail)
	f.mu.Lock()
	if f.delivered["REFERRAL#"+bad] != n {
		t.Fatal("a parked record was delivered again")
	}
}

// TestNotEligibleReferralWithChildrenAtRiskGivesTheFrontDoorATask: S4. A
// posted referral whose person is not a MAPPA offender (s.47, 9 months)
// but has a Schedule 15 offence is classified "not eligible" with the
// Persons Posing a Risk to Children follow-up, and the front door has a
// task in the meetings table, written in the classification's
// transaction.
func TestNotEligibleReferralWithChildrenAtRiskGivesTheFrontDoorATask(t *testing.T) {
	f := newFlow(t)
	clsfy, _ := f.consumers()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = clsfy.Poll(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait() })

	id := f.post(referraltest.With(func(m map[string]any) {
		m["agencyReference"] = "TVP-E2E-" + randHex()
		m["facts"] = map[string]any{"dateOfBirth": "1988-03-14",
			"offences": []any{map[string]any{"code": "OAPA1861-S47", "disposal": "conviction", "date": "2026-02-01"}},
			"sentence": map[string]any{"type": "imprisonment", "lengthMonths": 9}, "notification": map[string]any{"status": "no"}}
	}))
	var it map[string]types.AttributeValue
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if it = f.referralItem(id); intaketest.S(it, "status") == string(referral.StatusClassified) {
			break
		}
	}
	if s := intaketest.S(it, "status"); s != string(referral.StatusClassified) {
		t.Fatalf("status %q", s)
	}
	ref, err := f.Store.GetReferral(context.Background(), id)
	if err != nil || ref.Classification == nil {
		t.Fatalf("classification %v", err)
	}
	if c := ref.Classification; c.Result.Outcome != "not-eligible" || len(c.Result.FollowUps) != 1 || c.Result.FollowUps[0].Kind != "consider-child-protection" || c.AsOf.IsZero() {
		t.Fatalf("classification %+v", c.Result)
	}
	caseID := intaketest.S(it, "caseId")
	var task map[string]types.AttributeValue
	for _, ti := range f.Partition(f.Tables.Meetings, "CASE#"+caseID) {
		if intaketest.S(ti, "type") == "task" {
			task = ti
		}
	}
	if task == nil || intaketest.S(task, "kind") != "consider-child-protection" || intaketest.S(task, "status") != "open" ||
		!strings.Contains(intaketest.S(task, "body"), "Persons Posing a Risk to Children") {
		t.Fatalf("front door task %v", task)
	}
}
