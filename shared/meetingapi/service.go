// Package meetingapi is the staff API of meetings, associated children,
// actions and tasks, the staff directory, leave, the rota and panel days,
// and the assignments that let social workers, service managers and heads
// of service read the cases they are assigned to, and nothing else: the
// rota function and this API record them (shared/assignstore items, in the
// same transaction as their cause) and shared/access's row rules read
// them. Every route's gate is in the access matrix (access.go).
//
// Every read of case data is audited before it is returned; every write
// carries its audit entry in its own transaction (meetingstore.Effects).
// Attendees are chosen by the rota function from the meetings stream, not
// here: a new or moved meeting shows its attendees a moment later.
package meetingapi

import (
	"context"

	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/staff"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// Audit actions.
const (
	ActionMeetingCreate audit.Action = "meeting.create"
	ActionMeetingRead   audit.Action = "meeting.read"
	ActionMeetingChange audit.Action = "meeting.change"
	ActionChildRead     audit.Action = "child.read"
	ActionChildWrite    audit.Action = "child.write"
	ActionWorkWrite     audit.Action = "work.write"
	ActionWorkRead      audit.Action = "work.read"
	ActionStaffWrite    audit.Action = "staff.write"
)

// Cases is what the API needs of cases (*store.Store satisfies it).
type Cases interface {
	GetCase(ctx context.Context, id string) (store.Case, error)
	GetReferral(ctx context.Context, id string) (store.Referral, error)
}

// CaseAccess decides whether a member of staff may see a case (the row
// rules of shared/access: access.Cases).
type CaseAccess interface {
	CanSeeCase(ctx context.Context, who auth.Identity, caseID string) (bool, error)
}

// Service is the meetings API's logic.
type Service struct {
	ms    *meetingstore.Store
	cases Cases
	audit interface {
		Record(context.Context, audit.Entry) error
	}
	access  CaseAccess
	planner *cadence.Planner
	clock   clock.Clock
	ids     ids.Generator
}

// New returns a Service.
func New(ms *meetingstore.Store, cases Cases, aud interface {
	Record(context.Context, audit.Entry) error
}, acc CaseAccess, clk clock.Clock, gen ids.Generator) *Service {
	return &Service{ms: ms, cases: cases, audit: aud, access: acc, planner: cadence.Default(), clock: clk, ids: gen}
}

// subjectOf is the sign-in identity of a person (their linked subject, else
// their id, which is the dev sign-in's subject).
func subjectOf(p staff.Person) string {
	if p.Subject != "" {
		return p.Subject
	}
	return p.ID
}

// visibleCases keeps the case ids who may see.
func (s *Service) visibleCases(ctx context.Context, who auth.Identity, ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if ok, err := s.access.CanSeeCase(ctx, who, id); err == nil && ok {
			out = append(out, id)
		}
	}
	return out
}
