// Package noticestream is the reminders function's consumer of the
// meetings table stream. An open action or task gets its reminders as due
// items (coming due ComingDueDays before, overdue the day after). When the rota has chosen a meeting's attendees
// (or the meeting moves, changes level or loses or gains an attendee) the
// invitations are brought up to date through shared/notice (REQUEST with a
// raised SEQUENCE, CANCEL for people no longer invited); a cancelled
// meeting sends METHOD:CANCEL to everyone invited. Every record of a
// scheduled meeting also writes its invitation check on the notice
// deadline (InviteCheck: invitations not yet sent are sent by the sweep).
// A replayed record changes nothing (notice.Schedule sends nothing when
// nothing changed).
// Failed records are reported by sequence number; Lambda bisects, retries
// and parks them (template.yaml, RemindersFunction).
package noticestream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/notice"
	"github.com/mappa-coordinator/mappa/shared/staff"
)

// Actor is the audit actor of invitations sent from the stream.
const Actor = "system:reminders"

// Store is what the handler reads (*meetingstore.Store satisfies it).
type Store interface {
	GetMeeting(ctx context.Context, id string) (meeting.Meeting, error)
	GetPerson(ctx context.Context, id string) (staff.Person, error)
}

// Notices is what the handler changes (*notice.Service satisfies it).
type Notices interface {
	Schedule(ctx context.Context, actor string, m notice.Meeting, invitees []notice.Invitee) (notice.Meeting, error)
	Plan(ctx context.Context, actor string, m notice.Meeting, invitees []notice.Invitee) (notice.Meeting, []types.TransactWriteItem, error)
	Cancel(ctx context.Context, actor, meetingID string) (notice.Meeting, error)
}

// Handler handles batches of the meetings stream.
type Handler struct {
	Store   Store
	Notices Notices
	// Work schedules the reminders of actions and tasks (nil: none).
	Work *Work
	Log  *slog.Logger
}

// Handle is the Lambda entry point for stream batches.
func (h *Handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	for _, rec := range ev.Records {
		if err := h.record(ctx, rec); err != nil {
			h.log().Error("noticestream: record failed", slog.String("eventId", rec.EventID), slog.String("error", err.Error()))
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
		}
	}
	return resp, nil
}

func (h *Handler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

func attr(m map[string]events.DynamoDBAttributeValue, name string) string {
	v, ok := m[name]
	if !ok || v.DataType() != events.DataTypeString {
		return ""
	}
	return v.String()
}

func (h *Handler) record(ctx context.Context, rec events.DynamoDBEventRecord) error {
	if rec.EventName == string(events.DynamoDBOperationTypeRemove) {
		return nil
	}
	switch attr(rec.Change.NewImage, "type") {
	case "meeting":
	case "action", "task":
		return h.schedule(ctx, rec)
	case "staff":
		return h.scheduleDBS(ctx, rec)
	default:
		return nil
	}
	id, ok := strings.CutPrefix(attr(rec.Change.Keys, "pk"), "MEETING#")
	if !ok || id == "" {
		return errors.New("noticestream: meeting record without a meeting key")
	}
	return h.Sync(ctx, id)
}

// Sync brings the invitations of meeting id up to date with the meeting.
func (h *Handler) Sync(ctx context.Context, id string) error {
	m, err := h.Store.GetMeeting(ctx, id)
	if err != nil {
		return fmt.Errorf("noticestream: meeting %s: %w", id, err)
	}
	switch m.Status {
	case meeting.StatusCancelled:
		_, err := h.Notices.Cancel(ctx, Actor, m.ID)
		if errors.Is(err, notice.ErrNotFound) {
			return nil // never invited anyone
		}
		return err
	case meeting.StatusScheduled:
	case meeting.StatusHeld:
		return h.scheduleReview(ctx, m)
	default:
		return nil
	}
	// The notice deadline: the sweep checks then that every place is
	// invited (InviteCheck), whatever happened to this record.
	if err := h.scheduleInviteCheck(ctx, m); err != nil {
		return err
	}
	if len(m.Attendees) == 0 {
		return nil // the rota has not chosen anyone yet
	}
	invitees, _, err := h.invitees(ctx, m)
	if err != nil || len(invitees) == 0 {
		return err
	}
	_, err = h.Notices.Schedule(ctx, Actor, noticeMeeting(m), invitees)
	if errors.Is(err, notice.ErrCancelled) {
		return nil
	}
	return err
}

// invitees are the meeting's attendees as the rota chose them, with their
// work addresses; missing counts the places nobody can be invited to (no
// one chosen, or no work address).
func (h *Handler) invitees(ctx context.Context, m meeting.Meeting) (invitees []notice.Invitee, missing int, err error) {
	missing = len(m.Gaps)
	for _, a := range m.Attendees {
		if a.StaffID == "" {
			missing++
			continue
		}
		p, err := h.Store.GetPerson(ctx, a.StaffID)
		if err != nil {
			return nil, 0, fmt.Errorf("noticestream: attendee %s: %w", a.StaffID, err)
		}
		if p.Email == "" {
			missing++
			continue
		}
		inv := notice.Invitee{StaffID: a.StaffID, Email: p.Email, Role: string(a.Role)}
		if p.LineManager != "" {
			if lm, err := h.Store.GetPerson(ctx, p.LineManager); err == nil {
				inv.LineManagerEmail = lm.Email
			}
		}
		invitees = append(invitees, inv)
	}
	return invitees, missing, nil
}

// noticeMeeting is the meeting as its invitations describe it.
func noticeMeeting(m meeting.Meeting) notice.Meeting {
	minutes := m.DurationMinutes
	if minutes <= 0 {
		minutes = 90
	}
	return notice.Meeting{
		ID: m.ID, CaseID: m.CaseID, CaseRef: m.CaseID, Level: m.Level, Start: m.Start,
		End: m.Start.Add(durationMinutes(minutes)), Location: "See the meeting in MAPPA Coordinator",
	}
}

func durationMinutes(n int) time.Duration { return time.Duration(n) * time.Minute }
