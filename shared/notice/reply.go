package notice

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/attendance"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/replylink"
	"github.com/mappa-coordinator/mappa/shared/report"
	"github.com/mappa-coordinator/mappa/shared/reportstore"
)

// ReplyView is what a reply page may show: no names, no case details
// beyond the reference, the level and the time.
type ReplyView struct {
	Action  replylink.Action
	CaseRef string
	Level   int
	Start   time.Time
}

// CheckReply verifies a reply token and returns what its landing page
// shows. It changes nothing.
func (s *Service) CheckReply(ctx context.Context, token string) (ReplyView, error) {
	c, err := replylink.Verify(s.Keys, token, s.Clock.Now())
	if err != nil {
		return ReplyView{}, err
	}
	m, invs, err := s.Get(ctx, c.MeetingID)
	if err != nil {
		return ReplyView{}, err
	}
	if m.Status == StatusCancelled {
		return ReplyView{}, ErrCancelled
	}
	if _, ok := find(invs, c.InvitationID); !ok {
		return ReplyView{}, ErrNotFound
	}
	if used, err := s.used(ctx, token); err != nil {
		return ReplyView{}, err
	} else if used {
		return ReplyView{}, ErrUsed
	}
	return ReplyView{Action: c.Action, CaseRef: m.CaseRef, Level: m.Level, Start: m.Start}, nil
}

func (s *Service) used(ctx context.Context, token string) (bool, error) {
	out, err := s.DB.GetItem(ctx, &getInput{TableName: aws.String(s.Tables.Cases), Key: usedKey(token).Attrs(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, fmt.Errorf("notice: reply link: %w", err)
	}
	return len(out.Item) > 0, nil
}

func usedKey(token string) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("REPLYUSED#" + replylink.Hash(token)), SK: "USED"}
}

func find(invs []Invitation, id string) (Invitation, bool) {
	for _, inv := range invs {
		if inv.ID == id && !inv.Removed {
			return inv, true
		}
	}
	return Invitation{}, false
}

// Reply records the reply a link makes: accept, or decline with what is
// offered instead. The link is used once: the token's hash is written with
// a must-not-exist condition in the same transaction as the reply, so a
// replayed link changes nothing.
func (s *Service) Reply(ctx context.Context, token string, decline attendance.Decline) (ReplyView, error) {
	now := s.Clock.Now()
	c, err := replylink.Verify(s.Keys, token, now)
	if err != nil {
		return ReplyView{}, err
	}
	m, invs, err := s.Get(ctx, c.MeetingID)
	if err != nil {
		return ReplyView{}, err
	}
	if m.Status == StatusCancelled {
		return ReplyView{}, ErrCancelled
	}
	inv, ok := find(invs, c.InvitationID)
	if !ok {
		return ReplyView{}, ErrNotFound
	}
	prev := inv.Version
	inv.Version++
	inv.RepliedAt = ts(now)
	if c.Action == replylink.Accept {
		inv.Reply, inv.Instead, inv.Deputy = attendance.ReplyAccepted, "", ""
	} else {
		if errs := decline.Validate(); len(errs) > 0 {
			return ReplyView{}, &FieldErrors{Fields: errs}
		}
		inv.Reply, inv.Instead = attendance.ReplyDeclined, decline.Instead
		inv.Deputy = ""
		if decline.Instead == attendance.InsteadDeputy {
			inv.Deputy = strings.TrimSpace(decline.Deputy)
		}
	}
	w, err := s.invitePut(inv, prev)
	if err != nil {
		return ReplyView{}, err
	}
	k := usedKey(token)
	usedPut := types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.Tables.Cases),
		Item: k.With(map[string]types.AttributeValue{"type": dynamo.S("reply-used"),
			"meetingId": dynamo.S(m.ID), "inviteId": dynamo.S(inv.ID), "action": dynamo.S(string(c.Action)), "at": dynamo.S(ts(now))}),
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}
	writes := []types.TransactWriteItem{usedPut, w, s.audit("reply-link:"+inv.ID, ActionReply, m, string(c.Action))}
	// Declining with nobody going: the written report is due now; the
	// daily sweep chases it.
	invs = replace(invs, inv)
	if attendance.ReportDue(invitees(invs)) && !m.ReportReceived {
		today := civil.Today(now)
		if today.Before(civil.Today(m.Start)) {
			d, err := due.Put(s.Tables.Cases, due.Item{Day: today, Kind: due.KindReport, Ref: m.ID, MeetingID: m.ID,
				CaseID: m.CaseID, CaseRef: m.CaseRef, Path: MeetingPath(m.ID), DueOn: civil.Today(m.Start).String()})
			if err != nil {
				return ReplyView{}, err
			}
			writes = append(writes, d)
		}
	}
	if _, err := s.DB.TransactWriteItems(ctx, &txInput{TransactItems: writes}); err != nil {
		if failed, ok := dynamo.CancelledBy(err); ok {
			for _, i := range failed {
				if i == 0 {
					return ReplyView{}, ErrUsed
				}
			}
			return ReplyView{}, ErrConflict
		}
		return ReplyView{}, fmt.Errorf("notice: reply: %w", err)
	}
	return ReplyView{Action: c.Action, CaseRef: m.CaseRef, Level: m.Level, Start: m.Start}, nil
}

