// Package storetest is the contract of the referral and case store: one
// suite every implementation passes. It runs against store.Store on
// DynamoDB Local and against store.Memory (the one in-memory stand-in the
// other packages' unit tests use), so the stand-in cannot drift from the
// store: every method, with its conditional failures (a duplicate create,
// a stale version, a lost race retried, a create-only effect written
// twice), and the same answers.
//
// The suite also measures, where the harness can (DynamoDB Local), the
// capacity each operation consumes and compares it with the least the
// items it touches allow (see Capacity).
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// Store is every method of the store; store.Store and store.Memory both
// have them all.
type Store interface {
	GetIdempotency(ctx context.Context, scope, key string) (store.Idempotency, error)
	FindMatches(ctx context.Context, ids []referral.Identifier, nameKey string) (referral.Matches, error)
	Lookup(ctx context.Context, q store.LookupQuery) (store.Lookup, error)
	CreateReferral(ctx context.Context, nr store.NewReferral) error
	GetReferral(ctx context.Context, id string) (store.Referral, error)
	ReferralWithHistory(ctx context.Context, id string) (store.Referral, []referral.Decision, error)
	GetSummaries(ctx context.Context, ids []string) (map[string]store.Summary, error)
	UpdateReferral(ctx context.Context, id string, fn func(*store.Referral) (store.ReferralEffects, error)) (store.Referral, error)
	ListReferrals(ctx context.Context, q store.ListQuery) (store.Page, error)
	QueueCounts(ctx context.Context) (map[referral.Status]int, error)
	SearchReferrals(ctx context.Context, text string) (store.SearchResult, error)
	ReferralsOfCases(ctx context.Context, caseIDs []string) ([]store.Summary, error)
	GetCase(ctx context.Context, id string) (store.Case, error)
	GetCaseDetail(ctx context.Context, id, cursor string) (store.CaseDetail, error)
	UpdateCase(ctx context.Context, id string, fn func(*store.Case) (store.CaseEffects, error)) (store.Case, error)
}

var (
	_ Store = (*store.Store)(nil)
	_ Store = (*store.Memory)(nil)
)

// Harness makes the stores the suite runs against.
type Harness struct {
	// New returns an empty store telling the time by clk. Each test of the
	// suite asks for its own and runs in parallel with the others.
	New func(t *testing.T, clk clock.Clock) Store
}

// Now is the time the suite's clocks start at.
var Now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// Run runs the whole contract.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(t *testing.T, h Harness)
	}{
		{"CreateAndRead", testCreateAndRead},
		{"NotFound", testNotFound},
		{"Lookup", testLookup},
		{"CreateConditions", testCreateConditions},
		{"ConcurrentCreatesWithOneKey", testConcurrentCreates},
		{"AttachToOpenCase", testAttach},
		{"UpdateReferral", testUpdateReferral},
		{"UpdateReferralLostRace", testUpdateReferralLostRace},
		{"UpdateReferralConditions", testUpdateReferralConditions},
		{"ConcurrentDecisions", testConcurrentDecisions},
		{"AcceptMarksTheCaseOnce", testAcceptMarksTheCase},
		{"Merge", testMerge},
		{"UpdateCase", testUpdateCase},
		{"CaseHistoryPages", testCaseHistoryPages},
		{"ListReferrals", testList},
		{"QueueCountsSearchAndCases", testQueue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, h)
		})
	}
}

// ---- fixtures

var (
	crn = referral.Identifier{Kind: referral.KindCRN, Value: "X123456"}
	pnc = referral.Identifier{Kind: referral.KindPNC, Value: "08/0123456K"}
)

// NewReferral is a new referral id in a new case caseID under key,
// claiming claim, received at.
func NewReferral(id, caseID, key string, at time.Time, claim ...referral.Identifier) store.NewReferral {
	body := referraltest.Referral()
	return store.NewReferral{
		Referral: store.Referral{ID: id, Agency: "police", Source: "agency", CreatedBy: "client-1", Status: referral.StatusReceived,
			Version: 1, CaseID: caseID, Body: body, BodyHash: "hash-" + key, CreatedAt: at, UpdatedAt: at},
		IdempotencyScope: "police", IdempotencyKey: key, NewCase: true, Claim: claim, NameKey: "namekey-" + caseID,
		Audit: []audit.Entry{{ID: "audit-create-" + id, At: at, Actor: "client-1", Action: audit.ActionReferralCreate, Subject: "referral:" + id, CaseID: caseID}},
	}
}

// attach is NewReferral joining the existing case caseID.
func attach(id, caseID, key string, at time.Time, claim ...referral.Identifier) store.NewReferral {
	nr := NewReferral(id, caseID, key, at, claim...)
	nr.NewCase = false
	return nr
}

func mustDate(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func ctx() context.Context { return context.Background() }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func is(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: err %v, want %v", what, err, want)
	}
}

func bodyJSON(t *testing.T, r referral.Referral) string {
	t.Helper()
	b, err := json.Marshal(r)
	must(t, err)
	return string(b)
}

func decide(kind referral.DecisionKind, id string, from, to referral.Status, at time.Time) func(*store.Referral) (store.ReferralEffects, error) {
	return func(r *store.Referral) (store.ReferralEffects, error) {
		if r.Status != from {
			return store.ReferralEffects{}, fmt.Errorf("status %s, want %s", r.Status, from)
		}
		r.Status = to
		d := referral.Decision{ID: id, Kind: kind, Actor: "staff-1", At: at, From: from, To: to, Reason: "why " + id}
		return store.ReferralEffects{Decision: &d, Effects: aggregate.Effects{Audit: []audit.Entry{{
			ID: "audit-" + id, At: at, Actor: "staff-1", Action: audit.ActionReferralDecide, Subject: "referral:" + r.ID, CaseID: r.CaseID,
		}}}}, nil
	}
}

// ---- tests

