package reminders_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/mappa-coordinator/mappa/infra/icalcheck"
	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/attendance"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/email"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/notice"
	"github.com/mappa-coordinator/mappa/shared/outbox"
	"github.com/mappa-coordinator/mappa/shared/reminders"
	"github.com/mappa-coordinator/mappa/shared/replylink"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

func TestMain(m *testing.M) { localstack.Main(m) }

const appURL = "https://mappa.example.gov.uk"

// Monday 4 January 2027, 07:00 London.
var t0 = time.Date(2027, 1, 4, 7, 0, 0, 0, time.UTC)

type env struct {
	t      *testing.T
	stack  *localstack.Stack
	db     *countingDB
	tables dynamo.Tables
	clock  *clock.Fixed
	tag    string
	since  time.Time
	svc    *notice.Service
	sweep  *reminders.Sweeper
	sender *flakySender
}

// countingDB counts the items DynamoDB read for the sweep's queries and
// refuses Scan by not having it.
type countingDB struct {
	*dynamodb.Client
	queried atomic.Int64
}

func (c *countingDB) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := c.Client.Query(ctx, in, o...)
	if err == nil {
		c.queried.Add(int64(out.ScannedCount))
	}
	return out, err
}

// flakySender fails the first failures sends, then sends through SES.
type flakySender struct {
	real     outbox.Sender
	failures atomic.Int64
}

