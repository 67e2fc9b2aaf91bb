package meetingstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/outbox"
)

// TestUpdatesFollowTheAggregatePattern: a meeting's and a task's
// read-modify-write (shared/aggregate) return the closure's error with
// nothing written, drop an email already queued (a replayed cause) but
// refuse a reused audit id, and read again after a lost race.
func TestUpdatesFollowTheAggregatePattern(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	m := mk(t, "mu", "c1", civil.New(2027, 3, 10))
	if _, err := s.CreateMeeting(ctx, m, meetingstore.Effects{Audit: []audit.Entry{entry("mu")}}); err != nil {
		t.Fatal(err)
	}
	mine := errors.New("refused")
	if _, err := s.UpdateMeeting(ctx, "mu", func(m *meeting.Meeting) (meetingstore.Effects, error) {
		m.Chair = "nobody"
		return meetingstore.Effects{}, mine
	}); !errors.Is(err, mine) {
		t.Fatalf("closure error came back as %v", err)
	}
	email := outbox.Message{ID: "mu-email", To: []string{"chair@example.gov.uk"}, Subject: "s", Text: "t", HTML: "<p>t</p>"}
	for i, chair := range []string{"DI One", "DI Two"} {
		got, err := s.UpdateMeeting(ctx, "mu", func(m *meeting.Meeting) (meetingstore.Effects, error) {
			m.Chair = chair
			return meetingstore.Effects{Emails: []outbox.Message{email}}, nil
		})
		if err != nil || got.Chair != chair || got.Version != 2+i {
			t.Fatalf("update %d with an email already queued: %v %+v", i, err, got)
		}
	}
	if _, err := s.UpdateMeeting(ctx, "mu", func(m *meeting.Meeting) (meetingstore.Effects, error) {
		m.Chair = "DI Three"
		return meetingstore.Effects{Audit: []audit.Entry{entry("mu")}}, nil
	}); !errors.Is(err, meetingstore.ErrVersionConflict) {
		t.Fatalf("a reused audit id: %v", err)
	}
	if got, _ := s.GetMeeting(ctx, "mu"); got.Chair != "DI Two" || got.Version != 3 {
		t.Fatalf("refused changes written: %+v", got)
	}

	task := meeting.ChildProtectionTask("r1", "c1", "Schedule 15 offence.", now, "system:classify")
	if _, err := s.CreateTask(ctx, task, meetingstore.Effects{}); err != nil {
		t.Fatal(err)
	}
	runs := 0
	got, err := s.UpdateTask(ctx, "c1", task.ID, func(tk *meeting.Task) (meetingstore.Effects, error) {
		runs++
		if runs == 1 {
			if _, err := s.UpdateTask(ctx, "c1", task.ID, func(tk *meeting.Task) (meetingstore.Effects, error) {
				tk.Title = "changed meanwhile"
				return meetingstore.Effects{}, nil
			}); err != nil {
				return meetingstore.Effects{}, err
			}
		}
		tk.Detail = "mine"
		return meetingstore.Effects{}, nil
	})
	if err != nil || runs != 2 || got.Version != 3 || got.Title != "changed meanwhile" || got.Detail != "mine" {
		t.Fatalf("task after a lost race (%d runs): %v %+v", runs, err, got)
	}
	if _, err := s.UpdateTask(ctx, "c1", "nope", func(*meeting.Task) (meetingstore.Effects, error) { return meetingstore.Effects{}, nil }); !errors.Is(err, meetingstore.ErrNotFound) {
		t.Errorf("missing task: %v", err)
	}
}