// testCreateAndRead: what CreateReferral writes is what every read gives back.
func testCreateAndRead(t *testing.T, h Harness) {
	s := h.New(t, clock.NewFixed(Now))
	nr := NewReferral("r1", "c1", "k1", Now, crn, pnc)
	nr.AlsoKeys = []string{"ref:TVP-1"}
	must(t, s.CreateReferral(ctx(), nr))

	r, err := s.GetReferral(ctx(), "r1")
	must(t, err)
	if r.ID != "r1" || r.Agency != "police" || r.Source != "agency" || r.CreatedBy != "client-1" || r.Status != referral.StatusReceived ||
		r.Version != 1 || r.CaseID != "c1" || r.BodyHash != "hash-k1" || !r.CreatedAt.Equal(Now) || !r.UpdatedAt.Equal(Now) ||
		r.Classification != nil || r.MatchState != "" || len(r.PossibleMatches) != 0 {
		t.Errorf("referral read back %+v", r)
	}
	if bodyJSON(t, r.Body) != bodyJSON(t, nr.Referral.Body) {
		t.Errorf("body read back differs:\n%s\n%s", bodyJSON(t, r.Body), bodyJSON(t, nr.Referral.Body))
	}
	r2, hist, err := s.ReferralWithHistory(ctx(), "r1")
	must(t, err)
	if r2.ID != "r1" || r2.Version != 1 || len(hist) != 0 || bodyJSON(t, r2.Body) != bodyJSON(t, r.Body) {
		t.Errorf("with history: %+v %v", r2, hist)
	}
	for _, key := range []string{"k1", "ref:TVP-1"} {
		rec, err := s.GetIdempotency(ctx(), "police", key)
		must(t, err)
		if rec.ReferralID != "r1" || rec.CaseID != "c1" || rec.BodyHash != "hash-k1" || rec.Scope != "police" || !rec.CreatedAt.Equal(Now) {
			t.Errorf("idempotency %s: %+v", key, rec)
		}
	}
	if _, err := s.GetIdempotency(ctx(), "other-agency", "k1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a key is per scope: %v", err)
	}
	c, err := s.GetCase(ctx(), "c1")
	must(t, err)
	if c.ID != "c1" || c.Status != store.CaseOpen || c.Version != 1 || c.Person.FamilyName != nr.Referral.Body.Person.FamilyName ||
		!slices.Equal(c.CRNs, []string{"X123456"}) || !slices.Equal(c.PNCs, []string{"08/0123456K"}) || !slices.Equal(c.NameKeys, []string{"namekey-c1"}) ||
		c.Risk != nr.Referral.Body.CurrentRisk.Highest() || c.Level != 0 || c.Classification != nil || !c.CreatedAt.Equal(Now) {
		t.Errorf("case %+v", c)
	}
	m, err := s.FindMatches(ctx(), []referral.Identifier{crn, pnc, {Kind: referral.KindCouncilNumber, Value: "C-9"}}, "namekey-c1")
	must(t, err)
	if len(m.Claimed) != 2 || m.Claimed[crn] != "c1" || m.Claimed[pnc] != "c1" || !slices.Equal(m.ByNameAndBirth, []string{"c1"}) {
		t.Errorf("matches %+v", m)
	}
	if m, err := s.FindMatches(ctx(), nil, ""); err != nil || len(m.Claimed) != 0 || len(m.ByNameAndBirth) != 0 {
		t.Errorf("no identifiers, no name: %+v %v", m, err)
	}
	sums, err := s.GetSummaries(ctx(), []string{"r1", "missing"})
	must(t, err)
	if len(sums) != 1 || sums["r1"].ID != "r1" || sums["r1"].FamilyName != nr.Referral.Body.Person.FamilyName || sums["r1"].Status != referral.StatusReceived ||
		sums["r1"].CaseID != "c1" || sums["r1"].LevelRequested != 2 || sums["r1"].MeetingDate != "2026-12-10" || sums["r1"].MeetingTime != "10:00" ||
		sums["r1"].AgencyReference != "TVP-PPU-2026-00123" || !sums["r1"].CreatedAt.Equal(Now) {
		t.Errorf("summaries %+v", sums)
	}
	d, err := s.GetCaseDetail(ctx(), "c1", "")
	must(t, err)
	if d.Case.ID != "c1" || len(d.Referrals) != 1 || d.Referrals[0].ReferralID != "r1" || !d.Referrals[0].ReceivedAt.Equal(Now) ||
		d.Referrals[0].Agency != "police" || len(d.Levels) != 0 || len(d.RAGs) != 0 || d.Next != "" {
		t.Errorf("case detail %+v", d)
	}
}

// testLookup: intake's one read before a create finds the keys in use,
// the claimed identifiers and the cases with the same name key.
func testLookup(t *testing.T, h Harness) {
	s := h.New(t, clock.NewFixed(Now))
	nr := NewReferral("r1", "c1", "k1", Now, crn)
	nr.AlsoKeys = []string{"ref:TVP-1"}
	must(t, s.CreateReferral(ctx(), nr))
	must(t, s.CreateReferral(ctx(), NewReferral("r2", "c2", "k2", Now)))
	unknown := referral.Identifier{Kind: referral.KindCouncilNumber, Value: "C-9"}
	l, err := s.Lookup(ctx(), store.LookupQuery{Scope: "police", Keys: []string{"unused", "k1", "ref:TVP-1"},
		Identifiers: []referral.Identifier{crn, pnc, unknown, crn}, NameKey: "namekey-c1"})
	must(t, err)
	if len(l.Idempotency) != 3 || l.Idempotency[0] != nil || l.Idempotency[1] == nil || l.Idempotency[2] == nil ||
		l.Idempotency[1].ReferralID != "r1" || l.Idempotency[2].ReferralID != "r1" || l.Idempotency[1].BodyHash != "hash-k1" || l.Idempotency[1].CaseID != "c1" {
		t.Errorf("idempotency %+v", l.Idempotency)
	}
	if len(l.Matches.Claimed) != 1 || l.Matches.Claimed[crn] != "c1" || !slices.Equal(l.Matches.ByNameAndBirth, []string{"c1"}) {
		t.Errorf("matches %+v", l.Matches)
	}
	l, err = s.Lookup(ctx(), store.LookupQuery{Scope: "other", Keys: []string{"k1"}})
	if err != nil || len(l.Idempotency) != 1 || l.Idempotency[0] != nil || len(l.Matches.Claimed) != 0 || len(l.Matches.ByNameAndBirth) != 0 {
		t.Errorf("another scope: %+v %v", l, err)
	}
	if l, err := s.Lookup(ctx(), store.LookupQuery{}); err != nil || len(l.Idempotency) != 0 || l.Matches.Claimed == nil {
		t.Errorf("empty lookup: %+v %v", l, err)
	}
}

func testNotFound(t *testing.T, h Harness) {
	s := h.New(t, clock.NewFixed(Now))
	_, err := s.GetReferral(ctx(), "nope")
	is(t, "GetReferral", err, store.ErrNotFound)
	_, _, err = s.ReferralWithHistory(ctx(), "nope")
	is(t, "ReferralWithHistory", err, store.ErrNotFound)
	_, err = s.GetIdempotency(ctx(), "police", "nope")
	is(t, "GetIdempotency", err, store.ErrNotFound)
	_, err = s.GetCase(ctx(), "nope")
	is(t, "GetCase", err, store.ErrNotFound)
	_, err = s.GetCaseDetail(ctx(), "nope", "")
	is(t, "GetCaseDetail", err, store.ErrNotFound)
	ran := false
	_, err = s.UpdateReferral(ctx(), "nope", func(*store.Referral) (store.ReferralEffects, error) { ran = true; return store.ReferralEffects{}, nil })
	is(t, "UpdateReferral", err, store.ErrNotFound)
	_, err = s.UpdateCase(ctx(), "nope", func(*store.Case) (store.CaseEffects, error) { ran = true; return store.CaseEffects{}, nil })
	is(t, "UpdateCase", err, store.ErrNotFound)
	if ran {
		t.Error("a closure ran on a record that does not exist")
	}
	if sums, err := s.GetSummaries(ctx(), []string{"nope"}); err != nil || len(sums) != 0 {
		t.Errorf("summaries %v %v", sums, err)
	}
	if sums, err := s.GetSummaries(ctx(), nil); err != nil || len(sums) != 0 {
		t.Errorf("no ids: %v %v", sums, err)
	}
}

