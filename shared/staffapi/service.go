// Package staffapi is the staff side of referrals and cases: who am I, the
// referral work list, entering a referral received by email, reading a
// referral with its classification and decisions, deciding it, resolving a
// possible match, reading a case and confirming or setting its level.
//
// Every read of referral or case data writes an audit entry before the data
// is returned; every write carries its audit entry in its own transaction.
//
// Access follows shared/access: the gate of each route is access.Policy
// and every read goes through CaseAccess, so lists never hold a row the
// caller may not see (docs/security.md).
package staffapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/intake"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Store is what the staff API needs from storage (*store.Store satisfies it).
type Store interface {
	GetReferral(ctx context.Context, id string) (store.Referral, error)
	ReferralWithHistory(ctx context.Context, id string) (store.Referral, []referral.Decision, error)
	ListReferrals(ctx context.Context, q store.ListQuery) (store.Page, error)
	Decide(ctx context.Context, referralID string, expectedVersion int, d referral.Decision, entries []audit.Entry, emails ...outbox.Message) error
	ResolveMatch(ctx context.Context, m store.MatchResolution) error
	GetCase(ctx context.Context, id string) (store.Case, error)
	GetCaseDetail(ctx context.Context, id string) (store.CaseDetail, error)
	GetReferrals(ctx context.Context, ids []string) (map[string]store.Referral, error)
	SetLevel(ctx context.Context, caseID string, expectedVersion int, l referral.LevelChange, entries []audit.Entry) error
	SetRAG(ctx context.Context, caseID string, expectedVersion int, c referral.RAGChange, entries []audit.Entry) error
}

var _ Store = (*store.Store)(nil)

// Auditor records stand-alone audit entries (reads).
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// CaseAccess gives the cases a member of staff may see: the row rules of
// shared/access (access.Cases implements it). Every read of a case, a
// referral or a list goes through it.
type CaseAccess interface {
	ScopeOf(ctx context.Context, who auth.Identity) (access.Scope, error)
}

// Errors the service returns besides storage failures.
var (
	ErrNotFound  = errors.New("staffapi: not found")
	ErrForbidden = errors.New("staffapi: not allowed")
	// ErrStale: the version the caller sent is not the current one.
	ErrStale = errors.New("staffapi: stale version")
	// ErrState: the thing is not in a state that allows this (a decision
	// on an unclassified referral, a match already resolved, a merged case).
	ErrState = errors.New("staffapi: not possible in the current state")
)

// Service is the staff API's application logic.
type Service struct {
	store  Store
	intake *intake.Service
	audit  Auditor
	access CaseAccess
	clock  clock.Clock
	ids    ids.Generator
}

// New returns a Service. ca nil means access.Cases with no assignments:
// business support officers see every case, everyone else none.
func New(st Store, in *intake.Service, aud Auditor, ca CaseAccess, clk clock.Clock, gen ids.Generator) *Service {
	if ca == nil {
		ca = access.Cases{}
	}
	return &Service{store: st, intake: in, audit: aud, access: ca, clock: clk, ids: gen}
}

// canSee reports whether a may see caseID (ErrForbidden if not).
func (s *Service) canSee(ctx context.Context, a Actor, caseID string) error {
	scope, err := s.access.ScopeOf(ctx, a.Identity)
	if err != nil {
		return err
	}
	if !scope.Has(caseID) {
		return ErrForbidden
	}
	return nil
}

// Actor is who makes a request and from where, for audit entries.
type Actor struct {
	Identity  auth.Identity
	RequestID string
	Route     string
}

func (s *Service) entry(a Actor, action audit.Action, subject, caseID string) audit.Entry {
	return audit.Entry{
		ID: s.ids.New(), At: s.clock.Now(), Actor: a.Identity.Subject, Action: action,
		Subject: subject, CaseID: caseID, Reason: a.Route, RequestID: a.RequestID,
	}
}

func notFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

