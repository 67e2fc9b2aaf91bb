// Package remindersfn builds the RemindersFunction's handler: the daily
// sweep and the meetings-stream consumer that keeps invitations in step.
// It is its own package so each function links and initialises only what
// it uses.
package remindersfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/mappa-coordinator/mappa/shared/app/noticefn"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/lambdaevent"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/notice"
	"github.com/mappa-coordinator/mappa/shared/noticestream"
	"github.com/mappa-coordinator/mappa/shared/reminders"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/wiring"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

// New builds the RemindersFunction's sweep.
func New(ctx context.Context, deps wiring.Deps) (*reminders.Sweeper, error) {
	svc, err := noticefn.Notices(ctx, deps)
	if err != nil {
		return nil, err
	}
	handlers := map[due.Kind]reminders.Handler{}
	for _, k := range notice.Kinds {
		handlers[k] = svc
	}
	work := reminders.DueWork{Outbox: deps.Tables.Outbox, AppURL: deps.Config.AppOrigin}
	if deps.Tables.Meetings != "" {
		open := noticestream.OpenWork{DB: deps.DB, MeetingsTable: deps.Tables.Meetings, Send: work}
		handlers[due.KindActionDue], handlers[due.KindActionOverdue] = open, open
		review := noticestream.ReviewCheck{Meetings: meetingstore.New(deps.DB, meetingstore.TablesFrom(deps.Tables), deps.Clock), Send: work}
		handlers[due.KindReviewDue], handlers[due.KindReviewOverdue] = review, review
		handlers[due.KindDBS] = noticestream.DBSCheck{People: meetingstore.New(deps.DB, meetingstore.TablesFrom(deps.Tables), deps.Clock), Send: work}
		// Supervision and the emergency internal risk meeting: reminded
		// while their task is open; the monthly one asks for each month's
		// meeting while the risk stays high.
		handlers[due.KindSupervision], handlers[due.KindEmergencyRisk] = open, open
		handlers[due.KindRiskMeeting] = RiskMeetings(deps, work)
		// Invitations not yet sent by the notice deadline.
		handlers[due.KindInvite] = noticestream.InviteCheck{H: &noticestream.Handler{
			Store: meetingstore.New(deps.DB, meetingstore.TablesFrom(deps.Tables), deps.Clock), Notices: svc},
			Send: work, MappaInbox: deps.Config.MappaInbox}
	}
	digest := deps.Config.DigestTo
	if len(digest) == 0 && deps.Config.MappaInbox != "" {
		digest = []string{deps.Config.MappaInbox}
	}
	return &reminders.Sweeper{DB: deps.DB, Table: deps.Tables.Cases, Outbox: deps.Tables.Outbox, Clock: deps.Clock,
		Calendar: workdays.EnglandAndWales(), Handlers: handlers,
		Default:  work,
		DigestTo: digest, AppURL: deps.Config.AppOrigin}, nil
}

// RiskMeetings is the sweep's handler of the monthly internal risk
// meeting, over deps' tables.
func RiskMeetings(deps wiring.Deps, send reminders.DueWork) noticestream.RiskMeetings {
	ms := meetingstore.New(deps.DB, meetingstore.TablesFrom(deps.Tables), deps.Clock)
	r := noticestream.RiskMeetings{Cases: store.New(deps.DB, deps.Tables, deps.Clock), People: ms, Send: send,
		MappaInbox: deps.Config.MappaInbox, IDs: deps.IDs}
	r.Tables.Cases, r.Tables.Meetings, r.Tables.Audit = deps.Tables.Cases, deps.Tables.Meetings, deps.Tables.Audit
	return r
}

// Stream builds the RemindersFunction's meetings-stream consumer (keeps
// invitations in step with the meetings the rota staffs).
func Stream(ctx context.Context, deps wiring.Deps) (*noticestream.Handler, error) {
	if err := deps.Tables.Require(dynamo.EnvMeetings, dynamo.EnvRota); err != nil {
		return nil, fmt.Errorf("remindersfn: %w", err)
	}
	svc, err := noticefn.Notices(ctx, deps)
	if err != nil {
		return nil, err
	}
	return &noticestream.Handler{Store: meetingstore.New(deps.DB, meetingstore.TablesFrom(deps.Tables), deps.Clock), Notices: svc,
		Work: &noticestream.Work{DB: deps.DB, CasesTable: deps.Tables.Cases, MappaInbox: deps.Config.MappaInbox, Clock: deps.Clock}}, nil
}

// Sweep runs one sweep and logs its report (the days acted on and what
// was sent).
func Sweep(s *reminders.Sweeper) func(context.Context) (reminders.Report, error) {
	return func(ctx context.Context) (reminders.Report, error) {
		rep, err := s.Run(ctx)
		slog.InfoContext(ctx, "reminders: sweep", slog.Any("days", rep.Days), slog.Int("read", rep.Read),
			slog.Int("done", rep.Done), slog.Int("skipped", rep.Skipped), slog.Int("failed", rep.Failed),
			slog.Int("emails", rep.Emails), slog.Bool("digest", rep.Digest))
		return rep, err
	}
}

// Handler is the RemindersFunction's Lambda entry point: a DynamoDB stream
// batch (the meetings table) goes to the stream consumer; the schedule's
// {"sweep":"reminders"} runs one sweep and returns its report.
func Handler(s *reminders.Sweeper, st *noticestream.Handler) func(context.Context, json.RawMessage) (any, error) {
	sweep := Sweep(s)
	return func(ctx context.Context, payload json.RawMessage) (any, error) {
		ev, err := lambdaevent.Decode(payload)
		if err != nil {
			return nil, fmt.Errorf("reminders: %w", err)
		}
		switch {
		case ev.Stream != nil:
			return st.Handle(ctx, *ev.Stream)
		case ev.Sweep == "reminders":
			return sweep(ctx)
		default:
			return nil, errors.New(`reminders: unknown event: want a DynamoDB stream batch or {"sweep":"reminders"}`)
		}
	}
}
