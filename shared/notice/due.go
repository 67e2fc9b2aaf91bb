package notice

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/attendance"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/outbox"
)

// Kinds lists the due kinds Effects handles.
// (Invitations not yet sent, due.KindInvite, are noticestream.InviteCheck's:
// they need the meeting's attendees as the rota chose them.)
var Kinds = []due.Kind{due.KindRemind7, due.KindRemind1, due.KindChase, due.KindReport, due.KindAttendance, due.KindEscalate}

// Effects returns what a due meeting item causes today: the emails (and
// any follow-up due item or invitation change) to commit in the same
// transaction that pops it. Nothing is returned when the item no longer
// applies (the meeting moved or was cancelled, the invitation was
// answered, the absence was explained).
func (s *Service) Effects(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error) {
	m, invs, err := s.Get(ctx, it.MeetingID)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	if m.Status == StatusCancelled {
		return nil, nil
	}
	day := civil.Today(m.Start)
	if it.DueOn != "" && it.DueOn != day.String() && it.Kind != due.KindEscalate {
		return nil, nil // the meeting has moved; its new date has its own items
	}
	email := func(n outbox.MeetingNotice) ([]types.TransactWriteItem, error) {
		n.CaseRef, n.Level, n.Start, n.AppURL, n.Path = m.CaseRef, m.Level, m.Start, s.Settings.AppURL, MeetingPath(m.ID)
		msg, err := outbox.NewMeetingEmail(n)
		if err != nil {
			return nil, err
		}
		return []types.TransactWriteItem{outbox.Enqueue(s.Tables.Outbox, msg, now)}, nil
	}
	var out []types.TransactWriteItem
	switch it.Kind {
	case due.KindRemind7, due.KindRemind1:
		days := 7
		if it.Kind == due.KindRemind1 {
			days = 1
		}
		for _, inv := range invs {
			if inv.Removed || inv.Reply == attendance.ReplyDeclined {
				continue
			}
			w, err := email(outbox.MeetingNotice{ID: fmt.Sprintf("remind%d-%s-%s-%s", days, m.ID, inv.ID, day), Kind: outbox.KindMeetingReminder,
				To: []string{inv.Email}, Days: days})
			if err != nil {
				return nil, err
			}
			out = append(out, w...)
		}
	case due.KindChase:
		inv, ok := find(invs, it.InvitationID)
		if !ok || inv.Reply != attendance.ReplyAwaiting {
			return nil, nil
		}
		acc, dec, err := s.replyLinks(m, inv)
		if err != nil {
			return nil, err
		}
		return email(outbox.MeetingNotice{ID: "chase-" + m.ID + "-" + inv.ID + "-s" + itoa(m.Sequence), Kind: outbox.KindReplyChaser,
			To: []string{inv.Email}, AcceptURL: acc, DeclineURL: dec, Urgent: m.ShortNotice})
	case due.KindReport:
		if m.ReportReceived || !attendance.ReportDue(invitees(invs)) {
			return nil, nil
		}
		to := []string{s.Settings.MappaInbox}
		for _, inv := range invs {
			if !inv.Removed && inv.Reply == attendance.ReplyDeclined {
				to = append(to, inv.Email)
			}
		}
		out, err = email(outbox.MeetingNotice{ID: "report-" + m.ID + "-" + it.Day.String(), Kind: outbox.KindReportDue, To: to})
		if err != nil {
			return nil, err
		}
		if next := it.Day.AddDays(1); next.Before(day) {
			it2 := it
			it2.Day, it2.Step = next, it.Step+1
			w, err := due.Put(s.Tables.Cases, it2)
			if err != nil {
				return nil, err
			}
			out = append(out, w)
		}
	case due.KindAttendance:
		missing := false
		for _, inv := range invs {
			if !inv.Removed && inv.Outcome == "" {
				missing = true
			}
		}
		if !missing {
			return nil, nil
		}
		return email(outbox.MeetingNotice{ID: "attendance-" + m.ID + "-s" + itoa(m.Sequence), Kind: outbox.KindAttendanceDue, To: []string{s.Settings.MappaInbox}})
	case due.KindEscalate:
		return s.escalate(ctx, m, invs, it, now, email)
	default:
		return nil, fmt.Errorf("notice: cannot handle due kind %q", it.Kind)
	}
	return out, nil
}

func (s *Service) escalate(ctx context.Context, m Meeting, invs []Invitation, it due.Item, now time.Time,
	email func(outbox.MeetingNotice) ([]types.TransactWriteItem, error)) ([]types.TransactWriteItem, error) {
	inv, ok := find(invs, it.InvitationID)
	step := attendance.Step(it.Step)
	if !ok || !inv.Outcome.Unexplained() || inv.Step >= step {
		return nil, nil // explained since, or already escalated this far
	}
	repeats, err := s.absences(ctx, inv.StaffID, civil.Today(now))
	if err != nil {
		return nil, err
	}
	var out []types.TransactWriteItem
	switch step {
	case attendance.StepLineManager:
		to := inv.LineManagerEmail
		if to == "" {
			to = s.Settings.MappaInbox
		}
		out, err = email(outbox.MeetingNotice{ID: "escalate-manager-" + m.ID + "-" + inv.ID, Kind: outbox.KindEscalationManager, To: []string{to}})
	case attendance.StepBoard:
		to := s.Settings.Coordinator
		if to == "" {
			to = s.Settings.MappaInbox
		}
		out, err = email(outbox.MeetingNotice{ID: "escalate-board-" + m.ID + "-" + inv.ID, Kind: outbox.KindEscalationBoard, To: []string{to}})
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	prev := inv.Version
	inv.Step, inv.Version = step, inv.Version+1
	w, err := s.invitePut(inv, prev)
	if err != nil {
		return nil, err
	}
	out = append(out, w, s.audit("system:reminders", ActionAttendance, m, "escalated "+itoa(int(step))))
	if next := attendance.Next(step, repeats); next != attendance.StepNone {
		n := it
		n.Day, n.Step = s.Calendar.NextWorkingDay(it.Day), int(next)
		d, err := due.Put(s.Tables.Cases, n)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// absences counts a person's unexplained non-attendances in the repeat
// window up to today (one Query on their ABSENT# partition).
func (s *Service) absences(ctx context.Context, staffID string, today civil.Date) (int, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:              aws.String(s.Tables.Cases),
		KeyConditionExpression: aws.String("pk = :pk AND sk >= :from"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": dynamo.S("ABSENT#" + staffID), ":from": dynamo.S(today.AddDays(-attendance.RepeatWindowDays).String()),
		},
		Select: types.SelectCount,
	})
	if err != nil {
		return 0, fmt.Errorf("notice: absences: %w", err)
	}
	return int(out.Count), nil
}
