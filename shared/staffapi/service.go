// Package staffapi is the staff side of referrals and cases: who am I, the
// referrals queue (most urgent first, counts, search, possible duplicates
// grouped; queue.go), entering a referral received by email, reading a
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
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/intake"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Store is what the staff API needs from storage (*store.Store satisfies it).
type Store interface {
	ReferralWithHistory(ctx context.Context, id string) (store.Referral, []referral.Decision, error)
	ListReferrals(ctx context.Context, q store.ListQuery) (store.Page, error)
	QueueCounts(ctx context.Context) (map[referral.Status]int, error)
	SearchReferrals(ctx context.Context, text string) (store.SearchResult, error)
	ReferralsOfCases(ctx context.Context, caseIDs []string) ([]store.Summary, error)
	UpdateReferral(ctx context.Context, id string, fn func(*store.Referral) (store.ReferralEffects, error)) (store.Referral, error)
	GetCaseDetail(ctx context.Context, id, cursor string) (store.CaseDetail, error)
	GetSummaries(ctx context.Context, ids []string) (map[string]store.Summary, error)
	UpdateCase(ctx context.Context, id string, fn func(*store.Case) (store.CaseEffects, error)) (store.Case, error)
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

// Decide records a business support officer's decision on a referral.
// version is the version the officer saw (0: the current one).
func (s *Service) Decide(ctx context.Context, a Actor, id string, q referral.DecisionRequest, version int) (store.Referral, referral.Decision, error) {
	var d referral.Decision
	r, err := s.store.UpdateReferral(ctx, id, func(r *store.Referral) (store.ReferralEffects, error) {
		if err := s.canSee(ctx, a, r.CaseID); err != nil {
			return store.ReferralEffects{}, err
		}
		if err := versionCheck(version, r.Version); err != nil {
			return store.ReferralEffects{}, err
		}
		to, err := referral.Decide(r.Status, q.Decision)
		if err != nil {
			return store.ReferralEffects{}, fmt.Errorf("%w: %w", ErrState, err)
		}
		d = referral.Decision{ID: s.ids.New(), Kind: q.Decision, Reason: q.Reason, Actor: a.Identity.Subject, At: s.clock.Now(), From: r.Status, To: to}
		e := s.entry(a, audit.ActionReferralDecide, "referral:"+r.ID, r.CaseID)
		e.Reason = a.Route + " decision=" + string(q.Decision)
		emails, err := referrerEmails(*r, d)
		if err != nil {
			return store.ReferralEffects{}, err
		}
		r.Status = to
		return store.ReferralEffects{Effects: aggregate.Effects{Audit: []audit.Entry{e}, Outbox: emails}, Decision: &d,
			Accept: q.Decision == referral.DecisionAccept}, nil
	})
	switch {
	case errors.Is(err, store.ErrVersionConflict):
		return store.Referral{}, referral.Decision{}, fmt.Errorf("%w: the referral changed meanwhile", ErrStale)
	case err != nil:
		return store.Referral{}, referral.Decision{}, notFound(err)
	}
	return r, d, nil
}

// ResolveMatch records whether a referral's possible match is the same
// person. For same-person the referral moves to the chosen case and its
// provisional case is marked merged into it.
func (s *Service) ResolveMatch(ctx context.Context, a Actor, id string, q referral.MatchRequest, version int) (store.Referral, error) {
	r, err := s.store.UpdateReferral(ctx, id, func(r *store.Referral) (store.ReferralEffects, error) {
		if err := s.canSee(ctx, a, r.CaseID); err != nil {
			return store.ReferralEffects{}, err
		}
		if err := versionCheck(version, r.Version); err != nil {
			return store.ReferralEffects{}, err
		}
		if r.MatchState != referral.MatchPending {
			return store.ReferralEffects{}, fmt.Errorf("%w: the referral has no possible match waiting", ErrState)
		}
		if q.Decision == referral.MatchSamePerson && !slices.Contains(r.PossibleMatches, q.CaseID) {
			return store.ReferralEffects{}, invalid("/caseId", "must be one of the referral's possible matches")
		}
		hist := referral.Decision{
			ID: s.ids.New(), Kind: referral.DecisionKind("match:" + string(q.Decision)), Actor: a.Identity.Subject,
			At: s.clock.Now(), From: r.Status, To: r.Status,
		}
		entries := []audit.Entry{s.entry(a, audit.ActionReferralMatch, "referral:"+r.ID, r.CaseID)}
		entries[0].Reason = a.Route + " decision=" + string(q.Decision)
		eff := store.ReferralEffects{Decision: &hist}
		if q.Decision == referral.MatchSamePerson {
			hist.Reason = "same person as case " + q.CaseID
			entries[0].CaseID = q.CaseID
			merge := s.entry(a, audit.ActionReferralMatch, "case:"+r.CaseID, r.CaseID)
			merge.Reason = a.Route + " merged-into=" + q.CaseID
			entries = append(entries, merge)
			eff.MergeInto = q.CaseID
			r.CaseID, r.MatchState = q.CaseID, referral.MatchResolvedSame
		} else {
			r.MatchState = referral.MatchResolvedDiffers
		}
		eff.Audit = entries
		return eff, nil
	})
	switch {
	case errors.Is(err, store.ErrVersionConflict):
		return store.Referral{}, fmt.Errorf("%w: the referral or a case changed meanwhile", ErrStale)
	case errors.Is(err, store.ErrNotOpen):
		return store.Referral{}, fmt.Errorf("%w: case %s was merged into another", ErrState, q.CaseID)
	case errors.Is(err, store.ErrNotFound) && q.Decision == referral.MatchSamePerson && !strings.Contains(err.Error(), "referral "+id):
		return store.Referral{}, invalid("/caseId", "is not a case")
	case err != nil:
		return store.Referral{}, notFound(err)
	}
	return r, nil
}

// CaseView is a case with its referrals and level history.
type CaseView struct {
	Detail    store.CaseDetail
	Referrals map[string]store.Summary
}

// Case returns the case (and one page of its history, from cursor; ""
// for the first) after checking access and auditing the read.
func (s *Service) Case(ctx context.Context, a Actor, id, cursor string) (CaseView, error) {
	if err := s.canSee(ctx, a, id); err != nil {
		return CaseView{}, err
	}
	d, err := s.store.GetCaseDetail(ctx, id, cursor)
	if err != nil {
		return CaseView{}, notFound(err)
	}
	refIDs := make([]string, len(d.Referrals))
	for i, l := range d.Referrals {
		refIDs[i] = l.ReferralID
	}
	refs, err := s.store.GetSummaries(ctx, refIDs)
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
	var l referral.LevelChange
	c, err := s.store.UpdateCase(ctx, id, func(c *store.Case) (store.CaseEffects, error) {
		if c.Status != store.CaseOpen {
			return store.CaseEffects{}, fmt.Errorf("%w: the case was merged into case %s", ErrState, c.MergedInto)
		}
		if err := versionCheck(version, c.Version); err != nil {
			return store.CaseEffects{}, err
		}
		level, verrs := referral.ResolveLevel(q, c.SuggestedLevel(), neverLevel1(c.Classification))
		if !verrs.OK() {
			return store.CaseEffects{}, verrs
		}
		if c.Level != 0 && level == c.Level {
			// Nothing would change: recording "level 2 (was 2)" helps nobody.
			return store.CaseEffects{}, invalid("/level", fmt.Sprintf("is already level %d: choose a different level to change it", level))
		}
		l = referral.LevelChange{
			ID: s.ids.New(), Action: q.Action, Level: level, PreviousLevel: c.Level, SuggestedLevel: c.SuggestedLevel(),
			Reason: q.Reason, MeetingDate: q.MeetingDate, Actor: a.Identity.Subject, At: s.clock.Now(),
		}
		e := s.entry(a, audit.ActionCaseLevel, "case:"+c.ID, c.ID)
		e.Reason = fmt.Sprintf("%s action=%s level=%d", a.Route, q.Action, level)
		c.Level = level
		return store.CaseEffects{Effects: aggregate.Effects{Audit: []audit.Entry{e}}, Level: &l}, nil
	})
	switch {
	case errors.Is(err, store.ErrVersionConflict):
		return store.Case{}, referral.LevelChange{}, fmt.Errorf("%w: the case changed meanwhile", ErrStale)
	case err != nil:
		return store.Case{}, referral.LevelChange{}, notFound(err)
	}
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
	var ch referral.RAGChange
	c, err := s.store.UpdateCase(ctx, id, func(c *store.Case) (store.CaseEffects, error) {
		if c.Status != store.CaseOpen {
			return store.CaseEffects{}, fmt.Errorf("%w: the case was merged into case %s", ErrState, c.MergedInto)
		}
		if err := versionCheck(version, c.Version); err != nil {
			return store.CaseEffects{}, err
		}
		if c.RAG == q.RAG {
			return store.CaseEffects{}, invalid("/rag", fmt.Sprintf("is already %s: choose a different colour to change it", q.RAG))
		}
		ch = referral.RAGChange{ID: s.ids.New(), RAG: q.RAG, Previous: c.RAG, Reason: q.Reason, Actor: a.Identity.Subject, At: s.clock.Now()}
		e := s.entry(a, audit.ActionCaseRAG, "case:"+c.ID, c.ID)
		e.Reason = a.Route + " rag=" + string(q.RAG)
		c.RAG = q.RAG
		return store.CaseEffects{Effects: aggregate.Effects{Audit: []audit.Entry{e}}, RAG: &ch}, nil
	})
	switch {
	case errors.Is(err, store.ErrVersionConflict):
		return store.Case{}, referral.RAGChange{}, fmt.Errorf("%w: the case changed meanwhile", ErrStale)
	case err != nil:
		return store.Case{}, referral.RAGChange{}, notFound(err)
	}
	return c, ch, nil
}