// testCreateConditions: every condition of CreateReferral refuses the
// whole transaction: nothing of the refused referral is written.
func testCreateConditions(t *testing.T, h Harness) {
	s := h.New(t, clock.NewFixed(Now))
	must(t, s.CreateReferral(ctx(), NewReferral("r1", "c1", "k1", Now, crn)))
	merged := NewReferral("rm", "cm", "km", Now)
	must(t, s.CreateReferral(ctx(), merged))
	must(t, s.CreateReferral(ctx(), NewReferral("rt", "ct", "kt", Now)))
	_, err := s.UpdateReferral(ctx(), "rm", func(r *store.Referral) (store.ReferralEffects, error) {
		r.CaseID = "ct"
		return store.ReferralEffects{MergeInto: "ct"}, nil
	})
	must(t, err)
	must(t, s.CreateReferral(ctx(), NewReferral("rc", "cc", "kc", Now)))
	_, err = s.UpdateCase(ctx(), "cc", func(c *store.Case) (store.CaseEffects, error) {
		c.Status = store.CaseClosed
		return store.CaseEffects{}, nil
	})
	must(t, err)
	cases := []struct {
		name string
		nr   store.NewReferral
		want error
	}{
		// A closed case is named, so intake can reopen it (never refused).
		{"joining a closed case", attach("r10", "cc", "k10", Now), store.ErrCaseClosed},
		{"the same key", NewReferral("r2", "c2", "k1", Now), store.ErrIdempotencyTaken},
		{"a further key taken", func() store.NewReferral {
			nr := NewReferral("r3", "c3", "k3", Now)
			nr.AlsoKeys = []string{"k1"}
			return nr
		}(), store.ErrIdempotencyTaken},
		{"an identifier claimed", NewReferral("r4", "c4", "k4", Now, crn), store.ErrMatchChanged},
		{"a new case whose id exists", NewReferral("r5", "c1", "k5", Now), store.ErrMatchChanged},
		{"joining a case that does not exist", attach("r6", "nope", "k6", Now), store.ErrMatchChanged},
		{"joining a merged case", attach("r7", "cm", "k7", Now), store.ErrMatchChanged},
		{"a referral id that exists", NewReferral("r1", "c8", "k8", Now), store.ErrMatchChanged},
		{"an audit id that exists", func() store.NewReferral {
			nr := NewReferral("r9", "c9", "k9", Now)
			nr.Audit[0].ID, nr.Audit[0].Subject = "audit-create-r1", "referral:r1"
			return nr
		}(), store.ErrMatchChanged},
	}
	for _, tc := range cases {
		if err := s.CreateReferral(ctx(), tc.nr); !errors.Is(err, tc.want) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.want)
		}
		id := tc.nr.Referral.ID
		if id == "r1" {
			r, err := s.GetReferral(ctx(), "r1")
			if err != nil || r.CaseID != "c1" {
				t.Errorf("%s: the first referral changed: %+v %v", tc.name, r, err)
			}
			continue
		}
		if _, err := s.GetReferral(ctx(), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: referral written despite the failed condition: %v", tc.name, err)
		}
		if tc.nr.NewCase && tc.nr.Referral.CaseID != "c1" {
			if _, err := s.GetCase(ctx(), tc.nr.Referral.CaseID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: case written despite the failed condition: %v", tc.name, err)
			}
		}
		for _, k := range append([]string{tc.nr.IdempotencyKey}, tc.nr.AlsoKeys...) {
			if rec, err := s.GetIdempotency(ctx(), "police", k); err == nil && rec.ReferralID == id {
				t.Errorf("%s: key %s written despite the failed condition", tc.name, k)
			}
		}
	}
	c, err := s.GetCase(ctx(), "c1")
	if err != nil || c.Version != 1 {
		t.Errorf("case c1 changed by refused referrals: %+v %v", c, err)
	}
	if m, _ := s.FindMatches(ctx(), []referral.Identifier{crn}, "namekey-c4"); m.Claimed[crn] != "c1" || len(m.ByNameAndBirth) != 0 {
		t.Errorf("claims or name index written by a refused referral: %+v", m)
	}
	if d, _ := s.GetCaseDetail(ctx(), "c1", ""); len(d.Referrals) != 1 {
		t.Errorf("case c1 has %d referral links, want 1", len(d.Referrals))
	}
}

// testConcurrentCreates: many requests with one key at once store one
// referral; every other is told the key is taken (or to try again).
func testConcurrentCreates(t *testing.T, h Harness) {
	s := h.New(t, clock.NewFixed(Now))
	const n = 8
	var ok atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.CreateReferral(ctx(), NewReferral(fmt.Sprintf("r%d", i), fmt.Sprintf("c%d", i), "same", Now))
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, store.ErrIdempotencyTaken), errors.Is(err, store.ErrTransactionConflict):
			default:
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if ok.Load() != 1 {
		t.Fatalf("%d creates succeeded, want 1", ok.Load())
	}
	rec, err := s.GetIdempotency(ctx(), "police", "same")
	must(t, err)
	found := 0
	for i := range n {
		if _, err := s.GetReferral(ctx(), fmt.Sprintf("r%d", i)); err == nil {
			found++
			if rec.ReferralID != fmt.Sprintf("r%d", i) {
				t.Errorf("the key names %s, the stored referral is r%d", rec.ReferralID, i)
			}
		}
	}
	if found != 1 {
		t.Errorf("%d referrals stored", found)
	}
}

