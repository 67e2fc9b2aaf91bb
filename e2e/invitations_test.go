package e2e_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/mappa-coordinator/mappa/infra/icalcheck"
	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/infra/streams"
	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/email"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/notice"
	"github.com/mappa-coordinator/mappa/shared/noticestream"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/replylink"
	"github.com/mappa-coordinator/mappa/shared/staff"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

// noticeHandler is the reminders function's meetings-stream handler with
// its due work, as the function wires it: a notice service signing reply
// links with a test key made of keyByte.
func (f *rotaFlow) noticeHandler(keyByte byte) *noticestream.Handler {
	f.t.Helper()
	keys, err := replylink.ParseKeys("t:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{keyByte}, 32)))
	if err != nil {
		f.t.Fatal(err)
	}
	svc := &notice.Service{DB: f.h.DB, Tables: f.h.Tables, Clock: f.h.Clock, IDs: ids.Random{Clock: f.h.Clock}, Keys: keys,
		Calendar: workdays.EnglandAndWales(), Settings: notice.Settings{AppURL: appOrigin, MailFrom: "m@example.gov.uk", MappaInbox: "mappa-inbox@example.gov.uk"}}
	return &noticestream.Handler{Store: f.ms, Notices: svc, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Work: &noticestream.Work{DB: f.h.DB, CasesTable: f.h.Tables.Cases, MappaInbox: "mappa-inbox@example.gov.uk", Clock: f.h.Clock}}
}

// inviteConsumers are the rota's consumers plus the reminders function's
// meetings-stream consumer, as template.yaml configures them.
func (f *rotaFlow) inviteConsumers(svc *notice.Service) []*streams.Consumer {
	fn, ok := f.tmpl.Function("RemindersFunction")
	if !ok {
		f.t.Fatal("no RemindersFunction in template.yaml")
	}
	h := &noticestream.Handler{Store: f.ms, Notices: svc, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	out := f.consumers()
	for _, ev := range fn.Events {
		if ev.Stream == nil {
			continue
		}
		if ev.Stream.Table != "MeetingsTable" {
			continue // the rota table's stream: DBS re-checks (work_reminders_test.go)
		}
		c, err := streams.FromTemplate("RemindersFunction", *ev.Stream, f.h.Tables.Meetings, f.api, streams.Handler(h.Handle))
		if err != nil {
			f.t.Fatal(err)
		}
		c.RetryDelay, c.PollInterval = -1, 50*time.Millisecond
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		c.OnFailure = func(_ context.Context, p streams.Parked) { f.parked = append(f.parked, p) }
		out = append(out, c)
	}
	return out
}

func calendarOf(t *testing.T, m localstack.Email) icalcheck.Calendar {
	t.Helper()
	for _, a := range m.Attachments {
		if strings.HasPrefix(a.ContentType, "text/calendar") {
			b, err := base64.StdEncoding.DecodeString(a.Content)
			if err != nil || !bytes.HasPrefix(b, []byte("BEGIN:VCALENDAR")) {
				b = []byte(a.Content)
			}
			return icalcheck.Parse(t, b)
		}
	}
	t.Fatalf("%q has no calendar attachment", m.Subject)
	return icalcheck.Calendar{}
}

// A meeting the rota staffs is invited through the streams: each attendee
// gets an invitation with a calendar a strict parser accepts; moving the
// meeting sends updates (same UID, higher SEQUENCE) and cancellations to
// anyone no longer invited; cancelling it sends METHOD:CANCEL.
func TestInvitationsFollowTheRotaThroughTheStreams(t *testing.T) {
	f := newRotaFlow(t)
	ctx := context.Background()
	stack := localstack.ForTest(t)
	since := time.Now().Add(-2 * time.Second)
	keys, err := replylink.ParseKeys("t:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	svc := &notice.Service{DB: f.h.DB, Tables: f.h.Tables, Clock: f.h.Clock, IDs: ids.Random{Clock: f.h.Clock}, Keys: keys,
		Calendar: workdays.EnglandAndWales(),
		Settings: notice.Settings{AppURL: appOrigin, MailFrom: "mappa-coordinator@example.gov.uk", MappaInbox: "mappa-inbox@example.gov.uk"}}
	cfg, err := dynamo.LoadConfig(ctx, stack.SESEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	d := &outbox.Dispatcher{DB: f.h.DB, Table: f.h.Tables.Outbox, Clock: f.h.Clock, Backoff: outbox.DefaultBackoff,
		Sender: email.SES{Client: sesv2.NewFromConfig(cfg, func(o *sesv2.Options) { o.BaseEndpoint = aws.String(stack.SESEndpoint) }), From: "mappa-coordinator@example.gov.uk"}}
	send := func() {
		if _, err := d.Sweep(ctx, 100); err != nil {
			t.Fatal(err)
		}
	}
	caseID := f.newCase()
	mine := func() []localstack.Email {
		all, err := stack.SESStore(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		var out []localstack.Email
		for _, m := range all {
			if strings.Contains(m.Subject, "case "+caseID) {
				out = append(out, m)
			}
		}
		return out
	}
	f.meet(caseID, "inv1", 2, civil.New(2027, 2, 11))
	cs := f.inviteConsumers(svc)
	f.drain(cs)
	send()
	got := mine()
	if len(got) != 1 || got[0].Destination.To[0] != "hana.dummy@example.gov.uk" || !strings.HasPrefix(got[0].Subject, "Invitation:") {
		t.Fatalf("invitations: %v", subjectsTo(got))
	}
	c0 := calendarOf(t, got[0])
	if c0.Method != "REQUEST" || c0.Sequence != 0 {
		t.Errorf("invitation calendar %+v", c0)
	}
	for _, banned := range []string{"Testperson", "1980", "Room 1"} {
		if strings.Contains(got[0].Body.Text+got[0].Subject+c0.Summary+c0.Description+c0.Location, banned) {
			t.Errorf("the invitation says %q", banned)
		}
	}
	// Replaying the streams sends nothing more.
	f.drain(f.inviteConsumers(svc))
	send()
	if n := len(mine()); n != 1 {
		t.Fatalf("replay sent %d emails", n)
	}

	// SM 1 on leave on the new date: the backup is invited, SM 1 is told
	// it is off.
	if err := f.ms.AddLeave(ctx, staff.Leave{ID: "inv-l1", StaffID: seed.ServiceMgr1, From: civil.New(2027, 2, 15), To: civil.New(2027, 2, 19), Kind: staff.LeaveAnnual}, meetingstore.Effects{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ms.UpdateMeeting(ctx, "inv1", func(m *meeting.Meeting) (meetingstore.Effects, error) {
		return meetingstore.Effects{}, m.Move(civil.New(2027, 2, 18), "14:00", "", "", "Chair unavailable", cadence.Default(), f.h.Clock.Now(), "staff-bso")
	}); err != nil {
		t.Fatal(err)
	}
	f.drain(cs)
	send()
	var cancelled, invited *icalcheck.Calendar
	for _, m := range mine()[1:] {
		c := calendarOf(t, m)
		switch {
		case m.Destination.To[0] == "hana.dummy@example.gov.uk" && c.Method == "CANCEL":
			cancelled = &c
		case m.Destination.To[0] != "hana.dummy@example.gov.uk" && c.Method == "REQUEST":
			invited = &c
		}
	}
	if cancelled == nil || invited == nil {
		t.Fatalf("after the move: %v", subjectsTo(mine()))
	}
	if cancelled.UID != c0.UID || invited.UID != c0.UID || invited.Sequence < 1 || cancelled.Sequence < 1 {
		t.Errorf("UIDs %q %q %q, sequences %d %d", c0.UID, cancelled.UID, invited.UID, cancelled.Sequence, invited.Sequence)
	}
	if want := time.Date(2027, 2, 18, 14, 0, 0, 0, time.UTC); !invited.Start.Equal(want) {
		t.Errorf("moved start %v", invited.Start)
	}

	// Cancelled: everyone still invited gets METHOD:CANCEL.
	before := len(mine())
	if _, err := f.ms.UpdateMeeting(ctx, "inv1", func(m *meeting.Meeting) (meetingstore.Effects, error) {
		return meetingstore.Effects{}, m.Cancel("No longer needed", f.h.Clock.Now(), "staff-bso")
	}); err != nil {
		t.Fatal(err)
	}
	f.drain(cs)
	send()
	after := mine()[before:]
	if len(after) == 0 {
		t.Fatal("no cancellation sent")
	}
	for _, m := range after {
		if c := calendarOf(t, m); c.Method != "CANCEL" || c.Status != "CANCELLED" || c.UID != c0.UID {
			t.Errorf("cancellation %+v", c)
		}
	}
}

func subjectsTo(ms []localstack.Email) []string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Subject+" -> "+strings.Join(m.Destination.To, ","))
	}
	return s
}