func (f *flakySender) Send(ctx context.Context, m outbox.Message) (string, error) {
	if f.failures.Add(-1) >= 0 {
		return "", &outbox.SendError{Code: "ServiceUnavailable", Err: errors.New("SES is down")}
	}
	return f.real.Send(ctx, m)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := localstack.ForTest(t)
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	e := &env{t: t, stack: s, db: &countingDB{Client: s.DB(t)}, tables: s.Tables(t), clock: clock.NewFixed(t0),
		tag: hex.EncodeToString(b), since: time.Now().Add(-2 * time.Second)}
	keys, err := replylink.ParseKeys("test:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	e.svc = &notice.Service{DB: e.db, Tables: e.tables, Clock: e.clock, IDs: ids.Random{Clock: e.clock}, Keys: keys,
		Calendar: workdays.EnglandAndWales(),
		Settings: notice.Settings{AppURL: appURL, MailFrom: "mappa-coordinator@example.gov.uk",
			MappaInbox: e.addr("inbox"), SPOC: e.addr("spoc"), Coordinator: e.addr("coordinator")}}
	handlers := map[due.Kind]reminders.Handler{}
	for _, k := range notice.Kinds {
		handlers[k] = e.svc
	}
	e.sweep = &reminders.Sweeper{DB: e.db, Table: e.tables.Cases, Outbox: e.tables.Outbox, Clock: e.clock,
		Calendar: workdays.EnglandAndWales(), Handlers: handlers,
		Default:  reminders.DueWork{Outbox: e.tables.Outbox, AppURL: appURL},
		DigestTo: []string{e.addr("managers")}, AppURL: appURL}
	cfg, err := dynamo.LoadConfig(context.Background(), s.SESEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	client := sesv2.NewFromConfig(cfg, func(o *sesv2.Options) { o.BaseEndpoint = aws.String(s.SESEndpoint); o.RetryMaxAttempts = 1 })
	e.sender = &flakySender{real: email.SES{Client: client, From: "mappa-coordinator@example.gov.uk"}}
	return e
}

func (e *env) addr(who string) string { return who + "-" + e.tag + "@example.gov.uk" }

// deliver sends every queued email that is due (the mailer's sweep),
// moving the clock on past any backoff.
func (e *env) deliver() {
	e.t.Helper()
	d := &outbox.Dispatcher{DB: e.db.Client, Table: e.tables.Outbox, Sender: e.sender, Clock: e.clock,
		Backoff: outbox.Backoff{Base: time.Second, Max: time.Second}}
	for range 10 {
		if _, err := d.Sweep(context.Background(), 100); err != nil {
			e.t.Fatal(err)
		}
		e.clock.Advance(2 * time.Second)
	}
}

// inbox returns the emails the local SES server holds for this test, by
// subject, with recipients.
func (e *env) inbox() []localstack.Email {
	e.t.Helper()
	all, err := e.stack.SESStore(context.Background(), e.since)
	if err != nil {
		e.t.Fatal(err)
	}
	var mine []localstack.Email
	for _, m := range all {
		for _, to := range m.Destination.To {
			if strings.Contains(to, e.tag) {
				mine = append(mine, m)
				break
			}
		}
	}
	return mine
}

func count(ms []localstack.Email, subjectPart, to string) int {
	n := 0
	for _, m := range ms {
		if strings.Contains(m.Subject, subjectPart) && (to == "" || strings.Contains(strings.Join(m.Destination.To, ","), to)) {
			n++
		}
	}
	return n
}

func (e *env) meeting(id string, start time.Time, people ...string) notice.Meeting {
	e.t.Helper()
	var inv []notice.Invitee
	for _, p := range people {
		inv = append(inv, notice.Invitee{StaffID: p, Email: e.addr(p), Role: "service-manager", LineManagerEmail: e.addr("lm-" + p)})
	}
	m, err := e.svc.Schedule(context.Background(), "staff-bso", notice.Meeting{ID: id, CaseID: "case1", CaseRef: "MC-" + id,
		Level: 2, Start: start, End: start.Add(90 * time.Minute), ChairEmail: e.addr("chair"), Location: "Police HQ, room 2"}, inv)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func london(y int, m time.Month, d, h int) time.Time {
	l, _ := time.LoadLocation("Europe/London")
	return time.Date(y, m, d, h, 0, 0, 0, l)
}

func icsOf(t *testing.T, m localstack.Email) []byte {
	t.Helper()
	for _, a := range m.Attachments {
		if strings.HasPrefix(a.ContentType, "text/calendar") {
			if b, err := base64.StdEncoding.DecodeString(a.Content); err == nil && bytes.HasPrefix(b, []byte("BEGIN:VCALENDAR")) {
				return b
			}
			return []byte(a.Content)
		}
	}
	t.Fatalf("email %q has no calendar attachment: %+v", m.Subject, m.Attachments)
	return nil
}

func TestInvitationUpdateAndCancelReachSESWithValidCalendars(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	start := london(2027, 2, 18, 10) // 45 days ahead
	e.meeting("m1", start, "sm1")
	e.deliver()
	inv := e.inbox()
	if len(inv) != 1 || !strings.HasPrefix(inv[0].Subject, "Invitation: MAPPA level 2 meeting, case MC-m1") {
		t.Fatalf("invitations: %+v", inv)
	}
	body := inv[0].Body.Text
	if !strings.Contains(body, appURL+"/reply/") || !strings.Contains(body, "MC-m1") || strings.Contains(body, "Police HQ") {
		t.Errorf("body should carry the case reference and reply links, not the place:\n%s", body)
	}
	c := icalcheck.Parse(t, icsOf(t, inv[0]))
	if c.Method != "REQUEST" || c.Sequence != 0 || !c.Start.Equal(start) {
		t.Errorf("invitation calendar: %+v", c)
	}

	// Moved: an update with the same UID and a higher sequence.
	moved := start.Add(24 * time.Hour)
	if _, err := e.svc.Schedule(ctx, "staff-bso", notice.Meeting{ID: "m1", CaseID: "case1", CaseRef: "MC-m1", Level: 2, Start: moved,
		End: moved.Add(time.Hour), ChairEmail: e.addr("chair"), Location: "Police HQ, room 2"},
		[]notice.Invitee{{StaffID: "sm1", Email: e.addr("sm1")}}); err != nil {
		t.Fatal(err)
	}
	// Scheduling the same again sends nothing.
	if _, err := e.svc.Schedule(ctx, "staff-bso", notice.Meeting{ID: "m1", CaseID: "case1", CaseRef: "MC-m1", Level: 2, Start: moved,
		End: moved.Add(time.Hour), ChairEmail: e.addr("chair"), Location: "Police HQ, room 2"},
		[]notice.Invitee{{StaffID: "sm1", Email: e.addr("sm1")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Cancel(ctx, "staff-bso", "m1"); err != nil {
		t.Fatal(err)
	}
	e.deliver()
	all := e.inbox()
	if len(all) != 3 {
		t.Fatalf("want invitation, update, cancellation; got %d", len(all))
	}
	var up, cn icalcheck.Calendar
	for _, m := range all {
		switch {
		case strings.HasPrefix(m.Subject, "Updated invitation"):
			up = icalcheck.Parse(t, icsOf(t, m))
		case strings.HasPrefix(m.Subject, "Cancelled"):
			cn = icalcheck.Parse(t, icsOf(t, m))
		}
	}
	if up.UID != c.UID || cn.UID != c.UID {
		t.Errorf("UIDs differ: %q %q %q", c.UID, up.UID, cn.UID)
	}
	if up.Method != "REQUEST" || up.Sequence != 1 || !up.Start.Equal(moved) {
		t.Errorf("update: %+v", up)
	}
	if cn.Method != "CANCEL" || cn.Sequence != 2 || cn.Status != "CANCELLED" {
		t.Errorf("cancel: %+v", cn)
	}
}

func TestShortNoticeIsUrgentAndGoesToTheSPOC(t *testing.T) {
	e := newEnv(t)
	e.meeting("m2", london(2027, 1, 12, 10), "sm1") // 8 days' notice
	e.deliver()
	in := e.inbox()
	if count(in, "URGENT, SHORT NOTICE: Invitation", e.addr("sm1")) != 1 || count(in, "URGENT, SHORT NOTICE", e.addr("spoc")) != 1 {
		t.Errorf("short notice: %v", subjects(in))
	}
}

func subjects(ms []localstack.Email) []string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Subject+" -> "+strings.Join(m.Destination.To, ","))
	}
	return s
}

func tokens(t *testing.T, body string) (accept, decline string) {
	t.Helper()
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "Accept: ") {
			accept = strings.TrimPrefix(line, "Accept: "+appURL+notice.ReplyPath)
		}
		if strings.HasPrefix(line, "Decline: ") {
			decline = strings.TrimPrefix(line, "Decline: "+appURL+notice.ReplyPath)
		}
	}
	if accept == "" || decline == "" {
		t.Fatalf("no reply links in:\n%s", body)
	}
	return accept, decline
}

