package e2e_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/infra/streams"
	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/noticestream"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/reminders"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

// An action agreed at a meeting gets its reminders through the meetings
// stream: the owner is reminded when it is coming due; once it is closed
// the overdue reminder sends nothing.
func TestActionRemindersThroughTheStream(t *testing.T) {
	f := newRotaFlow(t)
	ctx := context.Background()
	h := f.noticeHandler(5)
	fn, _ := f.tmpl.Function("RemindersFunction")
	var cs []*streams.Consumer
	for _, ev := range fn.Events {
		if ev.Stream == nil {
			continue
		}
		table := map[string]string{"MeetingsTable": f.h.Tables.Meetings, "RotaTable": f.h.Tables.Rota}[ev.Stream.Table]
		if table == "" {
			t.Fatalf("RemindersFunction reads the stream of %s", ev.Stream.Table)
		}
		c, err := streams.FromTemplate("RemindersFunction", *ev.Stream, table, f.api, streams.Handler(h.Handle))
		if err != nil {
			t.Fatal(err)
		}
		c.RetryDelay, c.PollInterval = -1, 50*time.Millisecond
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		c.OnFailure = func(_ context.Context, p streams.Parked) { f.parked = append(f.parked, p) }
		cs = append(cs, c)
	}
	caseID := f.newCase()
	today := civil.Today(f.h.Clock.Now())
	dueOn := today.AddDays(6)
	if _, err := f.ms.CreateAction(ctx, meeting.Action{ID: "act1", CaseID: caseID, MeetingID: "m0", Text: "Visit the school",
		OwnerID: seed.ServiceMgr1, Due: dueOn, Status: meeting.Open, CreatedAt: f.h.Clock.Now(), CreatedBy: "staff-bso-1"}, meetingstore.Effects{}); err != nil {
		t.Fatal(err)
	}
	f.drain(cs)
	work := reminders.DueWork{Outbox: f.h.Tables.Outbox, AppURL: appOrigin}
	open := noticestream.OpenWork{DB: f.h.DB, MeetingsTable: f.h.Tables.Meetings, Send: work}
	sw := &reminders.Sweeper{DB: f.h.DB, Table: f.h.Tables.Cases, Outbox: f.h.Tables.Outbox, Clock: f.h.Clock,
		Calendar: workdays.EnglandAndWales(), Handlers: map[due.Kind]reminders.Handler{due.KindActionDue: open, due.KindActionOverdue: open}, Default: work}
	if _, err := sw.Run(ctx); err != nil { // today: starts the cursor
		t.Fatal(err)
	}
	at := func(d civil.Date) { f.h.Clock.Set(d.In(time.UTC).Add(7 * time.Hour)) }
	ref := "action." + caseID + ".act1"
	soon := dueOn.AddDays(-noticestream.ComingDueDays)
	at(soon)
	if _, err := sw.Run(ctx); err != nil {
		t.Fatal(err)
	}
	m, err := outbox.Get(ctx, f.h.DB, f.h.Tables.Outbox, "due-action-due-"+ref+"-"+soon.String())
	if err != nil || m.To[0] != "hana.dummy@example.gov.uk" || m.CaseRef != caseID {
		t.Fatalf("coming-due reminder: %+v %v", m, err)
	}
	// Closed: the overdue reminder sends nothing.
	if _, err := f.ms.UpdateAction(ctx, caseID, "act1", func(a *meeting.Action) (meetingstore.Effects, error) {
		return meetingstore.Effects{}, a.Close(meeting.ClosedDone, "", f.h.Clock.Now(), "staff-bso-1")
	}); err != nil {
		t.Fatal(err)
	}
	f.drain(cs)
	at(dueOn.AddDays(1))
	rep, err := sw.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := outbox.Get(ctx, f.h.DB, f.h.Tables.Outbox, "due-action-overdue-"+ref+"-"+dueOn.AddDays(1).String()); !errors.Is(err, outbox.ErrNotFound) {
		t.Fatalf("overdue reminder for a closed action: %v (report %+v)", err, rep)
	}
	if rep.Done == 0 {
		t.Fatalf("the overdue item was not popped: %+v", rep)
	}

	// A DBS re-check due in 40 days: reminded 28 days before; once a new
	// check is recorded the old reminder sends nothing.
	sw.Handlers[due.KindDBS] = noticestream.DBSCheck{People: f.ms, Send: work}
	f.h.Clock.Set(today.In(time.UTC).Add(12 * time.Hour))
	p, err := f.ms.GetPerson(ctx, seed.ServiceMgr2)
	if err != nil {
		t.Fatal(err)
	}
	p.DBSNextDue = today.AddDays(40)
	if p, err = f.ms.SavePerson(ctx, p, p.Version, meetingstore.Effects{}); err != nil {
		t.Fatal(err)
	}
	f.drain(cs)
	dbsDay := today.AddDays(40 - noticestream.DBSWarningDays)
	dbsRef := "dbs." + seed.ServiceMgr2 + "." + today.AddDays(40).String()
	at(dbsDay)
	if _, err := sw.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if m, err := outbox.Get(ctx, f.h.DB, f.h.Tables.Outbox, "due-dbs-"+dbsRef+"-"+dbsDay.String()); err != nil || m.To[0] != "ivo.notreal@example.gov.uk" {
		t.Fatalf("DBS reminder: %+v %v", m, err)
	}
	p, _ = f.ms.GetPerson(ctx, seed.ServiceMgr2)
	p.DBSCheckedOn, p.DBSNextDue = dbsDay, dbsDay.AddYears(3)
	if _, err := f.ms.SavePerson(ctx, p, p.Version, meetingstore.Effects{}); err != nil {
		t.Fatal(err)
	}
	f.drain(cs)
	at(today.AddDays(40))
	if _, err := sw.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := outbox.Get(ctx, f.h.DB, f.h.Tables.Outbox, "due-dbs-"+dbsRef+"-"+today.AddDays(40).String()); !errors.Is(err, outbox.ErrNotFound) {
		t.Fatalf("DBS reminder after a new check: %v", err)
	}
	today = civil.Today(f.h.Clock.Now())

	// A level 2 meeting held: the next review is reminded 14 days before
	// its window closes, unless a meeting is booked by then.
	review := noticestream.ReviewCheck{Meetings: f.ms, Send: work}
	sw.Handlers[due.KindReviewDue], sw.Handlers[due.KindReviewOverdue] = review, review
	held := today.AddDays(7)
	f.h.Clock.Set(held.In(time.UTC).Add(12 * time.Hour))
	f.meet(caseID, "rv1", 2, held)
	if _, err := f.ms.UpdateMeeting(ctx, "rv1", func(m *meeting.Meeting) (meetingstore.Effects, error) {
		return meetingstore.Effects{}, m.Hold(f.h.Clock.Now(), "staff-bso-1")
	}); err != nil {
		t.Fatal(err)
	}
	f.drain(cs)
	prop, err := meeting.ProposeNextReview(f.get("rv1"), cadence.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	latest := prop.Window.Latest
	warn := latest.AddDays(-noticestream.ReviewWarningDays)
	items, _, err := due.List(ctx, f.h.DB, f.h.Tables.Cases, warn)
	if err != nil || len(items) != 1 || items[0].Kind != due.KindReviewDue {
		t.Fatalf("review reminder on %s: %+v %v", warn, items, err)
	}
	at(warn)
	if _, err := sw.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := outbox.Get(ctx, f.h.DB, f.h.Tables.Outbox, "due-review-due-review."+caseID+".rv1-"+warn.String()); err != nil {
		t.Fatalf("no review-due reminder with no meeting booked: %v", err)
	}
	// The held meeting edited after the reminder went: the stream writes
	// the review's reminder again (on today, the first day being past); it
	// is sent once per review, so nothing more goes.
	edited := warn.AddDays(2)
	f.h.Clock.Set(edited.In(time.UTC).Add(9 * time.Hour))
	if _, err := f.ms.UpdateMeeting(ctx, "rv1", func(m *meeting.Meeting) (meetingstore.Effects, error) {
		m.Place = "Room 2"
		return meetingstore.Effects{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	f.drain(cs)
	if items, _, err := due.List(ctx, f.h.DB, f.h.Tables.Cases, edited); err != nil || len(items) != 1 || items[0].Once == "" {
		t.Fatalf("the edit should schedule the reminder again, with its key: %+v %v", items, err)
	}
	at(edited.AddDays(1))
	rep, err = sw.Run(ctx)
	if err != nil || rep.Repeats != 1 || rep.Emails != 0 {
		t.Fatalf("the review reminder repeated after an edit: %+v %v", rep, err)
	}
	if _, err := outbox.Get(ctx, f.h.DB, f.h.Tables.Outbox, "due-review-due-review."+caseID+".rv1-"+edited.String()); !errors.Is(err, outbox.ErrNotFound) {
		t.Fatalf("a second review-due email: %v", err)
	}
	// A meeting booked: the overdue reminder sends nothing.
	f.meet(caseID, "rv2", 2, latest.AddDays(3))
	at(latest.AddDays(1))
	if _, err := sw.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := outbox.Get(ctx, f.h.DB, f.h.Tables.Outbox, "due-review-overdue-review."+caseID+".rv1-"+latest.AddDays(1).String()); !errors.Is(err, outbox.ErrNotFound) {
		t.Fatalf("review-overdue sent although a meeting is booked: %v", err)
	}
}