// testAttach: a referral joining an open case adds its identifiers and
// name key to the case, bumps its version and takes its risk.
func testAttach(t *testing.T, h Harness) {
	s := h.New(t, clock.NewFixed(Now))
	must(t, s.CreateReferral(ctx(), NewReferral("r1", "c1", "k1", Now, crn)))
	later := Now.Add(time.Hour)
	nr := attach("r2", "c1", "k2", later, pnc)
	nr.NameKey = "namekey-other"
	nr.Referral.Body.CurrentRisk.Children = "very-high"
	must(t, s.CreateReferral(ctx(), nr))
	c, err := s.GetCase(ctx(), "c1")
	must(t, err)
	if c.Version != 2 || !slices.Equal(c.CRNs, []string{"X123456"}) || !slices.Equal(c.PNCs, []string{"08/0123456K"}) ||
		!slices.Equal(c.NameKeys, []string{"namekey-c1", "namekey-other"}) || c.Risk != "very-high" || !c.UpdatedAt.Equal(later) || !c.CreatedAt.Equal(Now) {
		t.Errorf("case after a second referral %+v", c)
	}
	d, err := s.GetCaseDetail(ctx(), "c1", "")
	must(t, err)
	if len(d.Referrals) != 2 || d.Referrals[0].ReferralID != "r1" || d.Referrals[1].ReferralID != "r2" {
		t.Errorf("links %+v, want r1 then r2", d.Referrals)
	}
	m, err := s.FindMatches(ctx(), []referral.Identifier{crn, pnc}, "namekey-other")
	must(t, err)
	if m.Claimed[crn] != "c1" || m.Claimed[pnc] != "c1" || !slices.Equal(m.ByNameAndBirth, []string{"c1"}) {
		t.Errorf("matches %+v", m)
	}
	// A referral with no risk leaves the case's risk as it was.
	nr = attach("r3", "c1", "k3", later.Add(time.Hour))
	nr.Referral.Body.CurrentRisk = referral.Referral{}.CurrentRisk
	must(t, s.CreateReferral(ctx(), nr))
	if c, _ := s.GetCase(ctx(), "c1"); c.Risk != "very-high" || c.Version != 3 {
		t.Errorf("case after a referral without risk %+v", c)
	}
}

// testUpdateReferral: the read-modify-write commits the state, the first
// classification (on the referral and its case), the decision and the
// effects; a closure's error writes nothing.
func testUpdateReferral(t *testing.T, h Harness) {
	clk := clock.NewFixed(Now)
	s := h.New(t, clk)
	must(t, s.CreateReferral(ctx(), NewReferral("r1", "c1", "k1", Now)))
	clk.Advance(time.Minute)
	body := referraltest.Referral()
	cls := referral.Classify(body, Now, clk.Now())
	out, err := s.UpdateReferral(ctx(), "r1", func(r *store.Referral) (store.ReferralEffects, error) {
		r.Status = referral.StatusClassified
		r.Classification = &cls
		r.Body.ReasonForReferral = "the body is never rewritten"
		r.Version = 99 // the store keeps the count
		return store.ReferralEffects{Effects: aggregate.Effects{
			Audit:  []audit.Entry{{ID: "audit-classify-r1", At: clk.Now(), Actor: "system:classify", Action: audit.ActionReferralClassify, Subject: "referral:r1"}},
			Outbox: []outbox.Message{{ID: "referral-new-r1", To: []string{"inbox@example.gov.uk"}, Subject: "New referral", Text: "t", HTML: "<p>t</p>"}},
		}}, nil
	})
	must(t, err)
	if out.Version != 2 || out.Status != referral.StatusClassified || !out.UpdatedAt.Equal(clk.Now()) || out.Body.ReasonForReferral == "the body is never rewritten" {
		t.Errorf("returned %+v", out)
	}
	r, err := s.GetReferral(ctx(), "r1")
	must(t, err)
	if r.Version != 2 || r.Status != referral.StatusClassified || r.Classification == nil || !r.UpdatedAt.Equal(clk.Now()) ||
		r.Body.ReasonForReferral != body.ReasonForReferral {
		t.Fatalf("read back %+v", r)
	}
	cb, _ := json.Marshal(cls)
	rb, _ := json.Marshal(r.Classification)
	if string(cb) != string(rb) {
		t.Errorf("classification read back differs:\n%s\n%s", rb, cb)
	}
	c, err := s.GetCase(ctx(), "c1")
	must(t, err)
	if c.Version != 2 || c.Classification == nil || c.SuggestedLevel() != cls.SuggestedLevel() {
		t.Errorf("case after classification %+v", c)
	}
	sum, _ := s.GetSummaries(ctx(), []string{"r1"})
	if s := sum["r1"]; s.Status != referral.StatusClassified || s.Outcome != cls.Result.Outcome || s.SuggestedLevel != cls.SuggestedLevel() ||
		s.ShortNotice != cls.ShortNotice() || s.PrimaryCategory != int(cls.Result.PrimaryCategory) {
		t.Errorf("summary after classification %+v", s)
	}

	clk.Advance(time.Minute)
	_, err = s.UpdateReferral(ctx(), "r1", decide(referral.DecisionAccept, "d1", referral.StatusClassified, referral.StatusAccepted, clk.Now()))
	must(t, err)
	r, hist, err := s.ReferralWithHistory(ctx(), "r1")
	must(t, err)
	if r.Version != 3 || r.Status != referral.StatusAccepted || r.Classification == nil || len(hist) != 1 {
		t.Fatalf("after a decision %+v %+v", r, hist)
	}
	if d := hist[0]; d.ID != "d1" || d.Kind != referral.DecisionAccept || d.Reason != "why d1" || d.Actor != "staff-1" || !d.At.Equal(clk.Now()) ||
		d.From != referral.StatusClassified || d.To != referral.StatusAccepted {
		t.Errorf("decision read back %+v", d)
	}
	if c, _ := s.GetCase(ctx(), "c1"); c.Version != 2 {
		t.Errorf("a decision changed the case: version %d", c.Version)
	}

	// The closure's own error: returned as is, nothing written.
	mine := errors.New("not allowed")
	_, err = s.UpdateReferral(ctx(), "r1", func(r *store.Referral) (store.ReferralEffects, error) {
		r.Status = referral.StatusDeclined
		return store.ReferralEffects{}, mine
	})
	if !errors.Is(err, mine) {
		t.Errorf("closure error came back as %v", err)
	}
	if r, _ := s.GetReferral(ctx(), "r1"); r.Version != 3 || r.Status != referral.StatusAccepted {
		t.Errorf("a refused change was written: %+v", r)
	}
	// Decisions come back oldest first.
	clk.Advance(time.Minute)
	for i, st := range []struct{ from, to referral.Status }{{referral.StatusAccepted, referral.StatusDeclined}, {referral.StatusDeclined, referral.StatusAccepted}} {
		_, err := s.UpdateReferral(ctx(), "r1", decide(referral.DecisionDecline, fmt.Sprintf("d%d", i+2), st.from, st.to, clk.Now().Add(time.Duration(i)*time.Nanosecond)))
		must(t, err)
	}
	_, hist, _ = s.ReferralWithHistory(ctx(), "r1")
	if len(hist) != 3 || hist[0].ID != "d1" || hist[1].ID != "d2" || hist[2].ID != "d3" {
		t.Errorf("history %+v", hist)
	}
}