func versionCheck(want, current int) error {
	if want != 0 && want != current {
		return fmt.Errorf("%w: you have version %d, the current version is %d", ErrStale, want, current)
	}
	return nil
}

// ReferralView is a referral with its decision history.
type ReferralView struct {
	Referral  store.Referral
	Decisions []referral.Decision
}

// Referral returns the referral and its history after auditing the read.
func (s *Service) Referral(ctx context.Context, a Actor, id string) (ReferralView, error) {
	r, hist, err := s.store.ReferralWithHistory(ctx, id)
	if err != nil {
		return ReferralView{}, notFound(err)
	}
	if err := s.canSee(ctx, a, r.CaseID); err != nil {
		return ReferralView{}, err
	}
	if err := s.audit.Record(ctx, s.entry(a, audit.ActionReferralRead, "referral:"+r.ID, r.CaseID)); err != nil {
		return ReferralView{}, err
	}
	return ReferralView{Referral: r, Decisions: hist}, nil
}

// List returns a page of referrals after auditing the read of each one
// listed (the list shows names).
func (s *Service) List(ctx context.Context, a Actor, q store.ListQuery) (store.Page, error) {
	scope, err := s.access.ScopeOf(ctx, a.Identity)
	if err != nil {
		return store.Page{}, err
	}
	p, err := s.store.ListReferrals(ctx, q)
	if err != nil {
		return store.Page{}, err
	}
	// Row rules: a page holds only referrals of cases the caller may see
	// (a page may then be shorter than the limit; next still continues).
	p.Referrals = slices.DeleteFunc(p.Referrals, func(r store.Referral) bool { return !scope.Has(r.CaseID) })
	errs := make([]error, len(p.Referrals))
	var wg sync.WaitGroup
	for i, r := range p.Referrals {
		wg.Go(func() {
			errs[i] = s.audit.Record(ctx, s.entry(a, audit.ActionReferralList, "referral:"+r.ID, r.CaseID))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return store.Page{}, err
	}
	return p, nil
}

// Outline is what the work list shows of a referral's classification.
type Outline struct {
	// Outcome is eligible, not-eligible or cannot-decide; empty before
	// classification.
	Outcome eligibility.Outcome
	// PrimaryCategory is 1-4 for an eligible person, otherwise 0.
	PrimaryCategory int
	// ShortNotice is true when the meeting invitation gave less notice
	// than classify.ShortNoticeDays.
	ShortNotice bool
}

// OutlineOf reads the outcome, primary category and short notice from a
// stored classification ({"result": {...}, "suggestedLevel": n,
// "classifiedAt": t}), decoding only those fields. A nil classification
// (not classified yet) gives the zero Outline; one that is not that shape
// gives the zero Outline and an error.
func OutlineOf(classification json.RawMessage) (Outline, error) {
	if len(classification) == 0 || string(classification) == "null" {
		return Outline{}, nil
	}
	var c struct {
		Result struct {
			Outcome         eligibility.Outcome `json:"outcome"`
			PrimaryCategory int                 `json:"primaryCategory"`
			ShortNotice     bool                `json:"shortNotice"`
		} `json:"result"`
	}
	if err := json.Unmarshal(classification, &c); err != nil {
		return Outline{}, fmt.Errorf("staffapi: read classification: %w", err)
	}
	r := c.Result
	if !slices.Contains(eligibility.Outcomes, r.Outcome) {
		return Outline{}, fmt.Errorf("staffapi: read classification: unknown outcome %q", r.Outcome)
	}
	o := Outline{Outcome: r.Outcome, ShortNotice: r.ShortNotice}
	if r.Outcome == eligibility.Eligible && r.PrimaryCategory >= 1 && r.PrimaryCategory <= 4 {
		o.PrimaryCategory = r.PrimaryCategory
	}
	return o, nil
}

// Decide records a business support officer's decision on a referral.
// version is the version the officer saw (0: the current one).
func (s *Service) Decide(ctx context.Context, a Actor, id string, q referral.DecisionRequest, version int) (store.Referral, referral.Decision, error) {
	r, err := s.store.GetReferral(ctx, id)
	if err != nil {
		return store.Referral{}, referral.Decision{}, notFound(err)
	}
	if err := s.canSee(ctx, a, r.CaseID); err != nil {
		return store.Referral{}, referral.Decision{}, err
	}
	if err := versionCheck(version, r.Version); err != nil {
		return store.Referral{}, referral.Decision{}, err
	}
	to, err := referral.Decide(r.Status, q.Decision)
	if err != nil {
		return store.Referral{}, referral.Decision{}, fmt.Errorf("%w: %w", ErrState, err)
	}
	now := s.clock.Now()
	d := referral.Decision{ID: s.ids.New(), Kind: q.Decision, Reason: q.Reason, Actor: a.Identity.Subject, At: now, From: r.Status, To: to}
	e := s.entry(a, audit.ActionReferralDecide, "referral:"+r.ID, r.CaseID)
	e.Reason = a.Route + " decision=" + string(q.Decision)
	emails, err := referrerEmails(r, d)
	if err != nil {
		return store.Referral{}, referral.Decision{}, err
	}
	if err := s.store.Decide(ctx, r.ID, r.Version, d, []audit.Entry{e}, emails...); err != nil {
		if errors.Is(err, store.ErrVersionConflict) {
			return store.Referral{}, referral.Decision{}, fmt.Errorf("%w: the referral changed meanwhile", ErrStale)
		}
		return store.Referral{}, referral.Decision{}, err
	}
	r.Status, r.Version, r.UpdatedAt = to, r.Version+1, now
	return r, d, nil
}

// ResolveMatch records whether a referral's possible match is the same
// person. For same-person the referral moves to the chosen case and its
// provisional case is marked merged into it.
func (s *Service) ResolveMatch(ctx context.Context, a Actor, id string, q referral.MatchRequest, version int) (store.Referral, error) {
	r, err := s.store.GetReferral(ctx, id)
	if err != nil {
		return store.Referral{}, notFound(err)
	}
	if err := s.canSee(ctx, a, r.CaseID); err != nil {
		return store.Referral{}, err
	}
	if err := versionCheck(version, r.Version); err != nil {
		return store.Referral{}, err
	}
	if r.MatchState != referral.MatchPending {
		return store.Referral{}, fmt.Errorf("%w: the referral has no possible match waiting", ErrState)
	}
	if q.Decision == referral.MatchSamePerson && !slices.Contains(r.PossibleMatches, q.CaseID) {
		return store.Referral{}, invalid("/caseId", "must be one of the referral's possible matches")
	}
	now := s.clock.Now()
	hist := referral.Decision{
		ID: s.ids.New(), Kind: referral.DecisionKind("match:" + string(q.Decision)), Actor: a.Identity.Subject,
		At: now, From: r.Status, To: r.Status,
	}
	entries := []audit.Entry{s.entry(a, audit.ActionReferralMatch, "referral:"+r.ID, r.CaseID)}
	entries[0].Reason = a.Route + " decision=" + string(q.Decision)
	if q.Decision == referral.MatchSamePerson {
		hist.Reason = "same person as case " + q.CaseID
		entries[0].CaseID = q.CaseID
		merge := s.entry(a, audit.ActionReferralMatch, "case:"+r.CaseID, r.CaseID)
		merge.Reason = a.Route + " merged-into=" + q.CaseID
		entries = append(entries, merge)
	}
	err = s.store.ResolveMatch(ctx, store.MatchResolution{
		ReferralID: r.ID, ExpectedVersion: r.Version, Decision: q.Decision, TargetCaseID: q.CaseID,
		History: hist, Audit: entries,
	})
	switch {
	case errors.Is(err, store.ErrVersionConflict):
		return store.Referral{}, fmt.Errorf("%w: the referral or a case changed meanwhile", ErrStale)
	case errors.Is(err, store.ErrNotOpen):
		return store.Referral{}, fmt.Errorf("%w: case %s was merged into another", ErrState, q.CaseID)
	case errors.Is(err, store.ErrNotFound):
		return store.Referral{}, invalid("/caseId", "is not a case")
	case err != nil:
		return store.Referral{}, err
	}
	r.Version++
	r.UpdatedAt = now
	if q.Decision == referral.MatchSamePerson {
		r.CaseID, r.MatchState = q.CaseID, referral.MatchResolvedSame
	} else {
		r.MatchState = referral.MatchResolvedDiffers
	}
	return r, nil
}

// CaseView is a case with its referrals and level history.
type CaseView struct {
	Detail    store.CaseDetail
	Referrals map[string]store.Referral
}

// Case returns the case after checking access and auditing the read.
func (s *Service) Case(ctx context.Context, a Actor, id string) (CaseView, error) {
	if err := s.canSee(ctx, a, id); err != nil {
		return CaseView{}, err
	}
	d, err := s.store.GetCaseDetail(ctx, id)
	if err != nil {
		return CaseView{}, notFound(err)
	}
	refIDs := make([]string, len(d.Referrals))
	for i, l := range d.Referrals {
		refIDs[i] = l.ReferralID
	}
	refs, err := s.store.GetReferrals(ctx, refIDs)
	if err != nil {
		return CaseView{}, err
	}
	if err := s.audit.Record(ctx, s.entry(a, audit.ActionCaseRead, "case:"+id, id)); err != nil {
		return CaseView{}, err
	}
	return CaseView{Detail: d, Referrals: refs}, nil
}

// SetLevel confirms the suggested level of a case or sets another.
func (s *Service) SetLevel(ctx context.Context, a Actor, id string, q referral.LevelRequest, version int) (store.Case, referral.LevelChange, error) {
	if err := s.canSee(ctx, a, id); err != nil {
		return store.Case{}, referral.LevelChange{}, err
	}
	if err := levelAuthority(a.Identity, q, civil.Today(s.clock.Now())); err != nil {
		return store.Case{}, referral.LevelChange{}, err
	}
	c, err := s.store.GetCase(ctx, id)
	if err != nil {
		return store.Case{}, referral.LevelChange{}, notFound(err)
	}
	if c.Status != store.CaseOpen {
		return store.Case{}, referral.LevelChange{}, fmt.Errorf("%w: the case was merged into case %s", ErrState, c.MergedInto)
	}
	if err := versionCheck(version, c.Version); err != nil {
		return store.Case{}, referral.LevelChange{}, err
	}
	level, verrs := referral.ResolveLevel(q, c.SuggestedLevel, neverLevel1(c.Classification))
	if !verrs.OK() {
		return store.Case{}, referral.LevelChange{}, verrs
	}
	if c.Level != 0 && level == c.Level {
		// Nothing would change: recording "level 2 (was 2)" helps nobody.
		return store.Case{}, referral.LevelChange{}, invalid("/level", fmt.Sprintf("is already level %d: choose a different level to change it", level))
	}
	now := s.clock.Now()
	l := referral.LevelChange{
		ID: s.ids.New(), Action: q.Action, Level: level, PreviousLevel: c.Level, SuggestedLevel: c.SuggestedLevel,
		Reason: q.Reason, MeetingDate: q.MeetingDate, Actor: a.Identity.Subject, At: now,
	}
	e := s.entry(a, audit.ActionCaseLevel, "case:"+c.ID, c.ID)
	e.Reason = fmt.Sprintf("%s action=%s level=%d", a.Route, q.Action, level)
	if err := s.store.SetLevel(ctx, c.ID, c.Version, l, []audit.Entry{e}); err != nil {
		if errors.Is(err, store.ErrVersionConflict) {
			return store.Case{}, referral.LevelChange{}, fmt.Errorf("%w: the case changed meanwhile", ErrStale)
		}
		return store.Case{}, referral.LevelChange{}, err
	}
	c.Level, c.Version, c.UpdatedAt = level, c.Version+1, now
	return c, l, nil
}

// levelAuthority applies the level rule of the access policy: service
// managers and heads of service decide levels; a business support officer
// (without either role) only records the level a MAPPA meeting decided,
// giving the meeting's date as the source, and cannot overrule it.
func levelAuthority(who auth.Identity, q referral.LevelRequest, today civil.Date) error {
	if !q.MeetingDate.IsZero() && q.MeetingDate.After(today) {
		return validation.Errors{{Pointer: "/meetingDate", Detail: "must not be in the future: record a level after the meeting decided it"}}
	}
	if who.HasAny(auth.RoleServiceMgr, auth.RoleHeadOfService) {
		return nil
	}
	if q.MeetingDate.IsZero() {
		return validation.Errors{{Pointer: "/meetingDate", Detail: "is required: business support officers record the level a MAPPA meeting decided, with the meeting's date; service managers and heads of service decide levels"}}
	}
	return nil
}

// referrerEmails is the email to the referrer that a decision sends, in the
// decision's own transaction: when more information is needed or the
// referral is declined, and the referral gave the referrer's address. It
// says ids only; the reason is read through the agency API.
func referrerEmails(r store.Referral, d referral.Decision) ([]outbox.Message, error) {
	if d.Kind != referral.DecisionMoreInformation && d.Kind != referral.DecisionDecline {
		return nil, nil
	}
	to := strings.TrimSpace(r.Body.Referrer.Email)
	if to == "" {
		return nil, nil
	}
	m, err := outbox.NewReferrerUpdateEmail(outbox.ReferrerUpdate{
		To: to, ReferralID: r.ID, DecisionID: d.ID, MoreInformation: d.Kind == referral.DecisionMoreInformation,
	})
	if err != nil {
		return nil, fmt.Errorf("staffapi: referrer email: %w", err)
	}
	return []outbox.Message{m}, nil
}

// SetRAG sets a case's traffic light with a reason; the change is kept.
// Setting the colour it already has is refused (nothing would change).
func (s *Service) SetRAG(ctx context.Context, a Actor, id string, q referral.RAGRequest, version int) (store.Case, referral.RAGChange, error) {
	if err := s.canSee(ctx, a, id); err != nil {
		return store.Case{}, referral.RAGChange{}, err
	}
	c, err := s.store.GetCase(ctx, id)
	if err != nil {
		return store.Case{}, referral.RAGChange{}, notFound(err)
	}
	if c.Status != store.CaseOpen {
		return store.Case{}, referral.RAGChange{}, fmt.Errorf("%w: the case was merged into case %s", ErrState, c.MergedInto)
	}
	if err := versionCheck(version, c.Version); err != nil {
		return store.Case{}, referral.RAGChange{}, err
	}
	if c.RAG == q.RAG {
		return store.Case{}, referral.RAGChange{}, invalid("/rag", fmt.Sprintf("is already %s: choose a different colour to change it", q.RAG))
	}
	now := s.clock.Now()
	ch := referral.RAGChange{ID: s.ids.New(), RAG: q.RAG, Previous: c.RAG, Reason: q.Reason, Actor: a.Identity.Subject, At: now}
	e := s.entry(a, audit.ActionCaseRAG, "case:"+c.ID, c.ID)
	e.Reason = a.Route + " rag=" + string(q.RAG)
	if err := s.store.SetRAG(ctx, c.ID, c.Version, ch, []audit.Entry{e}); err != nil {
		if errors.Is(err, store.ErrVersionConflict) {
			return store.Case{}, referral.RAGChange{}, fmt.Errorf("%w: the case changed meanwhile", ErrStale)
		}
		return store.Case{}, referral.RAGChange{}, err
	}
	c.RAG, c.Version, c.UpdatedAt = q.RAG, c.Version+1, now
	return c, ch, nil
}
