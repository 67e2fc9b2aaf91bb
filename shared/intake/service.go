// Package intake takes referrals in: the agency API (POST /v1/referrals,
// GET /v1/referrals/{id}) and the service behind it, which business support
// officers' staff entry (shared/staffapi) uses too, so a referral typed in
// from an email follows exactly the same validation and the same path into
// storage as one posted by an agency.
//
// Submit is idempotent per (scope, key): the first request with a key
// stores the referral; a retry with the same body gets the first answer; a
// different body under the same key is refused. Concurrent duplicates are
// settled by the conditional idempotency record in the one transaction that
// stores the referral, so 200 identical posts at once store one referral
// and one case.
package intake

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/retention"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// Store is what intake needs from storage (*store.Store satisfies it).
type Store interface {
	Lookup(ctx context.Context, q store.LookupQuery) (store.Lookup, error)
	CreateReferral(ctx context.Context, nr store.NewReferral) error
	ReferralWithHistory(ctx context.Context, id string) (store.Referral, []referral.Decision, error)
	UpdateReferral(ctx context.Context, id string, fn func(*store.Referral) (store.ReferralEffects, error)) (store.Referral, error)
	UpdateCase(ctx context.Context, id string, fn func(*store.Case) (store.CaseEffects, error)) (store.Case, error)
}

// Auditor records stand-alone audit entries (reads); audit.Writer
// satisfies it.
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

var _ Store = (*store.Store)(nil)

// Errors Submit and Status return besides storage failures.
var (
	// ErrKeyReused: the idempotency key was first used with another body.
	ErrKeyReused = errors.New("intake: idempotency key already used for a different referral")
	// ErrReferenceReused: the agency already sent a different referral
	// with the same agency reference.
	ErrReferenceReused = errors.New("intake: agency reference already used for a different referral")
	// ErrBusy: concurrent writers kept colliding; the client should retry.
	ErrBusy = errors.New("intake: too many concurrent changes, try again")
	// ErrNotFound: no such referral for this agency.
	ErrNotFound = errors.New("intake: referral not found")
	// ErrNotAsked: the referral is not waiting for more information.
	ErrNotAsked = errors.New("intake: no information was asked for")
)

// Source says who put a referral in.
const (
	SourceAgency = "agency"
	SourceStaff  = "staff"
)

// Service stores referrals.
type Service struct {
	store Store
	audit Auditor
	clock clock.Clock
	ids   ids.Generator
	retry dynamo.Backoff
}

// NewService returns a Service. gen must be safe for concurrent use
// (ids.Random is).
func NewService(st Store, aud Auditor, clk clock.Clock, gen ids.Generator) *Service {
	return &Service{store: st, audit: aud, clock: clk, ids: gen,
		retry: dynamo.Backoff{Attempts: 12, Base: 10 * time.Millisecond, Max: 400 * time.Millisecond}}
}

// Today is the date in London now: what referrals are validated against.
func (s *Service) Today() civil.Date { return civil.Today(s.clock.Now()) }

// Submission is one request to store a referral.
type Submission struct {
	Referral referral.Referral
	// Scope is the idempotency scope: the posting client (AgencyScope), or
	// for staff entry the referring agency (staffapi.StaffEntryScope).
	Scope string
	// Agency is the referring agency's id: from the token for an agency
	// post, the referring agency's type for staff entry.
	Agency string
	// Key is the Idempotency-Key header or, without one, the agency's own
	// reference.
	Key string
	// Actor is the identity subject (agency client id or staff sub).
	Actor string
	// Source is SourceAgency or SourceStaff.
	Source    string
	RequestID string
	// Route is the route pattern, recorded as the audit reason.
	Route string
}

// Receipt is the answer to a Submission.
type Receipt struct {
	ReferralID string
	CaseID     string
	Status     referral.Status
	// NewCase is true if the referral created its case.
	NewCase bool
	// PossibleMatches lists cases that may be the same person.
	PossibleMatches []string
	// Replayed is true if this is the answer to an earlier request with the
	// same key and body.
	Replayed bool
}

