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
	"github.com/mappa-coordinator/mappa/shared/notice"
)

// scheduleInviteCheck writes the meeting's invitation check (due kind
// invite) on its notice deadline: the notice period (cadence policy, S3:
// 14 days) before the meeting, or today for a meeting at short notice.
// The same meeting on the same date writes the same item again.
func (h *Handler) scheduleInviteCheck(ctx context.Context, m meeting.Meeting) error {
	if h.Work == nil || h.Work.DB == nil || m.Date.IsZero() || !m.Upcoming(h.Work.Clock.Now()) {
		return nil
	}
	day := m.Date.AddDays(-cadence.Default().Policy().NoticeDays)
	if today := civil.Today(h.Work.Clock.Now()); day.Before(today) {
		day = today
	}
	w, err := due.Put(h.Work.CasesTable, due.Item{Day: day, Kind: due.KindInvite, Ref: m.ID, MeetingID: m.ID, CaseID: m.CaseID,
		CaseRef: m.CaseID, Path: "/meetings/" + m.ID, DueOn: m.Date.String()})
	if err != nil {
		return err
	}
	if _, err := h.Work.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{w}}); err != nil {
		return fmt.Errorf("noticestream: invitation check of %s: %w", m.ID, err)
	}
	return nil
}

// InviteCheck is the sweep's handler for invitations not yet sent (due
// kind invite, on the meeting's notice deadline). For a meeting still to
// come on the date the item was written for, it sends, in the transaction
// that pops the item, the invitations of every attendee the rota chose who
// has not been invited to the meeting as it now stands (a stream record
// that failed and was parked, an address added since); if a place still
// cannot be invited (nobody chosen, no work address) it tells the MAPPA
// inbox, once per meeting and deadline.
type InviteCheck struct {
	H *Handler
	// Send builds the MAPPA inbox's email (reminders.DueWork).
	Send interface {
		Effects(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error)
	}
	MappaInbox string
}

// Effects sends what has not been sent.
func (c InviteCheck) Effects(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error) {
	m, err := c.H.Store.GetMeeting(ctx, it.MeetingID)
	if errors.Is(err, meetingstore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("noticestream: meeting %s: %w", it.MeetingID, err)
	}
	if !m.Upcoming(now) || (it.DueOn != "" && it.DueOn != m.Date.String()) {
		return nil, nil // held, cancelled, past or moved (its new date has its own check)
	}
	invitees, missing, err := c.H.invitees(ctx, m)
	if err != nil {
		return nil, err
	}
	var out []types.TransactWriteItem
	if len(invitees) > 0 {
		_, w, err := c.H.Notices.Plan(ctx, Actor, noticeMeeting(m), invitees)
		if err != nil && !errors.Is(err, notice.ErrCancelled) {
			return nil, err
		}
		out = w
	}
	if (missing > 0 || len(m.Attendees) == 0) && c.MappaInbox != "" {
		alert := it
		alert.To = []string{c.MappaInbox}
		w, err := c.Send.Effects(ctx, alert, now)
		if err != nil {
			return nil, err
		}
		out = append(out, w...)
	}
	return out, nil
}
