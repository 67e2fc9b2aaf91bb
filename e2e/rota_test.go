package e2e_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/intaketest"
	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/infra/streams"
	"github.com/mappa-coordinator/mappa/infra/template"
	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
	"github.com/mappa-coordinator/mappa/shared/rota"
	"github.com/mappa-coordinator/mappa/shared/rotastream"
	"github.com/mappa-coordinator/mappa/shared/staff"
	"github.com/mappa-coordinator/mappa/shared/store"
)

// rotaFlow is the rota function over fresh tables, driven by the meetings
// and cases streams exactly as template.yaml configures RotaFunction.
type rotaFlow struct {
	t      *testing.T
	h      *intaketest.Harness
	ms     *meetingstore.Store
	tmpl   *template.Template
	api    streams.API
	rota   *rotastream.Handler
	parked []streams.Parked
}

func newRotaFlow(t *testing.T) *rotaFlow {
	t.Helper()
	h := intaketest.New(t)
	stack := localstack.ForTest(t)
	f := &rotaFlow{t: t, h: h, ms: meetingstore.New(h.DB, meetingstore.TablesFrom(h.Tables), h.Clock)}
	var err error
	if f.tmpl, err = stack.Template(); err != nil {
		t.Fatal(err)
	}
	if f.api, err = streams.NewClient(context.Background(), stack.DynamoEndpoint); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Seed(context.Background(), h.DB, h.Tables, h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.rota, err = rotastream.New(rotastream.Options{Store: f.ms, Clock: h.Clock, IDs: ids.Random{Clock: h.Clock},
		MappaInbox: "mappa-inbox@example.gov.uk", AppOrigin: appOrigin, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Reviews: h.Store})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// consumers returns fresh consumers (from TRIM_HORIZON) of both streams.
func (f *rotaFlow) consumers() []*streams.Consumer {
	fn, ok := f.tmpl.Function("RotaFunction")
	if !ok {
		f.t.Fatal("no RotaFunction in template.yaml")
	}
	var out []*streams.Consumer
	for _, ev := range fn.Events {
		if ev.Stream == nil {
			continue
		}
		table := map[string]string{"MeetingsTable": f.h.Tables.Meetings, "CasesTable": f.h.Tables.Cases}[ev.Stream.Table]
		if table == "" {
			f.t.Fatalf("RotaFunction reads the stream of %s", ev.Stream.Table)
		}
		c, err := streams.FromTemplate("RotaFunction", *ev.Stream, table, f.api, streams.Handler(f.rota.Handle))
		if err != nil {
			f.t.Fatal(err)
		}
		c.RetryDelay, c.PollInterval = -1, 50*time.Millisecond
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		c.OnFailure = func(_ context.Context, p streams.Parked) { f.parked = append(f.parked, p) }
		out = append(out, c)
	}
	if len(out) != 2 {
		f.t.Fatalf("RotaFunction has %d stream events, want 2 (meetings and cases)", len(out))
	}
	return out
}

func (f *rotaFlow) drain(cs []*streams.Consumer) {
	f.t.Helper()
	for range 30 {
		total := 0
		for _, c := range cs {
			n, err := c.RunOnce(context.Background())
			if err != nil {
				f.t.Fatal(err)
			}
			total += n
		}
		if total == 0 {
			if len(f.parked) != 0 {
				f.t.Fatalf("parked records: %+v", f.parked)
			}
			return
		}
	}
	f.t.Fatal("streams still busy")
}

func (f *rotaFlow) newCase() string {
	f.t.Helper()
	resp := f.h.Do("POST", "/v1/referrals", f.h.Agency("police"), referraltest.Person("ref-"+randHex(), "Testperson", "1980-01-01", "", "", ""), "Idempotency-Key", "k-"+randHex())
	if resp.Status != 202 {
		f.t.Fatalf("referral: %d %s", resp.Status, resp.Body)
	}
	r, err := f.h.Store.GetReferral(context.Background(), resp.JSON()["id"].(string))
	if err != nil {
		f.t.Fatal(err)
	}
	return r.CaseID
}

func (f *rotaFlow) meet(caseID, id string, level int, date civil.Date) {
	f.t.Helper()
	m, errs := meeting.New(id, caseID, meeting.OriginStaff, meeting.Input{Level: level, Kind: meeting.KindReview, Date: date, Time: "10:00", Place: "Room 1"},
		cadence.Default(), f.h.Clock.Now(), "staff-bso")
	if !errs.OK() {
		f.t.Fatal(errs)
	}
	if _, err := f.ms.CreateMeeting(context.Background(), m, meetingstore.Effects{}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *rotaFlow) get(id string) meeting.Meeting {
	f.t.Helper()
	m, err := f.ms.GetMeeting(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

type who struct {
	staff string
	rule  rota.Rule
}

func attendees(m meeting.Meeting) []who {
	var out []who
	for _, a := range m.Attendees {
		out = append(out, who{a.StaffID, a.Rule})
	}
	return out
}

func (f *rotaFlow) setLevel(caseID string, level int) {
	f.t.Helper()
	now := f.h.Clock.Now()
	_, err := f.h.Store.UpdateCase(context.Background(), caseID, func(c *store.Case) (store.CaseEffects, error) {
		l := referral.LevelChange{ID: "lc-" + randHex(), Action: referral.LevelSet, Level: level, PreviousLevel: c.Level, Reason: "test", Actor: "staff-bso", At: now}
		c.Level = level
		return store.CaseEffects{Level: &l, Effects: aggregate.Effects{Audit: []audit.Entry{{ID: "a-" + randHex(), At: now, Actor: "staff-bso", Action: audit.ActionCaseLevel, Subject: "case:" + caseID, CaseID: caseID}}}}, nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// The rota rules through the real streams: assignment with reasons,
// continuity, a moved meeting re-checked for its new date (leave, backup,
// continuity returning), replay, and the level 2 -> 3 handover.
func TestRotaThroughTheStreams(t *testing.T) {
	f := newRotaFlow(t)
	ctx := context.Background()
	caseID := f.newCase()
	if _, _, err := f.ms.SaveChild(ctx, meetingstore.ChildChange{CaseID: caseID, New: true, Child: meeting.Child{ID: "k1", GivenNames: "Bea", FamilyName: "Sample",
		CouncilNumber: "C-1", Relationship: "daughter", OpenToCSC: true, SocialWorkerID: seed.SocialWorker1, SupervisorID: seed.TeamManager1}}); err != nil {
		t.Fatal(err)
	}
	d1 := civil.New(2026, 12, 10)
	f.meet(caseID, "m1", 2, d1)
	cs := f.consumers()
	f.drain(cs)

	m1 := f.get("m1")
	want := []who{{seed.ServiceMgr1, rota.RuleLeastLoaded}, {seed.SocialWorker1, rota.RuleChildSocialWorker}}
	if !slices.Equal(attendees(m1), want) {
		t.Fatalf("attendees %+v, want %+v", attendees(m1), want)
	}
	for _, a := range m1.Attendees {
		if a.Reason == "" || a.Name == "" || len(a.Checklist) == 0 {
			t.Errorf("attendee without reason, name or checklist: %+v", a)
		}
	}
	if c, _ := f.ms.GetContinuity(ctx, caseID, staff.RoleServiceMgr); c != seed.ServiceMgr1 {
		t.Fatalf("continuity %q", c)
	}

	// Replay both streams from the start: nothing changes.
	version := m1.Version
	auditBefore := len(f.h.Audit("meeting:m1"))
	f.drain(f.consumers())
	if got := f.get("m1"); got.Version != version {
		t.Fatalf("replay changed the meeting: version %d -> %d", version, got.Version)
	}
	if n := len(f.h.Audit("meeting:m1")); n != auditBefore {
		t.Fatalf("replay wrote audit entries: %d -> %d", auditBefore, n)
	}

	// SM 1 goes on leave; the meeting moves into the leave: the backup
	// covers this meeting only and the social worker's leave is checked too.
	if err := f.ms.AddLeave(ctx, staff.Leave{ID: "l1", StaffID: seed.ServiceMgr1, From: civil.New(2027, 1, 4), To: civil.New(2027, 1, 8), Kind: staff.LeaveAnnual}, meetingstore.Effects{}); err != nil {
		t.Fatal(err)
	}
	if err := f.ms.AddLeave(ctx, staff.Leave{ID: "l2", StaffID: seed.SocialWorker1, From: civil.New(2027, 1, 7), To: civil.New(2027, 1, 7), Kind: staff.LeaveTraining}, meetingstore.Effects{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ms.UpdateMeeting(ctx, "m1", func(m *meeting.Meeting) (meetingstore.Effects, error) {
		return meetingstore.Effects{}, m.Move(civil.New(2027, 1, 7), "11:00", "", "", "Chair unavailable", cadence.Default(), f.h.Clock.Now(), "staff-bso")
	}); err != nil {
		t.Fatal(err)
	}
	f.drain(cs)
	m1 = f.get("m1")
	want = []who{{seed.ServiceMgr3, rota.RuleBackup}, {seed.TeamManager1, rota.RuleChildSupervisor}}
	if !slices.Equal(attendees(m1), want) {
		t.Fatalf("after the move %+v, want %+v", attendees(m1), want)
	}
	if c, _ := f.ms.GetContinuity(ctx, caseID, staff.RoleServiceMgr); c != seed.ServiceMgr1 {
		t.Fatalf("continuity moved to %q during a backup", c)
	}
	// The next meeting: continuity returns.
	f.meet(caseID, "m2", 2, civil.New(2027, 3, 11))
	f.drain(cs)
	if got := attendees(f.get("m2")); !slices.Equal(got, []who{{seed.ServiceMgr1, rota.RuleContinuity}, {seed.SocialWorker1, rota.RuleChildSocialWorker}}) {
		t.Fatalf("next meeting %+v", got)
	}

	// Level 0 -> 2 tells the SM; 2 -> 3 hands over to a head of service
	// and the upcoming meetings get the head of service.
	f.setLevel(caseID, 2)
	f.drain(cs)
	f.setLevel(caseID, 3)
	f.drain(cs)
	_, tasks, err := f.ms.CaseWork(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []meeting.TaskKind
	var handover meeting.Task
	for _, tk := range tasks {
		kinds = append(kinds, tk.Kind)
		if tk.Kind == meeting.TaskHandover {
			handover = tk
		}
	}
	if !slices.Contains(kinds, meeting.TaskNotify) || handover.ID == "" {
		t.Fatalf("tasks %v", kinds)
	}
	if handover.FromID != seed.ServiceMgr1 || handover.OwnerID != seed.HeadOfService1 || handover.Status != meeting.Open {
		t.Fatalf("handover %+v", handover)
	}
	m2 := f.get("m2")
	if m2.Level != 3 || !slices.Equal(attendees(m2), []who{{seed.HeadOfService1, rota.RuleContinuity}, {seed.SocialWorker1, rota.RuleChildSocialWorker}}) {
		t.Fatalf("level 3 meeting %d %+v", m2.Level, attendees(m2))
	}
	// Replaying everything creates no second task.
	f.drain(f.consumers())
	if _, again, _ := f.ms.CaseWork(ctx, caseID); len(again) != len(tasks) {
		t.Fatalf("replay made tasks: %d -> %d", len(tasks), len(again))
	}
}

// The risk register follows the meetings through the rota stream: a
// booked meeting is the next review; once it is held (and nothing else is
// booked) the next review is the end of the level's window after it; a
// cancelled meeting counts for nothing; a replay writes nothing.
func TestRegisterFollowsTheMeetingsThroughTheStreams(t *testing.T) {
	f := newRotaFlow(t)
	ctx := context.Background()
	caseID := f.newCase()
	f.setLevel(caseID, 2)
	cs := f.consumers()
	next := func() (string, string) {
		t.Helper()
		c, err := f.h.Store.GetCase(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		d, basis := c.RegisterEntry().Next, c.RegisterEntry().Basis
		if d.IsZero() {
			return "", string(basis)
		}
		return d.String(), string(basis)
	}
	f.drain(cs)
	if d, b := next(); d != "" || b != "none" {
		t.Fatalf("no meeting yet: %s %s", d, b)
	}
	f.meet(caseID, "rv1", 2, civil.New(2026, 12, 10))
	f.meet(caseID, "rv2", 2, civil.New(2026, 12, 3))
	f.drain(cs)
	if d, b := next(); d != "2026-12-03" || b != "booked" {
		t.Fatalf("two booked: %s %s, want the earlier", d, b)
	}
	if _, err := f.ms.UpdateMeeting(ctx, "rv2", func(m *meeting.Meeting) (meetingstore.Effects, error) {
		return meetingstore.Effects{}, m.Cancel("Chair ill", f.h.Clock.Now(), "staff-bso")
	}); err != nil {
		t.Fatal(err)
	}
	f.drain(cs)
	if d, _ := next(); d != "2026-12-10" {
		t.Fatalf("after the cancellation: %s", d)
	}
	f.h.Clock.Set(time.Date(2026, 12, 10, 15, 0, 0, 0, time.UTC))
	if _, err := f.ms.UpdateMeeting(ctx, "rv1", func(m *meeting.Meeting) (meetingstore.Effects, error) {
		return meetingstore.Effects{}, m.Hold(f.h.Clock.Now(), "staff-bso")
	}); err != nil {
		t.Fatal(err)
	}
	f.drain(cs)
	// Held on Thursday 10 December 2026 at level 2: the window closes 16
	// weeks later, Thursday 1 April 2027.
	if d, b := next(); d != "2027-04-01" || b != "due" {
		t.Fatalf("after the meeting was held: %s %s", d, b)
	}
	before := len(f.h.Audit("case:" + caseID))
	f.drain(f.consumers())
	if n := len(f.h.Audit("case:" + caseID)); n != before {
		t.Fatalf("a replay wrote %d audit entries", n-before)
	}
	// The register page shows it.
	r := f.h.Do("GET", "/v1/staff/register", f.h.StaffToken("staff-bso"), nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"date":"2027-04-01","basis":"due"`) {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	// And the case record.
	r = f.h.Do("GET", "/v1/staff/cases/"+caseID, f.h.StaffToken("staff-bso"), nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"nextReview":{"date":"2027-04-01","basis":"due"`) {
		t.Fatalf("case record: %d %s", r.Status, r.Body)
	}
}

// Nobody available: the meeting shows the gap and the business support
// officers get a task.
func TestNobodyAvailableIsFlagged(t *testing.T) {
	f := newRotaFlow(t)
	ctx := context.Background()
	caseID := f.newCase()
	day := civil.New(2027, 2, 4)
	for i, id := range []string{seed.HeadOfService1, seed.HeadOfService2} {
		if err := f.ms.AddLeave(ctx, staff.Leave{ID: "l" + string(rune('a'+i)), StaffID: id, From: day, To: day, Kind: staff.LeaveAnnual}, meetingstore.Effects{}); err != nil {
			t.Fatal(err)
		}
	}
	f.meet(caseID, "m1", 3, day)
	f.drain(f.consumers())
	m := f.get("m1")
	if len(m.Attendees) != 0 || len(m.Gaps) != 1 || m.Gaps[0].Rule != rota.RuleNobodyAvailable {
		t.Fatalf("%+v %+v", m.Attendees, m.Gaps)
	}
	_, bsoTasks, err := f.ms.OpenWork(ctx, "", string(staff.RoleBSO))
	if err != nil || len(bsoTasks) != 1 || bsoTasks[0].Kind != meeting.TaskCover {
		t.Fatalf("BSO tasks %v %+v", err, bsoTasks)
	}
}
