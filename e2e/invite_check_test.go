package e2e_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/noticestream"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/reminders"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

// Invitations not yet sent are swept on the meeting's notice deadline (14
// days before, S3): a meeting whose attendees the rota chose, but whose
// invitations never went (the stream record that should have sent them
// was parked), is invited by the sweep, in the transaction that pops the
// check; a meeting nobody has been chosen for is reported to the MAPPA
// inbox. A second run sends nothing more.
func TestInvitationsNotYetSentAreSweptOnTheNoticeDeadline(t *testing.T) {
	f := newRotaFlow(t)
	ctx := context.Background()
	h := f.noticeHandler(6)
	work := reminders.DueWork{Outbox: f.h.Tables.Outbox, AppURL: appOrigin}
	sw := &reminders.Sweeper{DB: f.h.DB, Table: f.h.Tables.Cases, Outbox: f.h.Tables.Outbox, Clock: f.h.Clock,
		Calendar: workdays.EnglandAndWales(), Default: work, Handlers: map[due.Kind]reminders.Handler{
			due.KindInvite: noticestream.InviteCheck{H: h, Send: work, MappaInbox: "mappa-inbox@example.gov.uk"}}}
	run := func() reminders.Report {
		t.Helper()
		rep, err := sw.Run(ctx)
		if err != nil || rep.Failed != 0 {
			t.Fatalf("sweep: %+v %v", rep, err)
		}
		return rep
	}
	run() // starts the cursor
	caseID := f.newCase()
	today := civil.Today(f.h.Clock.Now())
	date := today.AddDays(40)
	deadline := date.AddDays(-cadence.Default().Policy().NoticeDays)

	// Meeting A: its first record (no attendees yet) schedules the check;
	// the rota then chooses the attendees, but the record that would have
	// invited them is never handled.
	f.meet(caseID, "ia", 2, date)
	if err := h.Sync(ctx, "ia"); err != nil {
		t.Fatal(err)
	}
	f.drain(f.consumers())
	a := f.get("ia")
	if len(a.Attendees) == 0 {
		t.Fatal("the rota chose nobody for meeting A")
	}
	// Meeting B: checked, but nobody is ever chosen.
	f.meet(caseID, "ib", 2, date)
	if err := h.Sync(ctx, "ib"); err != nil {
		t.Fatal(err)
	}
	items, _, err := due.List(ctx, f.h.DB, f.h.Tables.Cases, deadline)
	if err != nil || len(items) != 2 {
		t.Fatalf("invitation checks on %s: %+v %v", deadline, items, err)
	}
	for _, a := range a.Attendees {
		if _, err := outbox.Get(ctx, f.h.DB, f.h.Tables.Outbox, "invite-ia-"+a.StaffID+"-s0"); !errors.Is(err, outbox.ErrNotFound) {
			t.Fatalf("an invitation went before the deadline: %v", err)
		}
	}

	f.h.Clock.Set(deadline.In(time.UTC).Add(7 * time.Hour))
	rep := run()
	for _, at := range a.Attendees {
		m, err := outbox.Get(ctx, f.h.DB, f.h.Tables.Outbox, "invite-ia-"+at.StaffID+"-s0")
		if err != nil || len(m.Attachments) != 1 {
			t.Fatalf("the sweep did not invite %s to meeting A: %+v %v", at.StaffID, m, err)
		}
	}
	alert, err := outbox.Get(ctx, f.h.DB, f.h.Tables.Outbox, "due-invite-ib-"+deadline.String())
	if err != nil || alert.To[0] != "mappa-inbox@example.gov.uk" || alert.Subject[:7] != "URGENT:" {
		t.Fatalf("meeting B with nobody chosen is not reported: %+v %v", alert, err)
	}
	if _, err := outbox.Get(ctx, f.h.DB, f.h.Tables.Outbox, "due-invite-ia-"+deadline.String()); !errors.Is(err, outbox.ErrNotFound) {
		t.Fatalf("meeting A, fully invited, was reported: %v", err)
	}
	if rep.Emails != len(a.Attendees)+1 {
		t.Errorf("the deadline's run queued %d emails, want %d", rep.Emails, len(a.Attendees)+1)
	}
	if again := run(); again.Emails != 0 {
		t.Fatalf("a second run sent %d emails", again.Emails)
	}
}
