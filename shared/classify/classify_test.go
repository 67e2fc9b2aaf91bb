package classify_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/classify"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// Facts the engine decides (worked example 1: wounding with intent, four
// years' imprisonment, licence to 2029-05-31: Category 2) and facts it
// cannot decide (an offence the offence list does not know).
const (
	eligibleFacts = `{
		"dateOfBirth": "1988-03-14",
		"offences": [{"code": "OAPA1861-S18", "disposal": "conviction", "date": "2024-01-10"}],
		"sentence": {"type": "imprisonment", "lengthMonths": 48},
		"dates": {"sentenceDate": "2024-03-01", "licenceEndDate": "2029-05-31"},
		"notification": {"status": "no"},
		"currentRisk": "high",
		"management": {"meetingsAddValue": "yes"}
	}`
	unknownOffenceFacts = `{
		"dateOfBirth": "1988-03-14",
		"offences": [{"description": "an offence nobody has heard of", "disposal": "conviction", "date": "2024-01-10"}]
	}`
)

// now is 10:00 in London on referraltest.Today.
var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

const (
	inbox  = "mappa-inbox@example.gov.uk"
	origin = "https://mappa.example.gov.uk"
)

// body returns the fixture referral with the given facts and meeting date
// ("" for no invitation).
func body(t *testing.T, facts, meeting string) referral.Referral {
	t.Helper()
	raw := referraltest.With(func(m map[string]any) {
		var f any
		if err := json.Unmarshal([]byte(facts), &f); err != nil {
			t.Fatal(err)
		}
		m["facts"] = f
		if meeting == "" {
			delete(m, "meetingInvitation")
		} else {
			referraltest.Obj(m, "meetingInvitation")["date"] = meeting
		}
	})
	var r referral.Referral
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// ---- fake store

type save struct {
	id      string
	version int
	result  referral.Classification
	level   int
	effects aggregate.Effects
}

// faulty is the one in-memory store (store.Memory, which keeps the real
// store's conditions) with errors to inject and a record of the changes
// it committed.
type faulty struct {
	*store.Memory
	mu      sync.Mutex
	getErr  map[string]error
	saveErr map[string][]error // returned in turn instead of committing
	saves   []save
	gets    int
}

func newStore() *faulty {
	return &faulty{Memory: store.NewMemory(clock.NewFixed(now)), getErr: map[string]error{}, saveErr: map[string][]error{}}
}

// add stores a received referral id (case "case-<id>") as intake would.
func (f *faulty) add(id string, b referral.Referral, receivedAt time.Time) {
	err := f.CreateReferral(context.Background(), store.NewReferral{
		Referral:         store.Referral{ID: id, Agency: "police", Status: referral.StatusReceived, Version: 1, CaseID: "case-" + id, Body: b, CreatedAt: receivedAt, UpdatedAt: receivedAt},
		IdempotencyScope: "police", IdempotencyKey: id, NewCase: true,
	})
	if err != nil {
		panic(err)
	}
}

// set changes a stored referral as another writer would.
func (f *faulty) set(id string, status referral.Status) store.Referral {
	r, err := f.Memory.UpdateReferral(context.Background(), id, func(r *store.Referral) (store.ReferralEffects, error) {
		r.Status = status
		return store.ReferralEffects{}, nil
	})
	if err != nil {
		panic(err)
	}
	return r
}

func (f *faulty) get(id string) store.Referral {
	r, err := f.GetReferral(context.Background(), id)
	if err != nil {
		panic(err)
	}
	return r
}

func (f *faulty) UpdateReferral(ctx context.Context, id string, fn func(*store.Referral) (store.ReferralEffects, error)) (store.Referral, error) {
	f.mu.Lock()
	f.gets++
	err := f.getErr[id]
	f.mu.Unlock()
	if err != nil {
		return store.Referral{}, err
	}
	var sv save
	out, err := f.Memory.UpdateReferral(ctx, id, func(r *store.Referral) (store.ReferralEffects, error) {
		read := r.Version
		eff, err := fn(r)
		if err != nil {
			return eff, err
		}
		f.mu.Lock()
		errs := f.saveErr[id]
		if len(errs) > 0 {
			f.saveErr[id] = errs[1:]
		}
		f.mu.Unlock()
		if len(errs) > 0 {
			return store.ReferralEffects{}, errs[0]
		}
		sv = save{id: id, version: read, level: r.SuggestedLevel(), effects: eff.Effects}
		if r.Classification != nil {
			sv.result = *r.Classification
		}
		return eff, nil
	})
	if err == nil {
		f.mu.Lock()
		f.saves = append(f.saves, sv)
		f.mu.Unlock()
	}
	return out, err
}

func (f *faulty) saved(id string) []save {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []save
	for _, s := range f.saves {
		if s.id == id {
			out = append(out, s)
		}
	}
	return out
}

// ---- helpers

func handler(t *testing.T, st classify.Store, clk clock.Clock) *classify.Handler {
	t.Helper()
	h, err := classify.NewHandler(classify.Options{
		Store: st, Clock: clk, IDs: &ids.Sequence{Prefix: "audit"},
		MappaInbox: inbox, AppOrigin: origin, OutboxTable: "outbox", AuditTable: "audit", MeetingsTable: "meetings",
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

var seq int

// insert is the stream record Lambda delivers for a new referral item.
func insert(id string) events.DynamoDBEventRecord {
	seq++
	return events.DynamoDBEventRecord{
		EventID:   fmt.Sprintf("event-%d", seq),
		EventName: "INSERT",
		Change: events.DynamoDBStreamRecord{
			SequenceNumber: fmt.Sprintf("%021d", seq),
			Keys: map[string]events.DynamoDBAttributeValue{
				"pk": events.NewStringAttribute("REFERRAL#" + id), "sk": events.NewStringAttribute("REFERRAL"),
			},
			NewImage: map[string]events.DynamoDBAttributeValue{
				"pk": events.NewStringAttribute("REFERRAL#" + id), "sk": events.NewStringAttribute("REFERRAL"),
				"type": events.NewStringAttribute("referral"), "id": events.NewStringAttribute(id),
			},
			StreamViewType: "NEW_IMAGE",
		},
	}
}

func handle(t *testing.T, h *classify.Handler, recs ...events.DynamoDBEventRecord) []string {
	t.Helper()
	resp, err := h.Handle(context.Background(), events.DynamoDBEvent{Records: recs})
	if err != nil {
		t.Fatalf("Handle returned an error (would fail the whole batch): %v", err)
	}
	if resp.BatchItemFailures == nil {
		t.Fatal("BatchItemFailures is nil: Lambda needs an empty list for success")
	}
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	return failed
}

// email is the outbox message among a save's effects.
type email struct{ id, subject, text, html, to, caseRef string }

func emailOf(t *testing.T, s save) email {
	t.Helper()
	if len(s.effects.Outbox) != 1 {
		t.Fatalf("%d outbox messages in the transaction, want 1", len(s.effects.Outbox))
	}
	m := s.effects.Outbox[0]
	var to string
	if len(m.To) == 1 {
		to = m.To[0]
	}
	return email{id: m.ID, subject: m.Subject, text: m.Text, html: m.HTML, to: to, caseRef: m.CaseRef}
}

// ---- tests

func TestNewReferralIsClassifiedWithEmailAndAuditInOneTransaction(t *testing.T) {
	st := newStore()
	st.add("ref-1", body(t, eligibleFacts, "2026-12-10"), now)
	h := handler(t, st, clock.NewFixed(now))

	if failed := handle(t, h, insert("ref-1")); len(failed) > 0 {
		t.Fatalf("failed %v", failed)
	}
	saves := st.saved("ref-1")
	if len(saves) != 1 {
		t.Fatalf("%d saves", len(saves))
	}
	s := saves[0]
	if s.version != 1 {
		t.Fatalf("saved against version %d, want the version read (1)", s.version)
	}
	if s.result.Result.Outcome != "eligible" || s.result.Result.PrimaryCategory != 2 || len(s.result.Result.Reasons) == 0 {
		t.Fatalf("result %+v", s.result.Result)
	}
	if s.level != s.result.SuggestedLevel() || s.level < 1 || s.level > 3 {
		t.Fatalf("suggested level %d (result says %d)", s.level, s.result.SuggestedLevel())
	}
	if s.result.Result.DecidedOn.String() != "2026-11-23" || s.result.AsOf.String() != "2026-11-23" || !s.result.ClassifiedAt.Equal(now) {
		t.Fatalf("decided on %s as of %s at %s, want today in London", s.result.Result.DecidedOn, s.result.AsOf, s.result.ClassifiedAt)
	}

	// One transaction: the referral and case updates are the store's, the
	// email and the audit entry ride along.
	if len(s.effects.Outbox) != 1 || len(s.effects.Audit) != 1 || len(s.effects.Also) != 0 {
		t.Fatalf("effects %+v, want the email and the audit entry", s.effects)
	}
	m := emailOf(t, s)
	if m.id != "referral-new-ref-1" || m.to != inbox || m.caseRef != "case-ref-1" {
		t.Fatalf("email %+v", m)
	}
	for _, want := range []string{"case-ref-1", "Suggested category: 2", fmt.Sprintf("Suggested level: %d", s.level), origin + "/referrals/ref-1"} {
		if !strings.Contains(m.text, want) {
			t.Errorf("email text lacks %q:\n%s", want, m.text)
		}
	}
	if strings.HasPrefix(m.subject, "SHORT NOTICE") || !strings.Contains(m.text, "The meeting is in 17 days.") {
		t.Errorf("17 days' notice is not short notice: %q\n%s", m.subject, m.text)
	}
	b := body(t, eligibleFacts, "2026-12-10")
	for _, personal := range []string{b.Person.GivenNames, b.Person.FamilyName, b.Person.Aliases[0].FamilyName, b.Address.Postcode,
		b.Address.Lines[0], b.AssociatedChildren[0].GivenNames, "1988-03-14", "Wounding", "OAPA", b.Person.Identifiers.CRN} {
		if strings.Contains(m.subject+m.text+m.html, personal) {
			t.Errorf("email carries %q", personal)
		}
	}

	e := s.effects.Audit[0]
	if e.Actor != classify.Actor || e.Action != "referral.classify" || e.Subject != "referral:ref-1" || e.CaseID != "case-ref-1" || e.Reason != "eligibility:eligible" {
		t.Fatalf("audit entry %+v", e)
	}
}

func TestStoredResultIsTheEngineResultWithLevelAndNotice(t *testing.T) {
	received := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	res := referral.Classify(body(t, eligibleFacts, "2026-11-30"), received, now)
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	// Readers (staff API, front end) find the documented names.
	for _, k := range []string{"result", "levelSuggestion", "notice", "asOf", "classifiedAt"} {
		if _, ok := m[k]; !ok {
			t.Errorf("stored classification lacks %q: %s", k, b)
		}
	}
	if m["result"].(map[string]any)["primaryCategory"] != float64(2) || m["notice"].(map[string]any)["short"] != true || m["notice"].(map[string]any)["days"] != float64(7) {
		t.Fatalf("classification %s", b)
	}
	if _, ok := m["levelSuggestion"].(map[string]any)["reasons"]; !ok {
		t.Errorf("level suggestion has no reasons: %s", b)
	}
}

func TestShortNotice(t *testing.T) {
	for _, tc := range []struct {
		name    string
		now     time.Time
		meeting string
		short   bool
		text    string
	}{
		{"13 days away", now, "2026-12-06", true, "Short notice: the meeting is in 13 days."},
		{"14 days away", now, "2026-12-07", false, "The meeting is in 14 days."},
		{"tomorrow", now, "2026-11-24", true, "Short notice: the meeting is tomorrow."},
		{"today", now, "2026-11-23", true, "Short notice: the meeting is today or has passed."},
		{"already passed", now, "2026-11-20", true, "Short notice: the meeting is today or has passed."},
		{"no invitation", now, "", false, ""},
		// 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): the
		// meeting on 14 July is 13 days away there, 14 in UTC.
		{"counted from today in London", time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC), "2026-07-14", true, "Short notice: the meeting is in 13 days."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore()
			st.add("ref-sn", body(t, eligibleFacts, tc.meeting), tc.now)
			h := handler(t, st, clock.NewFixed(tc.now))
			if failed := handle(t, h, insert("ref-sn")); len(failed) > 0 {
				t.Fatalf("failed %v", failed)
			}
			s := st.saved("ref-sn")[0]
			m := emailOf(t, s)
			if got := strings.HasPrefix(m.subject, "SHORT NOTICE: "); got != tc.short {
				t.Errorf("subject %q, short notice %v", m.subject, tc.short)
			}
			if tc.text != "" && !strings.Contains(m.text, tc.text) {
				t.Errorf("email text lacks %q:\n%s", tc.text, m.text)
			}
			if tc.text == "" && strings.Contains(strings.ToLower(m.text), "meeting is") {
				t.Errorf("no invitation, but the email mentions a meeting:\n%s", m.text)
			}
			if got := s.result.ShortNotice(); got != tc.short {
				t.Errorf("stored short notice %v, want %v", got, tc.short)
			}
		})
	}
}

func TestCannotDecideIsStoredWithTheMissingFacts(t *testing.T) {
	st := newStore()
	st.add("ref-cd", body(t, unknownOffenceFacts, "2026-12-10"), now)
	h := handler(t, st, clock.NewFixed(now))
	if failed := handle(t, h, insert("ref-cd")); len(failed) > 0 {
		t.Fatalf("failed %v", failed)
	}
	saves := st.saved("ref-cd")
	if len(saves) != 1 {
		t.Fatalf("a cannot-decide outcome must still be stored: %d saves", len(saves))
	}
	s := saves[0]
	if s.result.Result.Outcome != "cannot-decide" || len(s.result.Result.Missing) == 0 {
		t.Fatalf("outcome %s, missing %v", s.result.Result.Outcome, s.result.Result.Missing)
	}
	if !slices.ContainsFunc(s.result.Result.Missing, func(m eligibility.Missing) bool { return strings.HasPrefix(m.Pointer, "/offences/0") }) {
		t.Errorf("the unknown offence is not among the missing facts: %v", s.result.Result.Missing)
	}
	if s.level != 0 {
		t.Errorf("suggested level %d for an undecided referral", s.level)
	}
	if st.get("ref-cd").Status != referral.StatusClassified {
		t.Errorf("status %s", st.get("ref-cd").Status)
	}
	m := emailOf(t, s)
	if !strings.Contains(m.text, "Suggested category: not determined") || !strings.Contains(m.text, "Suggested level: none") {
		t.Errorf("email:\n%s", m.text)
	}
}

func TestReplayChangesNothing(t *testing.T) {
	t.Run("the same record again", func(t *testing.T) {
		st := newStore()
		st.add("ref-r", body(t, eligibleFacts, "2026-12-10"), now)
		h := handler(t, st, clock.NewFixed(now))
		rec := insert("ref-r")
		for range 3 {
			if failed := handle(t, h, rec); len(failed) > 0 {
				t.Fatalf("replay failed: %v", failed)
			}
		}
		if n := len(st.saved("ref-r")); n != 1 {
			t.Fatalf("%d classifications (and emails) for one referral", n)
		}
		if v := st.get("ref-r").Version; v != 2 {
			t.Fatalf("version %d after replays, want 2", v)
		}
	})
	t.Run("classified by another invocation between read and write", func(t *testing.T) {
		st := newStore()
		st.add("ref-race", body(t, eligibleFacts, "2026-12-10"), now)
		// The store's read inside its read-modify-write finds it classified.
		st.set("ref-race", referral.StatusClassified)
		h := handler(t, st, clock.NewFixed(now))
		if failed := handle(t, h, insert("ref-race")); len(failed) > 0 {
			t.Fatalf("already classified is success, got failures %v", failed)
		}
		if n := len(st.saved("ref-race")); n != 0 {
			t.Fatalf("%d saves", n)
		}
	})
	t.Run("a referral already decided is left alone", func(t *testing.T) {
		st := newStore()
		st.add("ref-acc", body(t, eligibleFacts, "2026-12-10"), now)
		before := st.set("ref-acc", referral.StatusAccepted)
		h := handler(t, st, clock.NewFixed(now))
		if failed := handle(t, h, insert("ref-acc")); len(failed) > 0 {
			t.Fatalf("failed %v", failed)
		}
		if n := len(st.saved("ref-acc")); n != 0 || st.get("ref-acc").Version != before.Version {
			t.Fatalf("%d saves, version %d", n, st.get("ref-acc").Version)
		}
	})
}

func TestVersionConflictIsReadAgainAndRetried(t *testing.T) {
	st := newStore()
	st.add("ref-vc", body(t, eligibleFacts, "2026-12-10"), now)
	st.saveErr["ref-vc"] = []error{store.ErrVersionConflict}
	h := handler(t, st, clock.NewFixed(now))
	if failed := handle(t, h, insert("ref-vc")); len(failed) > 0 {
		t.Fatalf("failed %v", failed)
	}
	if n := len(st.saved("ref-vc")); n != 1 || st.gets != 2 {
		t.Fatalf("%d saves after %d reads", n, st.gets)
	}

	st.saveErr["ref-vc2"] = []error{store.ErrVersionConflict, store.ErrVersionConflict, store.ErrVersionConflict}
	st.add("ref-vc2", body(t, eligibleFacts, "2026-12-10"), now)
	r := insert("ref-vc2")
	if failed := handle(t, h, r); !slices.Equal(failed, []string{r.Change.SequenceNumber}) {
		t.Fatalf("a referral that keeps changing must be reported for retry: %v", failed)
	}
}

func TestPartialBatchFailure(t *testing.T) {
	st := newStore()
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		st.add(id, body(t, eligibleFacts, "2026-12-10"), now)
	}
	st.getErr["b"] = errors.New("store: referral b: ProvisionedThroughputExceededException")
	st.saveErr["d"] = []error{errors.New("store: transaction: InternalServerError")}
	h := handler(t, st, clock.NewFixed(now))

	malformed := insert("x")
	malformed.Change.Keys["pk"] = events.NewStringAttribute("CASE#x")
	mismatched := insert("y")
	mismatched.Change.NewImage["id"] = events.NewStringAttribute("z")
	notFound := insert("gone")
	modify := insert("a")
	modify.EventName = "MODIFY"
	other := insert("o")
	other.Change.NewImage["type"] = events.NewStringAttribute("decision")

	recs := []events.DynamoDBEventRecord{insert("a"), insert("b"), malformed, insert("c"), insert("d"), mismatched, notFound, modify, other, insert("e")}
	failed := handle(t, h, recs...)
	want := []string{recs[1].Change.SequenceNumber, recs[2].Change.SequenceNumber, recs[4].Change.SequenceNumber,
		recs[5].Change.SequenceNumber, recs[6].Change.SequenceNumber}
	if !slices.Equal(failed, want) {
		t.Fatalf("failures %v, want %v (store errors, malformed keys, an id mismatch, a missing referral)", failed, want)
	}
	for _, id := range []string{"a", "c", "e"} {
		if n := len(st.saved(id)); n != 1 {
			t.Errorf("%s saved %d times: the rest of the batch must still be handled", id, n)
		}
	}
	for _, id := range []string{"b", "d"} {
		if n := len(st.saved(id)); n != 0 {
			t.Errorf("%s saved despite failing", id)
		}
	}

	// Lambda retries from the first failure: the records already done are
	// replays and succeed without a second save; the fixed ones go through.
	delete(st.getErr, "b")
	if failed := handle(t, h, recs[1:]...); len(failed) != 3 {
		t.Fatalf("retry failures %v, want only the malformed, mismatched and missing records", failed)
	}
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		if n := len(st.saved(id)); n != 1 {
			t.Errorf("%s saved %d times after the retry", id, n)
		}
	}
}

