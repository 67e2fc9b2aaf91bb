package meetingstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/rota"
	"github.com/mappa-coordinator/mappa/shared/staff"
)

func TestMain(m *testing.M) { localstack.Main(m) }

var now = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

func newStore(t *testing.T) *meetingstore.Store {
	stack := localstack.ForTest(t)
	return meetingstore.New(stack.DB(t), meetingstore.TablesFrom(stack.Tables(t)), clock.NewFixed(now))
}

func mk(t *testing.T, id, caseID string, date civil.Date) meeting.Meeting {
	t.Helper()
	m, errs := meeting.New(id, caseID, meeting.OriginStaff, meeting.Input{Level: 2, Date: date, Time: "10:00", Place: "Room 1"}, cadence.Default(), now, "bso-1")
	if !errs.OK() {
		t.Fatal(errs)
	}
	return m
}

func entry(id string) audit.Entry {
	return audit.Entry{ID: id, At: now, Actor: "bso-1", Action: "meeting.create", Subject: "meeting:" + id}
}

func TestMeetingsAreVersionedAndListedByKey(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	for i := range 5 {
		m := mk(t, fmt.Sprintf("m%d", i), "c1", civil.New(2027, 3, 10).AddDays(i*20))
		if _, err := s.CreateMeeting(ctx, m, meetingstore.Effects{Audit: []audit.Entry{entry(m.ID)}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateMeeting(ctx, mk(t, "m0", "c1", civil.New(2027, 3, 10)), meetingstore.Effects{}); !errors.Is(err, meetingstore.ErrExists) {
		t.Fatalf("second create: %v", err)
	}
	// Two writers: the second re-reads and applies its change again.
	calls := 0
	got, err := s.UpdateMeeting(ctx, "m0", func(m *meeting.Meeting) (meetingstore.Effects, error) {
		calls++
		if calls == 1 {
			if _, err := s.UpdateMeeting(ctx, "m0", func(m *meeting.Meeting) (meetingstore.Effects, error) {
				m.Chair = "DI Chair"
				return meetingstore.Effects{}, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		m.ApplyRota(rota.Outcome{Attendees: []rota.Attendee{{Slot: rota.SlotSenior, StaffID: "sm-a", Rule: rota.RuleContinuity}}}, "fp", now, "system:rota")
		return meetingstore.Effects{}, nil
	})
	if err != nil || calls != 2 || got.Version != 3 || got.Chair != "DI Chair" || len(got.Attendees) != 1 {
		t.Fatalf("update after a concurrent change: err %v calls %d %+v", err, calls, got)
	}
	if same, err := s.UpdateMeeting(ctx, "m0", func(*meeting.Meeting) (meetingstore.Effects, error) {
		return meetingstore.Effects{}, meetingstore.ErrUnchanged
	}); err != nil || same.Version != 3 {
		t.Fatalf("unchanged wrote: %v %d", err, same.Version)
	}

	// By case, two at a time.
	var ids []string
	cursor := ""
	for {
		p, err := s.ListByCase(ctx, "c1", cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Meetings {
			ids = append(ids, m.ID)
		}
		if cursor = p.Cursor; cursor == "" {
			break
		}
	}
	if fmt.Sprint(ids) != "[m0 m1 m2 m3 m4]" {
		t.Errorf("by case: %v", ids)
	}
	if _, err := s.ListByCase(ctx, "c2", "eyJnc2kxcGsiOiJDQVNFI2MxIn0", 2); !errors.Is(err, meetingstore.ErrBadCursor) {
		t.Errorf("another list's cursor: %v", err)
	}
	// By date range across months, paged.
	ids = nil
	cursor = ""
	for {
		p, err := s.ListByDates(ctx, civil.New(2027, 3, 15), civil.New(2027, 5, 28), cursor, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Meetings {
			ids = append(ids, m.ID)
		}
		if cursor = p.Cursor; cursor == "" {
			break
		}
	}
	if fmt.Sprint(ids) != "[m1 m2 m3]" {
		t.Errorf("by dates: %v", ids)
	}
	// By person.
	p, err := s.ListByStaff(ctx, "sm-a", now, now.AddDate(1, 0, 0), "", 10)
	if err != nil || len(p.Meetings) != 1 || p.Meetings[0].ID != "m0" {
		t.Fatalf("by person: %v %+v", err, p)
	}
	// Reassigned away: the person's list follows.
	if _, err := s.UpdateMeeting(ctx, "m0", func(m *meeting.Meeting) (meetingstore.Effects, error) {
		m.ApplyRota(rota.Outcome{Attendees: []rota.Attendee{{Slot: rota.SlotSenior, StaffID: "sm-b", Rule: rota.RuleOverride}}}, "fp2", now, "x")
		return meetingstore.Effects{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.ListByStaff(ctx, "sm-a", now, now.AddDate(1, 0, 0), "", 10); len(p.Meetings) != 0 {
		t.Errorf("sm-a still listed: %+v", p.Meetings)
	}
}

func TestChildrenMatchByCouncilNumber(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	bea := meeting.Child{ID: "k1", GivenNames: "Bea", FamilyName: "Sample", CouncilNumber: "C-1", Relationship: "daughter", OpenToCSC: true, SocialWorkerID: "sw-1"}
	if _, matched, err := s.SaveChild(ctx, meetingstore.ChildChange{CaseID: "c1", Child: bea, New: true}); err != nil || matched {
		t.Fatal(err, matched)
	}
	// Entered again on another case with the same council number: matched.
	again := bea
	again.ID, again.Relationship = "k-new", "neighbour's child"
	got, matched, err := s.SaveChild(ctx, meetingstore.ChildChange{CaseID: "c2", Child: again, New: true})
	if err != nil || !matched || got.ID != "k1" {
		t.Fatalf("match: %v %v %+v", err, matched, got)
	}
	kids, err := s.Children(ctx, "c2")
	if err != nil || len(kids) != 1 || kids[0].ID != "k1" || kids[0].Relationship != "neighbour's child" {
		t.Fatalf("children of c2: %v %+v", err, kids)
	}
	cases, _ := s.CasesOfChild(ctx, "k1")
	if fmt.Sprint(cases) != "[c1 c2]" {
		t.Errorf("cases of child: %v", cases)
	}
	// Another child may not take that council number.
	cal := meeting.Child{ID: "k2", GivenNames: "Cal", FamilyName: "Sample", Relationship: "son"}
	if _, _, err := s.SaveChild(ctx, meetingstore.ChildChange{CaseID: "c1", Child: cal, New: true}); err != nil {
		t.Fatal(err)
	}
	cal.CouncilNumber = "C-1"
	if _, _, err := s.SaveChild(ctx, meetingstore.ChildChange{CaseID: "c1", Child: cal, ExpectedVersion: 1}); !errors.Is(err, meetingstore.ErrCouncilNumberTaken) {
		t.Errorf("taken number: %v", err)
	}
	cal.CouncilNumber = "C-2"
	if _, _, err := s.SaveChild(ctx, meetingstore.ChildChange{CaseID: "c1", Child: cal, ExpectedVersion: 7}); !errors.Is(err, meetingstore.ErrVersionConflict) {
		t.Errorf("stale: %v", err)
	}
}

func TestTasksAreIdempotentAndDirectory(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	task := meeting.Task{ID: "handover-c1-2", CaseID: "c1", Kind: meeting.TaskHandover, Title: "Hand over", OwnerID: "hos-1", FromID: "sm-a",
		Due: civil.New(2027, 3, 8), Status: meeting.Open, CreatedAt: now}
	for range 2 {
		if _, err := s.CreateTask(ctx, task, meetingstore.Effects{}); err != nil {
			t.Fatal(err)
		}
	}
	_, tasks, err := s.CaseWork(ctx, "c1")
	if err != nil || len(tasks) != 1 {
		t.Fatalf("tasks: %v %d", err, len(tasks))
	}
	_, mine, _ := s.OpenWork(ctx, "hos-1", "")
	if len(mine) != 1 {
		t.Errorf("open work of the owner: %+v", mine)
	}
	if _, err := s.UpdateTask(ctx, "c1", task.ID, func(t *meeting.Task) (meetingstore.Effects, error) {
		return meetingstore.Effects{}, t.Close(meeting.ClosedDone, "", now, "hos-1")
	}); err != nil {
		t.Fatal(err)
	}
	if _, mine, _ := s.OpenWork(ctx, "hos-1", ""); len(mine) != 0 {
		t.Errorf("closed task still open work: %+v", mine)
	}

	p := staff.Person{ID: "sm-a", Name: "Hana Dummy", Email: "h@example.gov.uk", Role: staff.RoleServiceMgr, Active: true, Subject: "cognito-sub-1"}
	if _, err := s.SavePerson(ctx, p, 0, meetingstore.Effects{}); err != nil {
		t.Fatal(err)
	}
	if id, err := s.StaffIDFor(ctx, "cognito-sub-1"); err != nil || id != "sm-a" {
		t.Errorf("identity link: %v %q", err, id)
	}
	other := staff.Person{ID: "sm-b", Name: "Ivo", Email: "i@example.gov.uk", Role: staff.RoleServiceMgr, Subject: "cognito-sub-1"}
	if _, err := s.SavePerson(ctx, other, 0, meetingstore.Effects{}); !errors.Is(err, meetingstore.ErrSubjectTaken) {
		t.Errorf("one identity, two people: %v", err)
	}
	names, _ := s.Names(ctx)
	if names.Of("cognito-sub-1") != "Hana Dummy" {
		t.Errorf("history by subject shows %q", names.Of("cognito-sub-1"))
	}
	for i, c := range []string{"c1", "c2"} {
		if err := s.SaveRotaEntry(ctx, staff.RotaEntry{Role: staff.RoleServiceMgr, StaffID: "sm-a", Position: i, Active: true}, meetingstore.Effects{
			Continuity: []meetingstore.Continuity{{CaseID: c, Role: staff.RoleServiceMgr, StaffID: "sm-a", Since: now}}}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.Load(ctx, staff.RoleServiceMgr, "sm-a"); err != nil || n != 2 {
		t.Errorf("load %d %v", n, err)
	}
	l := staff.Leave{ID: "l1", StaffID: "sm-a", From: civil.New(2027, 3, 20), To: civil.New(2027, 3, 27), Kind: staff.LeaveAnnual}
	if err := s.AddLeave(ctx, l, meetingstore.Effects{}); err != nil {
		t.Fatal(err)
	}
	if cur, _ := s.CurrentLeave(ctx, civil.New(2027, 3, 27)); len(cur) != 1 {
		t.Errorf("current leave %+v", cur)
	}
	if cur, _ := s.CurrentLeave(ctx, civil.New(2027, 3, 28)); len(cur) != 0 {
		t.Errorf("past leave listed %+v", cur)
	}
	if err := s.RemoveLeave(ctx, "sm-a", l.From, "l1", meetingstore.Effects{}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveLeave(ctx, "sm-a", l.From, "l1", meetingstore.Effects{}); !errors.Is(err, meetingstore.ErrNotFound) {
		t.Errorf("remove twice: %v", err)
	}
}