// testUpdateReferralLostRace: a change committed between the read and
// the write makes the store read again and run the closure again on the
// new state: both changes are kept.
func testUpdateReferralLostRace(t *testing.T, h Harness) {
	clk := clock.NewFixed(Now)
	s := h.New(t, clk)
	must(t, s.CreateReferral(ctx(), NewReferral("r1", "c1", "k1", Now)))
	runs := 0
	var seen []int
	out, err := s.UpdateReferral(ctx(), "r1", func(r *store.Referral) (store.ReferralEffects, error) {
		runs++
		seen = append(seen, r.Version)
		if runs == 1 {
			// Another writer wins the race.
			if _, err := s.UpdateReferral(ctx(), "r1", decide(referral.DecisionInformation, "d-other", referral.StatusReceived, referral.StatusClassified, Now)); err != nil {
				return store.ReferralEffects{}, err
			}
		}
		d := referral.Decision{ID: "d-mine", Kind: referral.DecisionAccept, Actor: "staff-1", At: Now.Add(time.Second), From: r.Status, To: referral.StatusAccepted}
		r.Status = referral.StatusAccepted
		return store.ReferralEffects{Decision: &d}, nil
	})
	must(t, err)
	if runs != 2 || !slices.Equal(seen, []int{1, 2}) {
		t.Errorf("closure ran %d times on versions %v, want twice on 1 then 2", runs, seen)
	}
	r, hist, err := s.ReferralWithHistory(ctx(), "r1")
	must(t, err)
	if out.Version != 3 || r.Version != 3 || r.Status != referral.StatusAccepted || len(hist) != 2 || hist[0].ID != "d-other" || hist[1].ID != "d-mine" {
		t.Errorf("after the race: %+v %+v", r, hist)
	}

	// A record that changes under every attempt: ErrVersionConflict,
	// and the closure's own change is never written.
	must(t, s.CreateReferral(ctx(), NewReferral("r2", "c2", "k2", Now)))
	n := 0
	_, err = s.UpdateReferral(ctx(), "r2", func(r *store.Referral) (store.ReferralEffects, error) {
		n++
		if _, err := s.UpdateReferral(ctx(), "r2", func(*store.Referral) (store.ReferralEffects, error) { return store.ReferralEffects{}, nil }); err != nil {
			return store.ReferralEffects{}, err
		}
		r.Status = referral.StatusDeclined
		return store.ReferralEffects{}, nil
	})
	is(t, "always losing", err, store.ErrVersionConflict)
	if r, _ := s.GetReferral(ctx(), "r2"); r.Status != referral.StatusReceived || r.Version != 1+n {
		t.Errorf("after %d lost races: %+v", n, r)
	}
	if n < 2 {
		t.Errorf("gave up after %d attempts", n)
	}
}

// testUpdateReferralConditions: a create-only effect already written (a
// decision, an audit entry, an outbox message) refuses the whole change.
func testUpdateReferralConditions(t *testing.T, h Harness) {
	s := h.New(t, clock.NewFixed(Now))
	must(t, s.CreateReferral(ctx(), NewReferral("r1", "c1", "k1", Now)))
	_, err := s.UpdateReferral(ctx(), "r1", decide(referral.DecisionInformation, "d1", referral.StatusReceived, referral.StatusClassified, Now))
	must(t, err)
	msg := outbox.Message{ID: "m1", To: []string{"inbox@example.gov.uk"}, Subject: "s", Text: "t", HTML: "<p>t</p>"}
	_, err = s.UpdateReferral(ctx(), "r1", func(*store.Referral) (store.ReferralEffects, error) {
		return store.ReferralEffects{Effects: aggregate.Effects{Outbox: []outbox.Message{msg}}}, nil
	})
	must(t, err)
	for name, fn := range map[string]func(*store.Referral) (store.ReferralEffects, error){
		"the same decision again": decide(referral.DecisionAccept, "d1", referral.StatusClassified, referral.StatusAccepted, Now),
		"an audit id reused": func(r *store.Referral) (store.ReferralEffects, error) {
			eff, err := decide(referral.DecisionAccept, "d2", referral.StatusClassified, referral.StatusAccepted, Now.Add(time.Second))(r)
			eff.Audit[0].ID, eff.Audit[0].At = "audit-d1", Now
			return eff, err
		},
		"an outbox message queued twice": func(r *store.Referral) (store.ReferralEffects, error) {
			r.Status = referral.StatusAccepted
			return store.ReferralEffects{Effects: aggregate.Effects{Outbox: []outbox.Message{msg}}}, nil
		},
	} {
		_, err := s.UpdateReferral(ctx(), "r1", fn)
		if !errors.Is(err, store.ErrVersionConflict) {
			t.Errorf("%s: err %v, want ErrVersionConflict", name, err)
		}
		r, hist, _ := s.ReferralWithHistory(ctx(), "r1")
		if r.Version != 3 || r.Status != referral.StatusClassified || len(hist) != 1 {
			t.Errorf("%s: written despite the failed condition: version %d, %s, %d decisions", name, r.Version, r.Status, len(hist))
		}
	}
}

// testConcurrentDecisions: writers racing on one referral lose nothing
// and double nothing: every success is one version and one decision.
// Accepting marks the referral's case accepted (the cases stream carries
// it to the rota: supervision due in 4 weeks); a later acceptance keeps
// the first date; the rest of the case is untouched.
func testAcceptMarksTheCase(t *testing.T, h Harness) {
	clk := clock.NewFixed(Now)
	s := h.New(t, clk)
	must(t, s.CreateReferral(ctx(), NewReferral("r1", "c1", "k1", Now)))
	accept := func() {
		t.Helper()
		_, err := s.UpdateReferral(ctx(), "r1", func(r *store.Referral) (store.ReferralEffects, error) {
			return store.ReferralEffects{Accept: true}, nil
		})
		must(t, err)
	}
	before, err := s.GetCase(ctx(), "c1")
	must(t, err)
	if !before.AcceptedAt.IsZero() {
		t.Fatalf("a new case is accepted at %v", before.AcceptedAt)
	}
	clk.Advance(time.Hour)
	first := clk.Now()
	accept()
	clk.Advance(time.Hour)
	accept()
	c, err := s.GetCase(ctx(), "c1")
	must(t, err)
	if !c.AcceptedAt.Equal(first) || c.Version != before.Version+2 || len(c.CRNs) != len(before.CRNs) {
		t.Fatalf("after two acceptances: accepted %v version %d (before %d)", c.AcceptedAt, c.Version, before.Version)
	}
	// A later whole-case write keeps it.
	_, err = s.UpdateCase(ctx(), "c1", func(c *store.Case) (store.CaseEffects, error) { c.Level = 2; return store.CaseEffects{}, nil })
	must(t, err)
	if c, _ := s.GetCase(ctx(), "c1"); !c.AcceptedAt.Equal(first) {
		t.Errorf("a level change lost the acceptance: %v", c.AcceptedAt)
	}
}