func replace(invs []Invitation, inv Invitation) []Invitation {
	out := make([]Invitation, len(invs))
	for i, x := range invs {
		if x.ID == inv.ID {
			x = inv
		}
		out[i] = x
	}
	return out
}

func invitees(invs []Invitation) []attendance.Invitee {
	var out []attendance.Invitee
	for _, inv := range invs {
		if !inv.Removed {
			out = append(out, attendance.Invitee{Reply: inv.Reply, Instead: inv.Instead})
		}
	}
	return out
}

// FieldErrors are messages per form field.
type FieldErrors struct{ Fields map[string]string }

func (e *FieldErrors) Error() string { return "notice: invalid input" }

// ErrInvalidToken reports whether err is a refused link (tampered,
// expired, malformed).
func ErrInvalidToken(err error) bool {
	return errors.Is(err, replylink.ErrMalformed) || errors.Is(err, replylink.ErrSignature) ||
		errors.Is(err, replylink.ErrExpired) || errors.Is(err, replylink.ErrPurpose)
}

// RecordAttendance records what happened at the meeting for one attendee
// (the business support officer, after the meeting). An unexplained
// absence starts the escalation ladder at once: the chair (and the MAPPA
// inbox) are told, the absence is counted against the person, and the line
// manager step is scheduled LineManagerAfterWorkingDays on.
func (s *Service) RecordAttendance(ctx context.Context, actor, meetingID, inviteID string, rec attendance.Record) (Invitation, error) {
	if errs := rec.Validate(); len(errs) > 0 {
		return Invitation{}, &FieldErrors{Fields: errs}
	}
	now := s.Clock.Now()
	m, invs, err := s.Get(ctx, meetingID)
	if err != nil {
		return Invitation{}, err
	}
	inv, ok := find(invs, inviteID)
	if !ok {
		return Invitation{}, ErrNotFound
	}
	if civil.Today(now).Before(civil.Today(m.Start)) {
		return Invitation{}, &FieldErrors{Fields: map[string]string{"outcome": "Attendance can be recorded from the day of the meeting"}}
	}
	prev := inv.Version
	wasAbsent := inv.Outcome.Unexplained()
	previousOutcome := inv.Outcome
	inv.Version++
	inv.Outcome, inv.OutcomeDeputy = rec.Outcome, strings.TrimSpace(rec.Deputy)
	inv.RecordedBy, inv.RecordedAt = actor, ts(now)
	var writes []types.TransactWriteItem
	if rec.Outcome.Unexplained() && inv.Step == attendance.StepNone {
		inv.Step = attendance.StepChair
		to := []string{s.Settings.MappaInbox}
		if m.ChairEmail != "" {
			to = append([]string{m.ChairEmail}, to...)
		}
		msg, err := outbox.NewMeetingEmail(outbox.MeetingNotice{ID: "escalate-chair-" + m.ID + "-" + inv.ID,
			Kind: outbox.KindEscalationChair, To: to, CaseRef: m.CaseRef, Level: m.Level, Start: m.Start,
			AppURL: s.Settings.AppURL, Path: MeetingPath(m.ID)})
		if err != nil {
			return Invitation{}, err
		}
		next, err := due.Put(s.Tables.Cases, due.Item{Day: s.Calendar.AddWorkingDays(civil.Today(now), LineManagerAfterWorkingDays()),
			Kind: due.KindEscalate, Ref: m.ID + "." + inv.ID, MeetingID: m.ID, InvitationID: inv.ID, CaseID: m.CaseID,
			CaseRef: m.CaseRef, Path: MeetingPath(m.ID), Step: int(attendance.StepLineManager)})
		if err != nil {
			return Invitation{}, err
		}
		writes = append(writes, outbox.Enqueue(s.Tables.Outbox, msg, now), next)
	}
	if rec.Outcome.Unexplained() && !wasAbsent {
		// Counted against the person (repeats go to the Board).
		writes = append(writes, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Tables.Cases),
			Item: absentKey(inv.StaffID, m).With(map[string]types.AttributeValue{
				"type": dynamo.S("absence"), "meetingId": dynamo.S(m.ID), "inviteId": dynamo.S(inv.ID)})}})
	}
	if wasAbsent && !rec.Outcome.Unexplained() {
		// Explained after all: it no longer counts towards a repeat.
		writes = append(writes, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Tables.Cases),
			Key: absentKey(inv.StaffID, m).Attrs()}})
	}
	w, err := s.invitePut(inv, prev)
	if err != nil {
		return Invitation{}, err
	}
	writes = append([]types.TransactWriteItem{w}, writes...)
	writes = append(writes, s.audit(actor, ActionAttendance, m, string(rec.Outcome)))
	// The Board's attendance figures, in the same transaction: this
	// invitee counted once (a correction takes the earlier outcome back).
	if s.Tables.Referrals != "" {
		writes = append(writes, reportstore.Increments(s.Tables.Referrals, report.ForAttendance(inv.Role, m.Level, string(previousOutcome), string(rec.Outcome), m.Start))...)
	}
	if err := s.commit(ctx, writes); err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