func TestReplyLinks(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.meeting("m3", london(2027, 2, 18, 10), "sm1", "sm2")
	e.deliver()
	bodies := map[string]string{}
	for _, m := range e.inbox() {
		bodies[m.Destination.To[0]] = m.Body.Text
	}
	acc, _ := tokens(t, bodies[e.addr("sm1")])
	_, dec2 := tokens(t, bodies[e.addr("sm2")])

	state := func() string {
		_, invs, err := e.svc.Get(ctx, "m3")
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, i := range invs {
			s = append(s, fmt.Sprintf("%s=%s/%s/%s/v%d", i.ID, i.Reply, i.Instead, i.Deputy, i.Version))
		}
		return strings.Join(s, " ")
	}
	// Tampered: refused, nothing changed.
	before := state()
	tampered := []byte(acc)
	tampered[5] ^= 1
	if _, err := e.svc.Reply(ctx, string(tampered), attendance.Decline{}); !notice.ErrInvalidToken(err) {
		t.Errorf("tampered: %v", err)
	}
	if _, err := e.svc.CheckReply(ctx, string(tampered)); !notice.ErrInvalidToken(err) {
		t.Errorf("tampered check: %v", err)
	}
	if state() != before {
		t.Errorf("tampered link changed %s to %s", before, state())
	}
	// Accept -> confirmed.
	v, err := e.svc.CheckReply(ctx, acc)
	if err != nil || v.Action != replylink.Accept || v.CaseRef != "MC-m3" {
		t.Fatalf("check: %+v %v", v, err)
	}
	if _, err := e.svc.Reply(ctx, acc, attendance.Decline{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(state(), "sm1=accepted") {
		t.Errorf("after accept: %s", state())
	}
	// Replayed: refused, nothing changed.
	before = state()
	if _, err := e.svc.Reply(ctx, acc, attendance.Decline{}); !errors.Is(err, notice.ErrUsed) {
		t.Errorf("replay: %v", err)
	}
	if _, err := e.svc.CheckReply(ctx, acc); !errors.Is(err, notice.ErrUsed) {
		t.Errorf("replay check: %v", err)
	}
	if state() != before {
		t.Errorf("replay changed %s to %s", before, state())
	}
	// Decline asks who instead: without an answer nothing changes.
	var fe *notice.FieldErrors
	if _, err := e.svc.Reply(ctx, dec2, attendance.Decline{Instead: attendance.InsteadDeputy}); !errors.As(err, &fe) || fe.Fields["deputy"] == "" {
		t.Errorf("decline without deputy: %v", err)
	}
	if _, err := e.svc.Reply(ctx, dec2, attendance.Decline{Instead: attendance.InsteadDeputy, Deputy: "Team manager, East"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(state(), "sm2=declined/deputy/Team manager, East") {
		t.Errorf("after decline: %s", state())
	}
	// Expired (after the meeting's day): refused, nothing changed.
	e2 := newEnv(t)
	e2.meeting("m4", london(2027, 2, 18, 10), "sm1")
	e2.deliver()
	acc4, _ := tokens(t, e2.inbox()[0].Body.Text)
	e2.clock.Set(london(2027, 2, 19, 0).Add(time.Second))
	if _, err := e2.svc.Reply(ctx, acc4, attendance.Decline{}); !errors.Is(err, replylink.ErrExpired) {
		t.Errorf("expired: %v", err)
	}
	_, invs, _ := e2.svc.Get(ctx, "m4")
	if invs[0].Reply != attendance.ReplyAwaiting {
		t.Errorf("expired link changed the reply to %s", invs[0].Reply)
	}
}

// at moves the clock to 07:00 London on day.
func (e *env) at(y int, m time.Month, d int) { e.clock.Set(london(y, m, d, 7)) }

func TestSweepTwiceSendsNothingTwiceAndSESFailureRecovers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.meeting("m5", london(2027, 1, 25, 10), "sm1", "sm2") // Monday 25 January
	e.deliver()
	if _, err := e.sweep.Run(ctx); err != nil { // the 4th: starts the cursor
		t.Fatal(err)
	}
	// 18 January: the 7-day reminder, and (caught up) the chasers due on
	// the 7th.
	e.at(2027, 1, 18)
	e.sender.failures.Store(3) // SES fails three sends, then recovers
	for range 2 {
		if _, err := e.sweep.Run(ctx); err != nil {
			t.Fatal(err)
		}
	}
	e.deliver()
	e.deliver()
	if left := e.sender.failures.Load(); left >= 0 {
		t.Fatalf("SES should have failed three sends and then sent (counter %d)", left)
	}
	in := e.inbox()
	for _, p := range []string{"sm1", "sm2"} {
		if n := count(in, "Reminder: MAPPA level 2 meeting", e.addr(p)); n != 1 {
			t.Errorf("%s got %d 7-day reminders, want 1 (%v)", p, n, subjects(in))
		}
		if n := count(in, "Reply needed", e.addr(p)); n != 1 {
			t.Errorf("%s got %d chasers, want 1", p, n)
		}
		if n := count(in, "Invitation", e.addr(p)); n != 1 {
			t.Errorf("%s got %d invitations, want 1", p, n)
		}
	}
}

func TestMissedDaysAreCaughtUp(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.meeting("m6", london(2027, 2, 1, 10), "sm1") // Monday 1 February
	e.at(2027, 1, 20)
	if _, err := e.sweep.Run(ctx); err != nil {
		t.Fatal(err)
	}
	// No runs on the 21st to the 31st; the next run, on 1 February, acts on
	// every day since.
	e.at(2027, 2, 1)
	rep, err := e.sweep.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The 20th (the last day swept) is read again, for work written to it
	// after its run.
	if len(rep.Days) != 13 || rep.Days[0] != "2027-01-20" || rep.Days[12] != "2027-02-01" {
		t.Errorf("days %v", rep.Days)
	}
	e.deliver()
	in := e.inbox()
	if count(in, "Reminder", e.addr("sm1")) != 2 {
		t.Errorf("the 7-day and 1-day reminders should both have gone: %v", subjects(in))
	}
	if !rep.Digest || count(in, "MAPPA monthly digest: 2027-01", e.addr("managers")) != 1 {
		t.Errorf("digest on the first working day of February: %v", subjects(in))
	}
	again, err := e.sweep.Run(ctx)
	if err != nil || again.Done != 0 || again.Digest {
		t.Errorf("second run the same day: %+v %v", again, err)
	}
}

func TestThousandDueItemsAreSweptReadingOnlyThem(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	day := civil.New(2027, 1, 5)
	other := civil.New(2027, 1, 6)
	put := func(d civil.Date, n int) {
		var batch []types.TransactWriteItem
		flush := func() {
			if len(batch) == 0 {
				return
			}
			if _, err := e.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: batch}); err != nil {
				t.Fatal(err)
			}
			batch = nil
		}
		for i := range n {
			w, err := due.Put(e.tables.Cases, due.Item{Day: d, Kind: due.KindActionDue, Ref: fmt.Sprintf("a%04d", i),
				CaseRef: "MC-1", To: []string{e.addr("owner")}, Path: "/cases/c1", DueOn: d.AddDays(7).String()})
			if err != nil {
				t.Fatal(err)
			}
			batch = append(batch, w)
			if len(batch) == 100 {
				flush()
			}
		}
		flush()
	}
	put(day, 1000)
	put(other, 300) // due another day: must not be read
	e.at(2027, 1, 5)
	// Start the cursor at the 4th so the run acts on the 5th only.
	e.at(2027, 1, 4)
	if _, err := e.sweep.Run(ctx); err != nil {
		t.Fatal(err)
	}
	e.at(2027, 1, 5)
	e.db.queried.Store(0)
	rep, err := e.sweep.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != 1000 || rep.Emails != 1000 || rep.Read != 1000 {
		t.Errorf("report %+v", rep)
	}
	if n := e.db.queried.Load(); n != 1000 {
		t.Errorf("DynamoDB read %d items for 1,000 due items", n)
	}
	again, err := e.sweep.Run(ctx)
	if err != nil || again.Done != 0 || again.Emails != 0 {
		t.Errorf("second run: %+v %v", again, err)
	}
}

func TestEscalationLadderStepByStep(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	step := func(id string) attendance.Step {
		_, invs, err := e.svc.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return invs[0].Step
	}
	// A first meeting missed without explanation.
	e.meeting("m7", london(2027, 1, 6, 10), "sm1")
	e.at(2027, 1, 6)
	if _, err := e.svc.RecordAttendance(ctx, "staff-bso", "m7", "sm1", attendance.Record{Outcome: attendance.OutcomeDidNotAttend}); err != nil {
		t.Fatal(err)
	}
	e.deliver()
	if s := step("m7"); s != attendance.StepChair || count(e.inbox(), "Non-attendance", e.addr("chair")) != 1 {
		t.Fatalf("step 1: %v %v", s, subjects(e.inbox()))
	}
	// Four working days on: nothing more yet.
	e.at(2027, 1, 12)
	if _, err := e.sweep.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if s := step("m7"); s != attendance.StepChair {
		t.Fatalf("too early: %v", s)
	}
	// Five working days on, still unexplained: the line manager.
	e.at(2027, 1, 13)
	if _, err := e.sweep.Run(ctx); err != nil {
		t.Fatal(err)
	}
	e.deliver()
	if s := step("m7"); s != attendance.StepLineManager || count(e.inbox(), "Unexplained non-attendance", e.addr("lm-sm1")) != 1 {
		t.Fatalf("step 2: %v %v", s, subjects(e.inbox()))
	}
	// A first failure goes no further.
	e.at(2027, 1, 20)
	if _, err := e.sweep.Run(ctx); err != nil {
		t.Fatal(err)
	}
	e.deliver()
	if count(e.inbox(), "Strategic Management Board", "") != 0 {
		t.Fatal("a first failure went to the Board")
	}
	// A second meeting missed: chair, line manager, then the Board.
	e.meeting("m8", london(2027, 1, 27, 10), "sm1")
	e.at(2027, 1, 27)
	if _, err := e.svc.RecordAttendance(ctx, "staff-bso", "m8", "sm1", attendance.Record{Outcome: attendance.OutcomeDidNotAttend}); err != nil {
		t.Fatal(err)
	}
	e.at(2027, 2, 3)
	if _, err := e.sweep.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if s := step("m8"); s != attendance.StepLineManager {
		t.Fatalf("second failure, step 2: %v", s)
	}
	e.at(2027, 2, 4)
	if _, err := e.sweep.Run(ctx); err != nil {
		t.Fatal(err)
	}
	e.deliver()
	if s := step("m8"); s != attendance.StepBoard || count(e.inbox(), "Strategic Management Board", e.addr("coordinator")) != 1 {
		t.Fatalf("step 3: %v %v", s, subjects(e.inbox()))
	}
	// An absence explained before the line-manager step stops the ladder.
	e.meeting("m9", london(2027, 2, 10, 10), "sm2")
	e.at(2027, 2, 10)
	if _, err := e.svc.RecordAttendance(ctx, "staff-bso", "m9", "sm2", attendance.Record{Outcome: attendance.OutcomeDidNotAttend}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RecordAttendance(ctx, "staff-bso", "m9", "sm2", attendance.Record{Outcome: attendance.OutcomeApologies}); err != nil {
		t.Fatal(err)
	}
	e.at(2027, 2, 18)
	if _, err := e.sweep.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if s := step("m9"); s != attendance.StepChair {
		t.Errorf("explained absence escalated to %v", s)
	}
	// ... and no longer counts: sm2's next absence is a first failure,
	// which goes no further than the line manager.
	e.meeting("m11", london(2027, 2, 24, 10), "sm2")
	e.at(2027, 2, 24)
	if _, err := e.svc.RecordAttendance(ctx, "staff-bso", "m11", "sm2", attendance.Record{Outcome: attendance.OutcomeDidNotAttend}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []int{3, 4, 5} {
		e.at(2027, 3, d)
		if _, err := e.sweep.Run(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if s := step("m11"); s != attendance.StepLineManager {
		t.Errorf("a first counted absence reached %v, want the line manager only", s)
	}
}

func TestWrittenReportDueWhenNobodyCanAttendIsChased(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.meeting("m10", london(2027, 2, 18, 10), "sm1")
	e.deliver()
	_, dec := tokens(t, e.inbox()[0].Body.Text)
	e.at(2027, 2, 10)
	if _, err := e.svc.Reply(ctx, dec, attendance.Decline{Instead: attendance.InsteadNothing}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sweep.Run(ctx); err != nil {
		t.Fatal(err)
	}
	e.at(2027, 2, 11)
	if _, err := e.sweep.Run(ctx); err != nil {
		t.Fatal(err)
	}
	e.deliver()
	if n := count(e.inbox(), "Written report due", e.addr("inbox")); n != 2 {
		t.Fatalf("report chasers: %d %v", n, subjects(e.inbox()))
	}
	if _, err := e.svc.MarkReportReceived(ctx, "staff-bso", "m10"); err != nil {
		t.Fatal(err)
	}
	e.at(2027, 2, 12)
	if _, err := e.sweep.Run(ctx); err != nil {
		t.Fatal(err)
	}
	e.deliver()
	if n := count(e.inbox(), "Written report due", e.addr("inbox")); n != 2 {
		t.Errorf("chased after the report arrived: %d", n)
	}
}

// dueWork puts one due-work item (to owner) on day, with an idempotency key.
func (e *env) dueWork(day civil.Date, kind due.Kind, ref, once string) {
	e.t.Helper()
	w, err := due.Put(e.tables.Cases, due.Item{Day: day, Kind: kind, Ref: ref, CaseID: "case1", CaseRef: "MC-1",
		To: []string{e.addr("owner")}, Path: "/cases/case1/meetings", DueOn: day.AddDays(14).String(), Once: once})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.db.TransactWriteItems(context.Background(), &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{w}}); err != nil {
		e.t.Fatal(err)
	}
}

// A review reminder scheduled again (its held meeting edited after the
// reminder went, so the writer puts it on a later day) is sent once per
// review: the idempotency key is claimed in the transaction that sends.
func TestWorkWithAnIdempotencyKeyIsSentOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.at(2027, 1, 4)
	if _, err := e.sweep.Run(ctx); err != nil {
		t.Fatal(err)
	}
	once := "review-due:case1:held1"
	e.dueWork(civil.New(2027, 1, 5), due.KindReviewDue, "review.case1.held1", once)
	e.at(2027, 1, 5)
	rep, err := e.sweep.Run(ctx)
	if err != nil || rep.Emails != 1 || rep.Repeats != 0 {
		t.Fatalf("first: %+v %v", rep, err)
	}
	// Scheduled again on later days (the same ref, and a second writer's
	// ref), all carrying the key.
	e.dueWork(civil.New(2027, 1, 7), due.KindReviewDue, "review.case1.held1", once)
	e.dueWork(civil.New(2027, 1, 7), due.KindReviewDue, "review-other.case1", once)
	e.at(2027, 1, 7)
	rep, err = e.sweep.Run(ctx)
	if err != nil || rep.Emails != 0 || rep.Done != 2 || rep.Repeats != 2 {
		t.Fatalf("again: %+v %v", rep, err)
	}
	// Another review (another key) is sent.
	e.dueWork(civil.New(2027, 1, 7), due.KindReviewDue, "review.case1.held2", "review-due:case1:held2")
	rep, err = e.sweep.Run(ctx)
	if err != nil || rep.Emails != 1 {
		t.Fatalf("another review: %+v %v", rep, err)
	}
	e.deliver()
	if n := count(e.inbox(), "", e.addr("owner")); n != 2 {
		t.Errorf("the owner got %d emails, want 2 (one per review): %v", n, subjects(e.inbox()))
	}
}

// Work written to a day after that day's 07:00 run (a writer clamps a
// past reminder to "today") is done by the next day's run, not lost.
func TestWorkWrittenAfterTheDaysRunIsDoneNextRun(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.at(2027, 1, 5)
	if _, err := e.sweep.Run(ctx); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(london(2027, 1, 5, 15))
	e.dueWork(civil.New(2027, 1, 5), due.KindActionOverdue, "late1", "")
	e.at(2027, 1, 6)
	rep, err := e.sweep.Run(ctx)
	if err != nil || rep.Done != 1 || rep.Emails != 1 || rep.Days[0] != "2027-01-05" {
		t.Fatalf("next run: %+v %v", rep, err)
	}
}