func testConcurrentDecisions(t *testing.T, h Harness) {
	s := h.New(t, clock.NewFixed(Now))
	must(t, s.CreateReferral(ctx(), NewReferral("r1", "c1", "k1", Now)))
	const n = 5
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpdateReferral(ctx(), "r1", func(r *store.Referral) (store.ReferralEffects, error) {
				d := referral.Decision{ID: fmt.Sprintf("d%d", i), Kind: referral.DecisionInformation, Actor: "staff", At: Now.Add(time.Duration(i) * time.Second), From: r.Status, To: r.Status}
				return store.ReferralEffects{Decision: &d}, nil
			})
			if err == nil {
				ok.Add(1)
			} else if !errors.Is(err, store.ErrVersionConflict) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	r, hist, err := s.ReferralWithHistory(ctx(), "r1")
	must(t, err)
	if ok.Load() == 0 || r.Version != 1+int(ok.Load()) || len(hist) != int(ok.Load()) {
		t.Errorf("%d succeeded: version %d, %d decisions", ok.Load(), r.Version, len(hist))
	}
}

// testMerge: a possible match resolved as the same person moves the
// provisional case's referrals, claims and name keys to the target.
func testMerge(t *testing.T, h Harness) {
	clk := clock.NewFixed(Now)
	s := h.New(t, clk)
	must(t, s.CreateReferral(ctx(), NewReferral("rt", "target", "kt", Now, crn)))
	must(t, s.CreateReferral(ctx(), NewReferral("rp", "prov", "kp", Now.Add(time.Minute), pnc)))
	must(t, s.CreateReferral(ctx(), attach("rp2", "prov", "kp2", Now.Add(2*time.Minute))))
	must(t, s.CreateReferral(ctx(), NewReferral("rx", "other", "kx", Now)))
	must(t, s.CreateReferral(ctx(), NewReferral("ry", "gone", "ky", Now)))
	_, err := s.UpdateReferral(ctx(), "ry", func(r *store.Referral) (store.ReferralEffects, error) {
		r.CaseID = "other"
		return store.ReferralEffects{MergeInto: "other"}, nil
	})
	must(t, err)
	clk.Advance(time.Hour)

	for _, tc := range []struct {
		name, into string
		want       error
	}{
		{"into its own case", "prov", store.ErrVersionConflict},
		{"into a case that does not exist", "nope", store.ErrNotFound},
		{"into a merged case", "gone", store.ErrNotOpen},
	} {
		_, err := s.UpdateReferral(ctx(), "rp", func(r *store.Referral) (store.ReferralEffects, error) {
			r.CaseID = tc.into
			return store.ReferralEffects{MergeInto: tc.into}, nil
		})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.want)
		}
	}
	if c, _ := s.GetCase(ctx(), "prov"); c.Status != store.CaseOpen || c.Version != 2 {
		t.Fatalf("a refused merge changed the case: %+v", c)
	}

	d := referral.Decision{ID: "dm", Kind: "match:same-person", Actor: "staff-1", At: clk.Now(), From: referral.StatusReceived, To: referral.StatusReceived}
	out, err := s.UpdateReferral(ctx(), "rp", func(r *store.Referral) (store.ReferralEffects, error) {
		r.CaseID, r.MatchState = "target", referral.MatchResolvedSame
		return store.ReferralEffects{MergeInto: "target", Decision: &d}, nil
	})
	must(t, err)
	if out.CaseID != "target" || out.Version != 2 {
		t.Errorf("merged referral %+v", out)
	}
	prov, err := s.GetCase(ctx(), "prov")
	must(t, err)
	if prov.Status != store.CaseMerged || prov.MergedInto != "target" || prov.Version != 3 {
		t.Errorf("provisional case %+v", prov)
	}
	target, err := s.GetCase(ctx(), "target")
	must(t, err)
	if target.Status != store.CaseOpen || target.Version != 2 || !slices.Equal(target.CRNs, []string{"X123456"}) || !slices.Equal(target.PNCs, []string{"08/0123456K"}) ||
		!slices.Equal(target.NameKeys, []string{"namekey-prov", "namekey-target"}) || !target.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("target case %+v", target)
	}
	for _, id := range []string{"rp", "rp2"} {
		r, err := s.GetReferral(ctx(), id)
		must(t, err)
		if r.CaseID != "target" {
			t.Errorf("%s still in case %s", id, r.CaseID)
		}
	}
	if r, _ := s.GetReferral(ctx(), "rp2"); r.Version != 2 || !r.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("the other referral of the merged case: %+v", r)
	}
	det, err := s.GetCaseDetail(ctx(), "target", "")
	must(t, err)
	var ids []string
	for _, l := range det.Referrals {
		ids = append(ids, l.ReferralID)
	}
	if !slices.Equal(ids, []string{"rt", "rp", "rp2"}) {
		t.Errorf("target's referrals %v", ids)
	}
	if det, _ := s.GetCaseDetail(ctx(), "prov", ""); len(det.Referrals) != 0 || det.Case.Status != store.CaseMerged {
		t.Errorf("merged case still has referrals %+v", det)
	}
	m, err := s.FindMatches(ctx(), []referral.Identifier{crn, pnc}, "namekey-prov")
	must(t, err)
	if m.Claimed[crn] != "target" || m.Claimed[pnc] != "target" || !slices.Equal(m.ByNameAndBirth, []string{"target"}) {
		t.Errorf("matches after the merge %+v", m)
	}
	_, hist, _ := s.ReferralWithHistory(ctx(), "rp")
	if len(hist) != 1 || hist[0].ID != "dm" {
		t.Errorf("history %+v", hist)
	}
}