// LineManagerAfterWorkingDays is attendance.LineManagerAfterWorkingDays
// (a function so tests read one source).
func LineManagerAfterWorkingDays() int { return attendance.LineManagerAfterWorkingDays }

// MarkReportReceived records that the written report has gone to the
// chair; the report chasers stop.
func (s *Service) MarkReportReceived(ctx context.Context, actor, meetingID string) (Meeting, error) {
	m, _, err := s.Get(ctx, meetingID)
	if err != nil {
		return Meeting{}, err
	}
	if m.ReportReceived {
		return m, nil
	}
	prev := m.Version
	m.ReportReceived, m.Version = true, m.Version+1
	w, err := s.meetingPut(m, prev)
	if err != nil {
		return Meeting{}, err
	}
	writes := []types.TransactWriteItem{w, s.audit(actor, ActionReport, m, "report-received")}
	if s.Tables.Referrals != "" {
		// Counted once: a second call finds ReportReceived and writes nothing.
		writes = append(writes, reportstore.Increments(s.Tables.Referrals, report.ForWrittenReport(m.Start))...)
	}
	if err := s.commit(ctx, writes); err != nil {
		return Meeting{}, err
	}
	return m, nil
}

func absentKey(staffID string, m Meeting) dynamo.Key {
	return dynamo.Key{PK: dynamo.PK("ABSENT#" + staffID), SK: dynamo.SK(civil.Today(m.Start).String() + "#" + m.ID)}
}
