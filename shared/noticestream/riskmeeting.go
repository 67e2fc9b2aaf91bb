package noticestream

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/rota"
	"github.com/mappa-coordinator/mappa/shared/rotastream"
	"github.com/mappa-coordinator/mappa/shared/staff"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// ActionRiskMeeting is the audit action of a month's internal risk
// meeting asked for.
const ActionRiskMeeting audit.Action = "case.risk-meeting"

// RiskMeetings is the sweep's handler for the monthly internal risk
// meeting of a high or very high risk case (S0; due kind risk-meeting,
// written first by the rota when the case became high risk). While the
// case is open, accepted and still high risk (rota.HighRisk) it gives the
// case's manager (the continuity service manager, or head of service at
// level 3; the business support officers when there is none) a task for
// the month's meeting and an email, and schedules next month's, all in the
// transaction that pops the item. When the risk has fallen it does
// nothing, and the series stops.
type RiskMeetings struct {
	Cases interface {
		GetCase(ctx context.Context, id string) (store.Case, error)
	}
	People interface {
		GetContinuity(ctx context.Context, caseID string, role staff.Role) (string, error)
		GetPerson(ctx context.Context, id string) (staff.Person, error)
	}
	// Send builds the email (reminders.DueWork).
	Send interface {
		Effects(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error)
	}
	Tables     struct{ Cases, Meetings, Audit string }
	MappaInbox string
	IDs        ids.Generator
}

// Effects asks for the month's meeting and schedules the next.
func (r RiskMeetings) Effects(ctx context.Context, it due.Item, now time.Time) ([]types.TransactWriteItem, error) {
	caseID, base, ok := rotastream.ParseRiskMeetingRef(it.Ref)
	if !ok {
		return nil, fmt.Errorf("noticestream: risk meeting ref %q", it.Ref)
	}
	c, err := r.Cases.GetCase(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("noticestream: case %s: %w", caseID, err)
	}
	level := rota.IRAMMRisk(string(c.Risk), string(c.RAG))
	if c.Status != store.CaseOpen || c.AcceptedAt.IsZero() || !level.AtLeastHigh() {
		return nil, nil // the risk has fallen (or the case closed): the series stops
	}
	dueOn, err := civil.Parse(it.DueOn)
	if err != nil {
		return nil, fmt.Errorf("noticestream: risk meeting %s: due date: %w", it.Ref, err)
	}
	owner, err := r.People.GetContinuity(ctx, caseID, rota.ManagerRole(c.Level))
	if err != nil {
		return nil, fmt.Errorf("noticestream: manager of %s: %w", caseID, err)
	}
	to := r.MappaInbox
	t := meeting.Task{ID: "risk-meeting-" + caseID + "-" + base.String(), CaseID: caseID, Kind: meeting.TaskRiskMeeting,
		Title:  "Hold this month's internal risk meeting (high or very high risk)",
		Detail: "The case's risk of serious harm is high or very high (or its traffic light AMBER or RED): an internal risk meeting is held every month while it stays so (S0).",
		Due:    dueOn, Status: meeting.Open, CreatedAt: now.UTC(), CreatedBy: Actor, Version: 1}
	if owner != "" {
		t.OwnerID = owner
		p, err := r.People.GetPerson(ctx, owner)
		if err != nil && !errors.Is(err, meetingstore.ErrNotFound) {
			return nil, fmt.Errorf("noticestream: manager %s: %w", owner, err)
		}
		if p.Email != "" {
			to = p.Email
		}
	} else {
		t.OwnerRole = string(staff.RoleBSO)
		t.Title += " (the case has no manager yet: a business support officer must arrange it)"
	}
	send := it
	send.To, send.DueOn = []string{to}, dueOn.String()
	out, err := r.Send.Effects(ctx, send, now)
	if err != nil {
		return nil, err
	}
	out = append(out, meetingstore.TaskPut(r.Tables.Meetings, t))
	next, ok := rotastream.RiskMeetingItem(caseID, level, base)
	if !ok {
		return nil, fmt.Errorf("noticestream: risk meeting %s: no next date at %s risk", it.Ref, level)
	}
	if !next.Day.After(it.Day) {
		next.Day = it.Day.AddDays(1)
	}
	w, err := due.Put(r.Tables.Cases, next)
	if err != nil {
		return nil, err
	}
	out = append(out, w)
	if r.IDs != nil && r.Tables.Audit != "" {
		out = append(out, audit.Entry{ID: r.IDs.New(), At: now, Actor: Actor, Action: ActionRiskMeeting, Subject: "case:" + caseID,
			CaseID: caseID, Reason: "month " + base.String()[:7]}.TransactItem(r.Tables.Audit))
	}
	return out, nil
}
