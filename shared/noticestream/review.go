package noticestream

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/staff"
)

// ReviewWarningDays: a review whose window closes within this many days
// with no meeting booked is reminded (the issue: "reviews due within 14
// days with no meeting booked").
const ReviewWarningDays = 14

// scheduleReview writes the next review's reminders when a level 2 or 3
// meeting has been held: review-due ReviewWarningDays before the window
// closes (to the MAPPA inbox, who book meetings) and review-overdue the
// day after it closes (the MAPPA inbox and the senior attendee: the
// service manager or head of service). Each sends only if no meeting of
// the case is booked by then (ReviewCheck).
func (h *Handler) scheduleReview(ctx context.Context, m meeting.Meeting) error {
	if h.Work == nil || h.Work.DB == nil || m.Level < 2 {
		return nil
	}
	p, err := meeting.ProposeNextReview(m, cadence.Default(), nil)
	if err != nil {
		return nil //nolint:nilerr // no review window (level 1, custody without dates): nothing to remind
	}
	latest := p.Window.Latest
	today := civil.Today(h.Work.Clock.Now())
	senior := []string{h.Work.MappaInbox}
	for _, a := range m.Attendees {
		if a.Role == staff.RoleServiceMgr || a.Role == staff.RoleHeadOfService {
			if person, err := h.Store.GetPerson(ctx, a.StaffID); err == nil && person.Email != "" {
				senior = append(senior, person.Email)
			} else if err != nil && !errors.Is(err, meetingstore.ErrNotFound) {
				return err
			}
		}
	}
	ref := "review." + m.CaseID + "." + m.ID
	var writes []types.TransactWriteItem
	add := func(day civil.Date, k due.Kind, to []string) error {
		if day.Before(today) {
			day = today
		}
		// Once per review: the held meeting edited later writes these
		// again (on a later day when the first is past); the key makes
		// the sweep send each once.
		w, err := due.Put(h.Work.CasesTable, due.Item{Day: day, Kind: k, Ref: ref, MeetingID: m.ID, CaseID: m.CaseID, CaseRef: m.CaseID,
			To: to, Path: "/cases/" + m.CaseID + "/meetings", DueOn: latest.String(), Once: string(k) + ":" + m.CaseID + ":" + m.ID})
		if err != nil {
			return err
		}
		writes = append(writes, w)
		return nil
	}
	if err := add(latest.AddDays(-ReviewWarningDays), due.KindReviewDue, []string{h.Work.MappaInbox}); err != nil {
		return err
	}
	if err := add(latest.AddDays(1), due.KindReviewOverdue, senior); err != nil {
		return err
	}
	if _, err := h.Work.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: writes}); err != nil {
		return fmt.Errorf("noticestream: schedule review %s: %w", ref, err)
	}
	return nil
}

// ReviewCheck is the sweep's handler for review reminders: it sends only
// when no meeting of the case is booked from the held meeting on.
type ReviewCheck struct {
	Meetings interface {
		Upcoming(ctx context.Context, caseID string, now time.Time) ([]meeting.Meeting, error)
	}
	Send interface {
		Effects(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error)
	}
}

// Effects sends the reminder if no meeting is booked.
func (r ReviewCheck) Effects(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error) {
	if it.CaseID != "" {
		ms, err := r.Meetings.Upcoming(ctx, it.CaseID, now)
		if err != nil {
			return nil, fmt.Errorf("noticestream: upcoming meetings of %s: %w", it.CaseID, err)
		}
		for _, m := range ms {
			if m.Status == meeting.StatusScheduled && m.ID != it.MeetingID {
				return nil, nil // booked
			}
		}
	}
	return r.Send.Effects(ctx, it, now)
}
