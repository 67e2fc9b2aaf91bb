// Package retention is how long a closed case and its records are kept,
// and the hold that stops them expiring. A case is closed by a person with
// a reason; from then its records expire RetentionDays after the closure
// (DynamoDB's time to live deletes them; the expiry is audited). A hold
// (litigation, an inquiry, a safeguarding practice review, a subject access
// request) placed with a reason stops the expiry until it is lifted, again
// with a reason.
//
// Guidance is silent on how long children's services keep their MAPPA case
// records (MAPPA Guidance leaves retention to each agency's own policy), so
// the period is product policy: DefaultDays (six years after closure),
// configurable per deployment (template.yaml RetentionDays) by the council's
// records manager. A hold lifted after the date has passed leaves
// LiftGraceDays before the records go, so nobody loses them the moment a
// hold ends.
//
// Domain code: no AWS, no net/http; time comes from the caller.
package retention

import (
	"errors"
	"strings"
	"time"
)

// DefaultDays is the product's default retention after closure: six years
// (2,192 days). Guidance is silent; docs/security.md says who decides.
const DefaultDays = 2192

// LiftGraceDays is the least time left after a hold is lifted.
const LiftGraceDays = 30

// Errors the rules return; none carries personal data.
var (
	ErrClosed    = errors.New("retention: the case is closed already")
	ErrNotClosed = errors.New("retention: the case is not closed")
	ErrHeld      = errors.New("retention: the case is on hold already")
	ErrNotHeld   = errors.New("retention: the case is not on hold")
	ErrNoReason  = errors.New("retention: a reason is required")
	ErrBadPeriod = errors.New("retention: the retention period must be at least one day")
)

// Policy is the deployment's retention period.
type Policy struct {
	Days int
}

// Default is the product's policy.
func Default() Policy { return Policy{Days: DefaultDays} }

// Check reports a period that cannot be used.
func (p Policy) Check() error {
	if p.Days < 1 {
		return ErrBadPeriod
	}
	return nil
}

// Step is who did something, when and why.
type Step struct {
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// State is a case's retention: closed (when, by whom, why), on hold, and
// when its records expire (zero: they do not).
type State struct {
	Closed    *Step     `json:"closed,omitempty"`
	Hold      *Step     `json:"hold,omitempty"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

func step(by, reason string, now time.Time) (*Step, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, ErrNoReason
	}
	return &Step{By: by, At: now.UTC(), Reason: reason}, nil
}

// Close closes the case: its records expire Days after now, unless held.
func (p Policy) Close(s *State, by, reason string, now time.Time) error {
	if s.Closed != nil {
		return ErrClosed
	}
	st, err := step(by, reason, now)
	if err != nil {
		return err
	}
	s.Closed = st
	if s.Hold == nil {
		s.ExpiresAt = st.At.AddDate(0, 0, p.Days)
	}
	return nil
}

// Reopen ends a closure because the person is being worked with again (a
// new referral joined the case): nothing expires while the case is open.
// A hold stays. It returns the closure it ended; ErrNotClosed if the case
// was not closed.
func Reopen(s *State) (Step, error) {
	if s.Closed == nil {
		return Step{}, ErrNotClosed
	}
	closed := *s.Closed
	s.Closed, s.ExpiresAt = nil, time.Time{}
	return closed, nil
}

// PlaceHold stops the expiry (an open case's too: it will not expire when
// closed) until the hold is lifted.
func (p Policy) PlaceHold(s *State, by, reason string, now time.Time) error {
	if s.Hold != nil {
		return ErrHeld
	}
	st, err := step(by, reason, now)
	if err != nil {
		return err
	}
	s.Hold, s.ExpiresAt = st, time.Time{}
	return nil
}

// LiftHold ends the hold: a closed case's records expire Days after the
// closure again, or LiftGraceDays after now if that is later.
func (p Policy) LiftHold(s *State, by, reason string, now time.Time) (Step, error) {
	if s.Hold == nil {
		return Step{}, ErrNotHeld
	}
	st, err := step(by, reason, now)
	if err != nil {
		return Step{}, err
	}
	s.Hold = nil
	if s.Closed != nil {
		s.ExpiresAt = s.Closed.At.AddDate(0, 0, p.Days)
		if grace := st.At.AddDate(0, 0, LiftGraceDays); s.ExpiresAt.Before(grace) {
			s.ExpiresAt = grace
		}
	}
	return *st, nil
}