// testUpdateCase: the case's read-modify-write with its level and traffic
// light history; conditions and the lost race as for referrals.
func testUpdateCase(t *testing.T, h Harness) {
	clk := clock.NewFixed(Now)
	s := h.New(t, clk)
	must(t, s.CreateReferral(ctx(), NewReferral("r1", "c1", "k1", Now)))
	clk.Advance(time.Minute)
	level := referral.LevelChange{ID: "l1", Action: referral.LevelSet, Level: 2, SuggestedLevel: 2, Reason: "panel",
		MeetingDate: mustDate("2026-11-20"), Actor: "staff-1", At: clk.Now()}
	rag := referral.RAGChange{ID: "g1", RAG: referral.RAGAmber, Reason: "new address", Actor: "staff-1", At: clk.Now()}
	out, err := s.UpdateCase(ctx(), "c1", func(c *store.Case) (store.CaseEffects, error) {
		c.Level, c.RAG = 2, referral.RAGAmber
		c.Version = 42
		return store.CaseEffects{Level: &level, RAG: &rag, Effects: aggregate.Effects{Audit: []audit.Entry{{
			ID: "audit-level", At: clk.Now(), Actor: "staff-1", Action: audit.ActionCaseLevel, Subject: "case:c1", CaseID: "c1"}}}}, nil
	})
	must(t, err)
	if out.Version != 2 || out.Level != 2 || !out.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("returned %+v", out)
	}
	d, err := s.GetCaseDetail(ctx(), "c1", "")
	must(t, err)
	if d.Case.Version != 2 || d.Case.Level != 2 || d.Case.RAG != referral.RAGAmber || len(d.Levels) != 1 || len(d.RAGs) != 1 {
		t.Fatalf("detail %+v", d)
	}
	if l := d.Levels[0]; l.ID != "l1" || l.Action != referral.LevelSet || l.Level != 2 || l.SuggestedLevel != 2 || l.Reason != "panel" ||
		l.MeetingDate != level.MeetingDate || l.Actor != "staff-1" || !l.At.Equal(clk.Now()) {
		t.Errorf("level read back %+v", l)
	}
	if g := d.RAGs[0]; g.ID != "g1" || g.RAG != referral.RAGAmber || g.Reason != "new address" || g.Actor != "staff-1" || !g.At.Equal(clk.Now()) {
		t.Errorf("traffic light read back %+v", g)
	}

	mine := errors.New("no")
	if _, err := s.UpdateCase(ctx(), "c1", func(c *store.Case) (store.CaseEffects, error) { c.Level = 3; return store.CaseEffects{}, mine }); !errors.Is(err, mine) {
		t.Errorf("closure error came back as %v", err)
	}
	if _, err := s.UpdateCase(ctx(), "c1", func(c *store.Case) (store.CaseEffects, error) {
		c.Level = 3
		return store.CaseEffects{Level: &level}, nil
	}); !errors.Is(err, store.ErrVersionConflict) {
		t.Errorf("the same level change twice: %v", err)
	}
	if c, _ := s.GetCase(ctx(), "c1"); c.Version != 2 || c.Level != 2 {
		t.Errorf("refused changes written: %+v", c)
	}

	runs := 0
	_, err = s.UpdateCase(ctx(), "c1", func(c *store.Case) (store.CaseEffects, error) {
		runs++
		if runs == 1 {
			if _, err := s.UpdateCase(ctx(), "c1", func(c *store.Case) (store.CaseEffects, error) {
				c.RAG = referral.RAGRed
				return store.CaseEffects{}, nil
			}); err != nil {
				return store.CaseEffects{}, err
			}
		}
		c.Level = 3
		return store.CaseEffects{}, nil
	})
	must(t, err)
	if c, _ := s.GetCase(ctx(), "c1"); runs != 2 || c.Version != 4 || c.Level != 3 || c.RAG != referral.RAGRed {
		t.Errorf("after a lost race (%d runs): %+v", runs, c)
	}
}

// testCaseHistoryPages: the case view reads at most CaseHistoryPage items
// a page, oldest first, continued by a cursor only that case accepts.
func testCaseHistoryPages(t *testing.T, h Harness) {
	clk := clock.NewFixed(Now)
	s := h.New(t, clk)
	must(t, s.CreateReferral(ctx(), NewReferral("r1", "c1", "k1", Now)))
	must(t, s.CreateReferral(ctx(), NewReferral("r2", "c2", "k2", Now)))
	// Each change adds a level and a traffic-light item: 2 x 53 history
	// items, the case and its referral link make 108 items, over 100.
	const changes = store.CaseHistoryPage/2 + 3
	for i := range changes {
		clk.Advance(time.Second)
		l := referral.LevelChange{ID: fmt.Sprintf("l%03d", i), Action: referral.LevelSet, Level: 1 + i%3, Actor: "staff-1", At: clk.Now()}
		g := referral.RAGChange{ID: fmt.Sprintf("g%03d", i), RAG: referral.RAGGreen, Reason: "r", Actor: "staff-1", At: clk.Now()}
		_, err := s.UpdateCase(ctx(), "c1", func(*store.Case) (store.CaseEffects, error) { return store.CaseEffects{Level: &l, RAG: &g}, nil })
		must(t, err)
	}
	first, err := s.GetCaseDetail(ctx(), "c1", "")
	must(t, err)
	// The case item, then LEVEL#, RAG# and REFERRAL# items in key order.
	onFirst := store.CaseHistoryPage - 1 - changes
	if first.Case.ID != "c1" || len(first.Levels) != changes || first.Levels[0].ID != "l000" || len(first.RAGs) != onFirst || first.RAGs[0].ID != "g000" ||
		len(first.Referrals) != 0 || first.Next == "" {
		t.Fatalf("first page: %d levels, %d traffic lights, %d referrals, next %q", len(first.Levels), len(first.RAGs), len(first.Referrals), first.Next)
	}
	second, err := s.GetCaseDetail(ctx(), "c1", first.Next)
	must(t, err)
	if second.Case.ID != "c1" || second.Case.Version != 1+changes || len(second.Levels) != 0 || len(second.RAGs) != changes-onFirst ||
		second.RAGs[0].ID != fmt.Sprintf("g%03d", onFirst) || len(second.Referrals) != 1 || second.Next != "" {
		t.Fatalf("second page: %+v", second)
	}
	for _, c := range []string{"!!", "e30", first.Next + "x"} {
		if _, err := s.GetCaseDetail(ctx(), "c1", c); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("cursor %q: %v", c, err)
		}
	}
	if _, err := s.GetCaseDetail(ctx(), "c2", first.Next); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("another case's cursor: %v", err)
	}
}

