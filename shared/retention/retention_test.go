package retention_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/retention"
)

var now = time.Date(2027, 3, 25, 14, 0, 0, 0, time.UTC)

func TestCloseSetsTheExpiryAfterThePeriod(t *testing.T) {
	p := retention.Policy{Days: 10}
	var s retention.State
	if err := p.Close(&s, "sm", " ", now); !errors.Is(err, retention.ErrNoReason) {
		t.Errorf("no reason: %v", err)
	}
	if err := p.Close(&s, "sm", "ended", now); err != nil {
		t.Fatal(err)
	}
	if !s.ExpiresAt.Equal(now.AddDate(0, 0, 10)) || s.Closed.By != "sm" || s.Closed.Reason != "ended" {
		t.Errorf("%+v", s)
	}
	if err := p.Close(&s, "sm", "again", now); !errors.Is(err, retention.ErrClosed) {
		t.Errorf("twice: %v", err)
	}
	if retention.Default().Days != 2192 || (retention.Policy{}).Check() == nil {
		t.Error("default six years; a zero period is refused")
	}
}

func TestHoldClearsAndLiftRestoresWithGrace(t *testing.T) {
	p := retention.Policy{Days: 100}
	var s retention.State
	// A hold on an open case: closing it sets no expiry.
	if err := p.PlaceHold(&s, "hos", "inquiry", now); err != nil {
		t.Fatal(err)
	}
	if err := p.PlaceHold(&s, "hos", "again", now); !errors.Is(err, retention.ErrHeld) {
		t.Errorf("held twice: %v", err)
	}
	if err := p.Close(&s, "sm", "ended", now); err != nil || !s.ExpiresAt.IsZero() {
		t.Fatalf("closing a held case: %v %v", err, s.ExpiresAt)
	}
	// Lifted soon: the closure's date stands.
	if _, err := p.LiftHold(&s, "admin", "answered", now.AddDate(0, 0, 1)); err != nil || !s.ExpiresAt.Equal(now.AddDate(0, 0, 100)) {
		t.Fatalf("lift: %v %v", err, s.ExpiresAt)
	}
	if _, err := p.LiftHold(&s, "admin", "again", now); !errors.Is(err, retention.ErrNotHeld) {
		t.Errorf("not held: %v", err)
	}
	// Held past the date, then lifted: LiftGraceDays from the lift.
	_ = p.PlaceHold(&s, "hos", "litigation", now.AddDate(0, 0, 2))
	lift := now.AddDate(0, 0, 120)
	if _, err := p.LiftHold(&s, "admin", "settled", lift); err != nil || !s.ExpiresAt.Equal(lift.AddDate(0, 0, retention.LiftGraceDays)) {
		t.Errorf("late lift: %v %v", err, s.ExpiresAt)
	}
}

func TestReopenEndsTheClosureAndTheExpiryButKeepsAHold(t *testing.T) {
	p := retention.Policy{Days: 10}
	var s retention.State
	if _, err := retention.Reopen(&s); !errors.Is(err, retention.ErrNotClosed) {
		t.Errorf("reopening an open case: %v", err)
	}
	if err := p.Close(&s, "sm", "ended", now); err != nil {
		t.Fatal(err)
	}
	closed, err := retention.Reopen(&s)
	if err != nil || closed.By != "sm" || s.Closed != nil || !s.ExpiresAt.IsZero() {
		t.Fatalf("reopen: %+v %v, state %+v", closed, err, s)
	}
	if err := p.PlaceHold(&s, "hos", "inquiry", now); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(&s, "sm", "ended again", now); err != nil {
		t.Fatal(err)
	}
	if _, err := retention.Reopen(&s); err != nil || s.Hold == nil {
		t.Errorf("a hold must survive reopening: %+v %v", s, err)
	}
}