// Submit stores the referral in sub, or returns the first answer for its
// key. The referral must already be valid (referral.ValidateAt).
func (s *Service) Submit(ctx context.Context, sub Submission) (Receipt, error) {
	hash, err := sub.Referral.Hash()
	if err != nil {
		return Receipt{}, err
	}
	idents := referral.IdentifiersOf(sub.Referral.Person)
	nameKey := referral.NameKey(sub.Referral.Person.FamilyName, sub.Referral.Person.DateOfBirth)
	keys := []string{sub.Key}
	if ref := RefKey(sub.Referral.AgencyReference); sub.Source == SourceAgency && sub.Key != ref && sub.Referral.AgencyReference != "" {
		// The agency's own reference names the referral whatever key the
		// request carries: a retry with a fresh key is the same referral,
		// and the same reference with a different body is refused.
		keys = append(keys, ref)
	}
	var receipt Receipt
	err = s.retry.Retry(ctx, retryable, func(ctx context.Context, _ int) error {
		// Two round trips: the idempotency records of the keys and the
		// claims of the identifiers (one BatchGetItem), then the name-key
		// Query. The transaction re-checks all of it.
		look, err := s.store.Lookup(ctx, store.LookupQuery{Scope: sub.Scope, Keys: keys, Identifiers: idents, NameKey: nameKey})
		if err != nil {
			return fmt.Errorf("intake: read idempotency records and matches: %w", err)
		}
		for i, rec := range look.Idempotency {
			if rec == nil {
				continue
			}
			if rec.BodyHash != hash {
				if i > 0 {
					return ErrReferenceReused
				}
				return ErrKeyReused
			}
			receipt = Receipt{ReferralID: rec.ReferralID, CaseID: rec.CaseID, Status: referral.StatusReceived, Replayed: true}
			return nil
		}
		matches := look.Matches
		refID, newCaseID := s.ids.New(), s.ids.New()
		plan := referral.PlanMatch(idents, matches, newCaseID)
		now := s.clock.Now()
		r := store.Referral{
			ID: refID, Agency: sub.Agency, Source: sub.Source, CreatedBy: sub.Actor,
			Status: referral.StatusReceived, Version: 1, CaseID: plan.CaseID,
			Body: sub.Referral, BodyHash: hash, PossibleMatches: plan.PossibleMatches,
			CreatedAt: now, UpdatedAt: now,
		}
		if len(plan.PossibleMatches) > 0 {
			r.MatchState = referral.MatchPending
		}
		entries := []audit.Entry{{
			ID: s.ids.New(), At: now, Actor: sub.Actor, Action: audit.ActionReferralCreate,
			Subject: "referral:" + refID, CaseID: plan.CaseID, Reason: sub.Route, RequestID: sub.RequestID,
		}}
		if plan.NewCase {
			entries = append(entries, audit.Entry{
				ID: s.ids.New(), At: now, Actor: sub.Actor, Action: audit.ActionCaseCreate,
				Subject: "case:" + plan.CaseID, CaseID: plan.CaseID, Reason: sub.Route, RequestID: sub.RequestID,
			})
		}
		// ErrIdempotencyTaken (another request with this key won: the next
		// attempt reads its answer), ErrMatchChanged (a claim or the case
		// moved under us: match again) and ErrTransactionConflict are retried.
		if err := s.store.CreateReferral(ctx, store.NewReferral{
			Referral: r, IdempotencyScope: sub.Scope, IdempotencyKey: sub.Key, AlsoKeys: keys[1:],
			NewCase: plan.NewCase, Claim: plan.Claim, NameKey: nameKey, Audit: entries,
		}); err != nil {
			var closed *store.ClosedCaseError
			if errors.As(err, &closed) {
				// The person is known to a closed case: a new referral means
				// they are worked with again, so the case reopens (its
				// records stop expiring) and the next attempt joins it.
				// Nothing is lost: the referral is never refused for it.
				if rerr := s.reopen(ctx, closed.CaseID, sub); rerr != nil {
					return rerr
				}
				return store.ErrMatchChanged
			}
			return err
		}
		receipt = Receipt{ReferralID: refID, CaseID: plan.CaseID, Status: referral.StatusReceived,
			NewCase: plan.NewCase, PossibleMatches: plan.PossibleMatches}
		return nil
	})
	switch {
	case err == nil:
		return receipt, nil
	case errors.Is(err, dynamo.ErrExhausted):
		return Receipt{}, ErrBusy
	case retryable(err):
		return Receipt{}, fmt.Errorf("intake: store referral: %w", err)
	}
	return Receipt{}, err
}

// reopen reopens a closed case for a new referral, audited as the
// submitter's act (the case.reopen entry names the route).
func (s *Service) reopen(ctx context.Context, caseID string, sub Submission) error {
	_, err := s.store.UpdateCase(ctx, caseID, func(c *store.Case) (store.CaseEffects, error) {
		if c.Status != store.CaseClosed {
			return store.CaseEffects{}, nil // reopened by a concurrent referral
		}
		if _, err := retention.Reopen(&c.Retention); err != nil {
			return store.CaseEffects{}, err
		}
		c.Status = store.CaseOpen
		now := s.clock.Now()
		return store.CaseEffects{Effects: aggregate.Effects{Audit: []audit.Entry{{
			ID: s.ids.New(), At: now, Actor: sub.Actor, Action: audit.ActionCaseReopen,
			Subject: "case:" + caseID, CaseID: caseID, Reason: "a new referral for the person (" + sub.Route + ")", RequestID: sub.RequestID,
		}}}}, nil
	})
	if err != nil {
		return fmt.Errorf("intake: reopen case %s: %w", caseID, err)
	}
	return nil
}