// testList: the queue's lists, most urgent first (every referral here
// invites to the same meeting, so the longest waiting first), all or by
// status, in pages; a decided referral after every open one.
func testList(t *testing.T, h Harness) {
	clk := clock.NewFixed(Now)
	s := h.New(t, clk)
	for i := range 5 {
		must(t, s.CreateReferral(ctx(), NewReferral(fmt.Sprintf("r%d", i), fmt.Sprintf("c%d", i), fmt.Sprintf("k%d", i), Now.Add(time.Duration(i)*time.Minute))))
	}
	for _, id := range []string{"r1", "r3"} {
		_, err := s.UpdateReferral(ctx(), id, decide(referral.DecisionInformation, "d-"+id, referral.StatusReceived, referral.StatusClassified, Now))
		must(t, err)
	}
	ids := func(p store.Page) []string {
		var out []string
		for _, r := range p.Referrals {
			out = append(out, r.ID)
		}
		return out
	}
	all, err := s.ListReferrals(ctx(), store.ListQuery{})
	must(t, err)
	if !slices.Equal(ids(all), []string{"r0", "r1", "r2", "r3", "r4"}) || all.Next != "" {
		t.Errorf("all: %v next %q", ids(all), all.Next)
	}
	if all.Referrals[3].Status != referral.StatusClassified || all.Referrals[3].FamilyName == "" || all.Referrals[3].CaseID != "c3" || all.Referrals[3].MeetingDate != "2026-12-10" {
		t.Errorf("summary in the list %+v", all.Referrals[3])
	}
	p1, err := s.ListReferrals(ctx(), store.ListQuery{Status: referral.StatusReceived, Limit: 2})
	must(t, err)
	if !slices.Equal(ids(p1), []string{"r0", "r2"}) || p1.Next == "" {
		t.Fatalf("received, page 1: %v next %q", ids(p1), p1.Next)
	}
	p2, err := s.ListReferrals(ctx(), store.ListQuery{Status: referral.StatusReceived, Limit: 2, Cursor: p1.Next})
	must(t, err)
	if !slices.Equal(ids(p2), []string{"r4"}) || p2.Next != "" {
		t.Fatalf("received, page 2: %v next %q", ids(p2), p2.Next)
	}
	cl, err := s.ListReferrals(ctx(), store.ListQuery{Status: referral.StatusClassified})
	must(t, err)
	if !slices.Equal(ids(cl), []string{"r1", "r3"}) {
		t.Errorf("classified: %v", ids(cl))
	}
	a1, err := s.ListReferrals(ctx(), store.ListQuery{Limit: 3})
	must(t, err)
	a2, err := s.ListReferrals(ctx(), store.ListQuery{Limit: 3, Cursor: a1.Next})
	must(t, err)
	if !slices.Equal(append(ids(a1), ids(a2)...), []string{"r0", "r1", "r2", "r3", "r4"}) || a2.Next != "" {
		t.Errorf("all in pages of 3: %v %v", ids(a1), ids(a2))
	}
	// Exactly a page left: no Next leading to an empty page.
	if e1, err := s.ListReferrals(ctx(), store.ListQuery{Status: referral.StatusClassified, Limit: 2}); err != nil || len(e1.Referrals) != 2 || e1.Next != "" {
		t.Errorf("classified in a page of 2: %+v %v", e1, err)
	}
	if none, err := s.ListReferrals(ctx(), store.ListQuery{Status: referral.StatusDeclined}); err != nil || len(none.Referrals) != 0 || none.Next != "" {
		t.Errorf("declined: %+v %v", none, err)
	}
	for _, q := range []store.ListQuery{
		{Cursor: p1.Next}, // a received cursor on the all-referrals list
		{Status: referral.StatusClassified, Cursor: p1.Next},
		{Status: referral.StatusReceived, Cursor: "!!"},
		{Status: referral.StatusReceived, Cursor: "e30"}, // {}
	} {
		if _, err := s.ListReferrals(ctx(), q); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("%+v: %v", q, err)
		}
	}
}

// testQueue: the counts per status follow every status change; a search
// finds a referral by each identifier written the usual ways, by its
// agency reference and by name (family name; first given and family
// name; an alias), case and accents ignored, and nothing else; the
// referrals of some cases are exactly theirs.
func testQueue(t *testing.T, h Harness) {
	s := h.New(t, clock.NewFixed(Now))
	// r1: the fixture (Samuel O'Testperson, alias Sam Testperson, X123456,
	// 08/0123456K, C-000123, TVP-PPU-2026-00123). r2: someone else.
	must(t, s.CreateReferral(ctx(), NewReferral("r1", "c1", "k1", Now)))
	other := NewReferral("r2", "c2", "k2", Now.Add(time.Minute))
	other.Referral.Body.AgencyReference = "MPS-2026-9"
	other.Referral.Body.Person.GivenNames, other.Referral.Body.Person.FamilyName, other.Referral.Body.Person.Aliases = "Anne", "de Souza", nil
	other.Referral.Body.Person.Identifiers = referral.Identifiers{CRN: "A000001"}
	must(t, s.CreateReferral(ctx(), other))
	must(t, s.CreateReferral(ctx(), NewReferral("r3", "c3", "k3", Now.Add(2*time.Minute))))

	counts, err := s.QueueCounts(ctx())
	must(t, err)
	if counts[referral.StatusReceived] != 3 || counts[referral.StatusClassified] != 0 || len(counts) != len(referral.Statuses) {
		t.Errorf("counts %v", counts)
	}
	if res, err := s.SearchReferrals(ctx(), "X123456"); err != nil || len(res.Referrals) != 0 {
		t.Errorf("found before classification (search entries come with it): %+v %v", res, err)
	}
	classify := func(id string) {
		t.Helper()
		_, err := s.UpdateReferral(ctx(), id, func(r *store.Referral) (store.ReferralEffects, error) {
			cls := referral.Classify(r.Body, Now, Now)
			r.Status, r.Classification = referral.StatusClassified, &cls
			return store.ReferralEffects{}, nil
		})
		must(t, err)
	}
	classify("r1")
	classify("r2")
	classify("r3")
	_, err = s.UpdateReferral(ctx(), "r3", decide(referral.DecisionDecline, "d2-r3", referral.StatusClassified, referral.StatusDeclined, Now))
	must(t, err)
	_, err = s.UpdateReferral(ctx(), "r1", decide(referral.DecisionAccept, "d-r1", referral.StatusClassified, referral.StatusAccepted, Now))
	must(t, err)
	counts, err = s.QueueCounts(ctx())
	must(t, err)
	if counts[referral.StatusReceived] != 0 || counts[referral.StatusClassified] != 1 || counts[referral.StatusDeclined] != 1 || counts[referral.StatusAccepted] != 1 {
		t.Errorf("counts after the decisions %v", counts)
	}

	for q, want := range map[string]string{
		"X123456": "r1,r3", " x123456 ": "r1,r3", // CRN
		"08/0123456K": "r1,r3", "2008/123456k": "r1,r3", // PNC
		"C-000123": "r1,r3", "c000123": "r1,r3", // council number
		"tvp ppu 2026 00123": "r1,r3", "MPS-2026-9": "r2", // agency reference
		"O'Testperson": "r1,r3", "otestperson": "r1,r3", "SAMUEL otestPERSON": "r1,r3", // name
		"Testperson": "r1,r3", "Sam Testperson": "r1,r3", // alias
		"de Souza": "r2", "Anne de Souza": "r2", "Anne Maria de Souza": "r2", "a000001": "r2",
		"Samuel": "", "Testpers": "", "X123457": "", "": "",
	} {
		res, err := s.SearchReferrals(ctx(), q)
		must(t, err)
		var got []string
		for _, r := range res.Referrals {
			got = append(got, r.ID)
		}
		slices.Sort(got)
		if strings.Join(got, ",") != want || res.More {
			t.Errorf("search %q found %v (more %v), want %q", q, got, res.More, want)
		}
	}

	rs, err := s.ReferralsOfCases(ctx(), []string{"c2", "c3", "nope"})
	must(t, err)
	var got []string
	for _, r := range rs {
		got = append(got, r.ID+":"+string(r.Status))
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"r2:classified", "r3:declined"}) {
		t.Errorf("referrals of c2 and c3: %v", got)
	}
}
