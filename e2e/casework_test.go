package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/noticestream"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/reminders"
	"github.com/mappa-coordinator/mappa/shared/risk"
	"github.com/mappa-coordinator/mappa/shared/rotastream"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

// The council's own work on a case it has accepted (S0), in the real
// system: a business support officer accepts a high-risk referral through
// the staff API; the case records the acceptance in the decision's
// transaction and the cases stream carries it to the rota, which gives the
// case's service manager the supervision task (due 4 weeks on) with its
// reminder, and starts the monthly internal risk meetings. The daily sweep
// reminds of the supervision once, asks for each month's internal risk
// meeting (a task and an email) while the risk stays high, and stops when
// it falls. A rise in risk calls an emergency internal risk meeting at
// once: its email is queued by the rise, before any sweep. Replays and
// second runs add nothing.
func TestSupervisionAndInternalRiskMeetingsThroughTheStreams(t *testing.T) {
	f := newRotaFlow(t)
	ctx := context.Background()
	cal := workdays.EnglandAndWales()
	crn := fmt.Sprintf("S%06d", rand.IntN(1_000_000))
	post := func(children risk.Level) string {
		t.Helper()
		body := referraltest.With(func(m map[string]any) {
			m["agencyReference"] = "iramm-" + randHex()
			p := referraltest.Obj(m, "person")
			p["familyName"] = "Supervised"
			p["identifiers"] = map[string]any{"crn": crn}
			m["currentRisk"] = map[string]any{"children": string(children), "public": "low", "knownAdult": "low", "staff": "low", "toWhom": "Her children"}
			referraltest.Obj(m, "meetingInvitation")["date"] = civil.Today(f.h.Clock.Now()).AddDays(30).String()
		})
		resp := f.h.Do("POST", "/v1/referrals", f.h.Agency("police"), body, "Idempotency-Key", "k-"+randHex())
		if resp.Status != 202 {
			t.Fatalf("referral: %d %s", resp.Status, resp.Body)
		}
		return resp.JSON()["id"].(string)
	}
	tasks := func(caseID string, kind meeting.TaskKind) []meeting.Task {
		t.Helper()
		_, ts, err := f.ms.CaseWork(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		return slices.DeleteFunc(ts, func(tk meeting.Task) bool { return tk.Kind != kind })
	}
	queued := func(id string) outbox.Record {
		t.Helper()
		m, err := outbox.Get(ctx, f.h.DB, f.h.Tables.Outbox, id)
		if err != nil {
			t.Fatalf("email %s: %v", id, err)
		}
		return m
	}
	work := reminders.DueWork{Outbox: f.h.Tables.Outbox, AppURL: appOrigin}
	open := noticestream.OpenWork{DB: f.h.DB, MeetingsTable: f.h.Tables.Meetings, Send: work}
	rm := noticestream.RiskMeetings{Cases: f.h.Store, People: f.ms, Send: work, MappaInbox: "mappa-inbox@example.gov.uk",
		IDs: ids.Random{Clock: f.h.Clock}}
	rm.Tables.Cases, rm.Tables.Meetings, rm.Tables.Audit = f.h.Tables.Cases, f.h.Tables.Meetings, f.h.Tables.Audit
	sw := &reminders.Sweeper{DB: f.h.DB, Table: f.h.Tables.Cases, Outbox: f.h.Tables.Outbox, Clock: f.h.Clock, Calendar: cal,
		Handlers: map[due.Kind]reminders.Handler{due.KindSupervision: open, due.KindEmergencyRisk: open, due.KindRiskMeeting: rm}, Default: work}
	at := func(d civil.Date) { f.h.Clock.Set(d.In(time.UTC).Add(7 * time.Hour)) }
	run := func() reminders.Report {
		t.Helper()
		rep, err := sw.Run(ctx)
		if err != nil || rep.Failed != 0 {
			t.Fatalf("sweep: %+v %v", rep, err)
		}
		return rep
	}
	cs := f.consumers()
	today := civil.Today(f.h.Clock.Now())
	run() // starts the cursor

	// A high-risk referral, classified, then accepted by a business
	// support officer through the staff API.
	refID := post(risk.High)
	if _, err := f.h.Store.UpdateReferral(ctx, refID, func(r *store.Referral) (store.ReferralEffects, error) {
		r.Status = referral.StatusClassified
		return store.ReferralEffects{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if resp := f.h.Do("POST", "/v1/staff/referrals/"+refID+"/decisions", f.h.StaffToken("staff-bso"), []byte(`{"decision":"accept"}`)); resp.Status != 200 {
		t.Fatalf("accept: %d %s", resp.Status, resp.Body)
	}
	r, _ := f.h.Store.GetReferral(ctx, refID)
	caseID := r.CaseID
	if c, _ := f.h.Store.GetCase(ctx, caseID); !c.AcceptedAt.Equal(f.h.Clock.Now()) {
		t.Fatalf("the case was not marked accepted: %v", c.AcceptedAt)
	}
	f.drain(cs)

	// Supervision: a task for the case's service manager, due 4 weeks on
	// (or the working day before), told now and reminded a week before.
	sup := tasks(caseID, meeting.TaskSupervision)
	wantDue := cal.OnOrBefore(today.AddDays(28))
	if len(sup) != 1 || sup[0].OwnerID != seed.ServiceMgr1 || sup[0].Due != wantDue || sup[0].Status != meeting.Open {
		t.Fatalf("supervision task %+v, want one for %s due %s", sup, seed.ServiceMgr1, wantDue)
	}
	if m := queued("rota-supervision-" + caseID); m.To[0] != "hana.dummy@example.gov.uk" || strings.Contains(m.Text, "Supervised") {
		t.Fatalf("supervision email %+v", m)
	}
	remindOn := wantDue.AddDays(-rotastream.SupervisionWarningDays)
	at(remindOn)
	run()
	ref := "task." + caseID + ".supervision-" + caseID
	if m := queued("due-supervision-" + ref + "-" + remindOn.String()); m.To[0] != "hana.dummy@example.gov.uk" || !strings.Contains(m.Subject, "Supervision of this new case") {
		t.Fatalf("supervision reminder %+v", m)
	}
	if rep := run(); rep.Emails != 0 {
		t.Fatalf("a second run the same day sent %d emails", rep.Emails)
	}

	// The first monthly internal risk meeting: a task and an email to the
	// service manager, and next month's scheduled.
	base := today.AddMonths(1)
	first := cal.OnOrBefore(base)
	at(first.AddDays(-rotastream.RiskMeetingWarningDays))
	run()
	rms := tasks(caseID, meeting.TaskRiskMeeting)
	if len(rms) != 1 || rms[0].OwnerID != seed.ServiceMgr1 || rms[0].Due != first {
		t.Fatalf("monthly risk meeting task %+v, want one due %s", rms, first)
	}
	mref := rotastream.RiskMeetingRef(caseID, base)
	if m := queued("due-risk-meeting-" + mref + "-" + first.AddDays(-rotastream.RiskMeetingWarningDays).String()); m.To[0] != "hana.dummy@example.gov.uk" {
		t.Fatalf("monthly risk meeting email %+v", m)
	}
	next, _ := rotastream.RiskMeetingItem(caseID, risk.High, base)
	if items, _, _ := due.List(ctx, f.h.DB, f.h.Tables.Cases, next.Day); !slices.ContainsFunc(items, func(it due.Item) bool { return it.Ref == next.Ref }) {
		t.Fatalf("next month's risk meeting is not scheduled on %s: %+v", next.Day, items)
	}
	if rep := run(); rep.Emails != 0 || len(tasks(caseID, meeting.TaskRiskMeeting)) != 1 {
		t.Fatalf("a second run asked again: %+v", rep)
	}

	// The risk rises: an emergency internal risk meeting is called at once
	// (the email is queued by the rise, before any sweep), to the manager.
	post(risk.VeryHigh)
	f.drain(cs)
	em := tasks(caseID, meeting.TaskRiskEmergency)
	if len(em) != 1 || em[0].OwnerID != seed.ServiceMgr1 || em[0].Status != meeting.Open {
		t.Fatalf("emergency risk meeting task %+v", em)
	}
	m := queued("rota-" + em[0].ID)
	if m.To[0] != "hana.dummy@example.gov.uk" || !strings.Contains(m.Subject, "URGENT") || !strings.Contains(m.Subject, "emergency internal risk meeting") {
		t.Fatalf("emergency email %+v", m)
	}
	// Still open on its due day: the sweep chases it, urgently, once.
	at(em[0].Due)
	run()
	if m := queued("due-risk-emergency-task." + caseID + "." + em[0].ID + "-" + em[0].Due.String()); !strings.HasPrefix(m.Subject, "URGENT") {
		t.Fatalf("emergency chaser %+v", m)
	}

	// Replaying the streams from the start adds nothing.
	f.drain(f.consumers())
	if len(tasks(caseID, meeting.TaskSupervision)) != 1 || len(tasks(caseID, meeting.TaskRiskEmergency)) != 1 {
		t.Fatal("a replay added tasks")
	}

	// The risk falls: next month's meeting is not asked for, and the
	// series stops.
	post(risk.Low)
	f.drain(cs)
	at(next.Day)
	run()
	if n := len(tasks(caseID, meeting.TaskRiskMeeting)); n != 1 {
		t.Fatalf("%d monthly risk meetings after the risk fell, want 1", n)
	}
	if _, err := outbox.Get(ctx, f.h.DB, f.h.Tables.Outbox, "due-risk-meeting-"+next.Ref+"-"+next.Day.String()); !errors.Is(err, outbox.ErrNotFound) {
		t.Fatalf("asked for a risk meeting after the risk fell: %v", err)
	}
	after, _ := rotastream.RiskMeetingItem(caseID, risk.High, base.AddMonths(1))
	if items, _, _ := due.List(ctx, f.h.DB, f.h.Tables.Cases, after.Day); len(items) != 0 {
		t.Fatalf("the series went on after the risk fell: %+v", items)
	}
}