func TestOutOfTimeLeavesTheRestForTheRetry(t *testing.T) {
	st := newStore()
	st.add("t1", body(t, eligibleFacts, ""), now)
	h := handler(t, st, clock.NewFixed(now))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := insert("t1")
	resp, err := h.Handle(ctx, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{r}})
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != r.Change.SequenceNumber {
		t.Fatalf("resp %+v, err %v", resp, err)
	}
	if st.gets != 0 {
		t.Fatal("worked on a record after the deadline")
	}
}

func TestNewHandlerRefusesIncompleteSettings(t *testing.T) {
	good := classify.Options{Store: newStore(), Clock: clock.NewFixed(now), IDs: &ids.Sequence{Prefix: "a"},
		MappaInbox: inbox, AppOrigin: origin, OutboxTable: "outbox", AuditTable: "audit"}
	for _, tc := range []struct {
		name string
		edit func(*classify.Options)
	}{
		{"no store", func(o *classify.Options) { o.Store = nil }},
		{"no clock", func(o *classify.Options) { o.Clock = nil }},
		{"no ids", func(o *classify.Options) { o.IDs = nil }},
		{"no inbox", func(o *classify.Options) { o.MappaInbox = "" }},
		{"bad inbox", func(o *classify.Options) { o.MappaInbox = "MAPPA <inbox@example.gov.uk>" }},
		{"no origin", func(o *classify.Options) { o.AppOrigin = "" }},
		{"origin with a path", func(o *classify.Options) { o.AppOrigin = origin + "/app?x=1" }},
		{"no outbox table", func(o *classify.Options) { o.OutboxTable = "" }},
		{"no audit table", func(o *classify.Options) { o.AuditTable = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.edit(&o)
			if _, err := classify.NewHandler(o); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	if _, err := classify.NewHandler(good); err != nil {
		t.Fatal(err)
	}
}

// panicky is a store whose reads of one referral crash.
type panicky struct {
	*faulty
	bad string
}

func (p panicky) UpdateReferral(ctx context.Context, id string, fn func(*store.Referral) (store.ReferralEffects, error)) (store.Referral, error) {
	if id == p.bad {
		panic("boom")
	}
	return p.faulty.UpdateReferral(ctx, id, fn)
}

func TestACrashingRecordFailsAlone(t *testing.T) {
	st := newStore()
	st.add("ok", body(t, eligibleFacts, ""), now)
	st.add("crash", body(t, eligibleFacts, ""), now)
	h := handler(t, panicky{st, "crash"}, clock.NewFixed(now))
	bad := insert("crash")
	if failed := handle(t, h, bad, insert("ok")); !slices.Equal(failed, []string{bad.Change.SequenceNumber}) {
		t.Fatalf("failures %v", failed)
	}
	if len(st.saved("ok")) != 1 {
		t.Fatal("the record after the crash was not handled")
	}
}

// TestNotEligibleWithChildrenAtRiskMakesAFrontDoorTask: S4, "not eligible"
// is never the end where children may be at risk. A referral whose person
// is not a MAPPA offender but has a Schedule 15 offence gets, in the
// classification's transaction, a task for the front door to consider
// child protection procedures, and the follow-up is on the stored
// classification. An eligible referral gets no such task.
func TestNotEligibleWithChildrenAtRiskMakesAFrontDoorTask(t *testing.T) {
	st := newStore()
	st.add("ref-1", body(t, `{"dateOfBirth": "1988-03-14",
		"offences": [{"code": "OAPA1861-S47", "disposal": "conviction", "date": "2026-02-01"}],
		"sentence": {"type": "imprisonment", "lengthMonths": 9}, "notification": {"status": "no"}}`, ""), now)
	st.add("ref-2", body(t, eligibleFacts, ""), now)
	h := handler(t, st, clock.NewFixed(now))
	if failed := handle(t, h, insert("ref-1"), insert("ref-2")); len(failed) > 0 {
		t.Fatalf("failed %v", failed)
	}
	task := func(id string) map[string]types.AttributeValue {
		for _, it := range st.saved(id)[0].effects.Also {
			if it.Put != nil && *it.Put.TableName == "meetings" {
				return it.Put.Item
			}
		}
		return nil
	}
	s := st.saved("ref-1")[0]
	if s.result.Result.Outcome != eligibility.NotEligible || len(s.result.Result.FollowUps) != 1 ||
		s.result.Result.FollowUps[0].Kind != eligibility.ConsiderChildProtection {
		t.Fatalf("ref-1: %s, follow-ups %+v", s.result.Result.Outcome, s.result.Result.FollowUps)
	}
	it := task("ref-1")
	attr := func(n string) string { v, _ := it[n].(*types.AttributeValueMemberS); return v.Value }
	if it == nil || attr("kind") != "consider-child-protection" || attr("caseId") != "case-ref-1" || attr("id") != "pprc-ref-1" ||
		attr("status") != "open" || !strings.Contains(attr("body"), "front-door") || !strings.Contains(attr("body"), "Schedule 15") {
		t.Fatalf("ref-1 task %v", it)
	}
	if task("ref-2") != nil {
		t.Error("an eligible referral got a child protection task")
	}
}