func retryable(err error) bool {
	return errors.Is(err, store.ErrIdempotencyTaken) || errors.Is(err, store.ErrMatchChanged) || errors.Is(err, store.ErrTransactionConflict)
}

// StatusView is what an agency sees of its referral: no personal data.
type StatusView struct {
	ID              string
	AgencyReference string
	Status          referral.Status
	ReceivedAt      time.Time
	UpdatedAt       time.Time
	// Decision is the decision that set the status, with the reason the
	// business support officer wrote for the agency (what information is
	// needed, why it was declined); nil while no decision has been made.
	Decision *AgencyDecision
}

// AgencyDecision is a decision as the referring agency sees it: no staff
// identities.
type AgencyDecision struct {
	Decision referral.DecisionKind `json:"decision"`
	Reason   string                `json:"reason,omitempty"`
	At       time.Time             `json:"at"`
}

// latestDecision returns the newest accept, more-information or decline
// decision that led to status (match resolutions are internal).
func latestDecision(hist []referral.Decision, status referral.Status) *AgencyDecision {
	for i := len(hist) - 1; i >= 0; i-- {
		d := hist[i]
		switch d.Kind {
		case referral.DecisionAccept, referral.DecisionMoreInformation, referral.DecisionDecline:
			if d.To == status {
				return &AgencyDecision{Decision: d.Kind, Reason: d.Reason, At: d.At}
			}
			return nil
		}
	}
	return nil
}

// Status returns the status of referral id to the agency client actor,
// after recording the read in the audit table. Only referrals that client
// posted are readable: one another client posted, or one staff entered from
// an email (even for the same agency), is ErrNotFound, so its existence does
// not leak.
func (s *Service) Status(ctx context.Context, actor, id, requestID, route string) (StatusView, error) {
	r, hist, err := s.store.ReferralWithHistory(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return StatusView{}, ErrNotFound
	} else if err != nil {
		return StatusView{}, fmt.Errorf("intake: read referral: %w", err)
	}
	if r.Source != SourceAgency || r.CreatedBy != actor {
		return StatusView{}, ErrNotFound
	}
	if err := s.audit.Record(ctx, audit.Entry{
		ID: s.ids.New(), At: s.clock.Now(), Actor: actor, Action: audit.ActionReferralRead,
		Subject: "referral:" + r.ID, CaseID: r.CaseID, Reason: route, RequestID: requestID,
	}); err != nil {
		return StatusView{}, err
	}
	return StatusView{ID: r.ID, AgencyReference: r.Body.AgencyReference, Status: r.Status, ReceivedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Decision: latestDecision(hist, r.Status)}, nil
}

// Inform records the referring agency's answer to a request for more
// information: the referral goes back to classified, for a business support
// officer to decide again, with the answer in its history. Only the agency
// client that posted the referral may answer (anyone else: ErrNotFound).
func (s *Service) Inform(ctx context.Context, actor, id string, q referral.InformationRequest, requestID, route string) (StatusView, error) {
	// The store's read-modify-write: a version conflict (a decision, or
	// the same answer twice at once) reads the referral again.
	r, err := s.store.UpdateReferral(ctx, id, func(r *store.Referral) (store.ReferralEffects, error) {
		if r.Source != SourceAgency || r.CreatedBy != actor {
			return store.ReferralEffects{}, ErrNotFound
		}
		to, err := referral.Answer(r.Status)
		if err != nil {
			return store.ReferralEffects{}, ErrNotAsked
		}
		now := s.clock.Now()
		d := referral.Decision{ID: s.ids.New(), Kind: referral.DecisionInformation, Reason: q.Information, Actor: actor, At: now, From: r.Status, To: to}
		entry := audit.Entry{
			ID: s.ids.New(), At: now, Actor: actor, Action: audit.ActionReferralDecide,
			Subject: "referral:" + r.ID, CaseID: r.CaseID, Reason: route + " decision=information", RequestID: requestID,
		}
		r.Status = to
		return store.ReferralEffects{Effects: aggregate.Effects{Audit: []audit.Entry{entry}}, Decision: &d}, nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return StatusView{}, ErrNotFound
	case errors.Is(err, store.ErrVersionConflict):
		return StatusView{}, ErrBusy
	case err != nil:
		return StatusView{}, err
	}
	return StatusView{ID: r.ID, AgencyReference: r.Body.AgencyReference, Status: r.Status, ReceivedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}, nil
}
