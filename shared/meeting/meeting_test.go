package meeting_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/rota"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

var (
	planner = cadence.Default()
	// 2027-03-17 09:00 in London (GMT).
	now = time.Date(2027, 3, 17, 9, 0, 0, 0, time.UTC)
)

func good() meeting.Input {
	return meeting.Input{Level: 2, Kind: meeting.KindInitial, Date: civil.New(2027, 3, 25), Time: "10:00",
		Place: "Exampleton Police Station", Chair: "DI Chair", LeadAgency: "Probation"}
}

func pointers(err error) []string {
	var v validation.Errors
	if !errors.As(err, &v) {
		return nil
	}
	var out []string
	for _, fe := range v {
		out = append(out, fe.Pointer)
	}
	return out
}

func TestNewMeeting(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*meeting.Input)
		wantErr []string
		check   func(*testing.T, meeting.Meeting)
	}{
		{name: "worked example 7: 8 days' notice is short notice", check: func(t *testing.T, m meeting.Meeting) {
			if !m.Notice.Short || m.Notice.Days != 8 {
				t.Errorf("notice %+v, want short with 8 days", m.Notice)
			}
			if m.Status != meeting.StatusScheduled || len(m.History) != 1 || m.History[0].Kind != "created" {
				t.Errorf("status %s history %+v", m.Status, m.History)
			}
		}},
		{name: "14 days is not short", edit: func(in *meeting.Input) { in.Date = civil.New(2027, 3, 31) }, check: func(t *testing.T, m meeting.Meeting) {
			if m.Notice.Short || m.Notice.Days != 14 {
				t.Errorf("notice %+v", m.Notice)
			}
		}},
		{name: "received earlier counts from then", edit: func(in *meeting.Input) {
			in.Date = civil.New(2027, 3, 25)
			in.InvitationReceived = civil.New(2027, 3, 1)
		}, check: func(t *testing.T, m meeting.Meeting) {
			if m.Notice.Short {
				t.Errorf("24 days' notice flagged short: %+v", m.Notice)
			}
		}},
		{name: "time in Europe/London: summer time", edit: func(in *meeting.Input) { in.Date = civil.New(2027, 6, 10) }, check: func(t *testing.T, m meeting.Meeting) {
			if got := m.Start.Format(time.RFC3339); got != "2027-06-10T09:00:00Z" {
				t.Errorf("start %s, want 09:00Z (10:00 BST)", got)
			}
		}},
		{name: "time in the hour the clocks skip", edit: func(in *meeting.Input) { in.Date = civil.New(2027, 3, 28); in.Time = "01:30" }, wantErr: []string{"/time"}},
		{name: "missing everything", edit: func(in *meeting.Input) { *in = meeting.Input{} },
			wantErr: []string{"/level", "/date", "/time", "/place"}},
		{name: "bad link, bad level", edit: func(in *meeting.Input) { in.Level = 4; in.Place = ""; in.Link = "http://x" }, wantErr: []string{"/level", "/link"}},
		{name: "custody needs a release or parole date", edit: func(in *meeting.Input) { in.Custody = true }, wantErr: []string{"/releaseDate"}},
		{name: "custody with a release date", edit: func(in *meeting.Input) { in.Custody = true; in.ReleaseDate = civil.New(2027, 9, 1) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := good()
			if tc.edit != nil {
				tc.edit(&in)
			}
			m, errs := meeting.New("m1", "c1", meeting.OriginStaff, in, planner, now, "bso-1")
			if len(tc.wantErr) > 0 {
				got := pointers(errs.Err())
				if strings.Join(got, ",") != strings.Join(tc.wantErr, ",") {
					t.Fatalf("errors at %v, want %v", got, tc.wantErr)
				}
				return
			}
			if !errs.OK() {
				t.Fatalf("unexpected errors %v", errs)
			}
			if tc.check != nil {
				tc.check(t, m)
			}
		})
	}
}

func newMeeting(t *testing.T) meeting.Meeting {
	t.Helper()
	m, errs := meeting.New("m1", "c1", meeting.OriginStaff, good(), planner, now, "bso-1")
	if !errs.OK() {
		t.Fatal(errs)
	}
	return m
}

func TestMoveAndCancelKeepHistory(t *testing.T) {
	m := newMeeting(t)
	later := now.Add(24 * time.Hour)
	if err := m.Move(civil.New(2027, 4, 15), "14:00", "", "", "Chair unavailable", planner, later, "bso-2"); err != nil {
		t.Fatal(err)
	}
	last := m.History[len(m.History)-1]
	if last.Kind != "moved" || last.From != "2027-03-25 10:00" || last.To != "2027-04-15 14:00" || last.Reason != "Chair unavailable" || last.Actor != "bso-2" {
		t.Fatalf("history %+v", last)
	}
	if m.Notice.Short || m.Notice.Days != 28 {
		t.Errorf("notice after the move %+v, want 28 days from the move", m.Notice)
	}
	if err := m.Move(civil.New(2027, 3, 20), "14:00", "", "", "sooner", planner, later, "bso-2"); err != nil || !m.Notice.Short {
		t.Errorf("moving closer: err %v notice %+v, want short notice", err, m.Notice)
	}
	if got := pointers(m.Move(civil.New(2027, 3, 1), "10:00", "", "", "", planner, later, "x")); strings.Join(got, ",") != "/date,/reason" {
		t.Errorf("move to the past without a reason: %v", got)
	}
	if got := pointers(m.Cancel(" ", later, "x")); len(got) != 1 {
		t.Errorf("cancel without a reason: %v", got)
	}
	if err := m.Cancel("Person recalled to prison", later, "bso-1"); err != nil {
		t.Fatal(err)
	}
	if m.Status != meeting.StatusCancelled || m.History[len(m.History)-1].Kind != "cancelled" {
		t.Fatalf("%s %+v", m.Status, m.History)
	}
	if err := m.Move(civil.New(2027, 4, 15), "14:00", "", "", "x", planner, later, "x"); !errors.Is(err, meeting.ErrCancelled) {
		t.Errorf("moving a cancelled meeting: %v", err)
	}
}

func TestRotaAppliedKeepsChecklists(t *testing.T) {
	m := newMeeting(t)
	out := rota.Outcome{Attendees: []rota.Attendee{
		{Slot: rota.SlotSenior, StaffID: "sm-a", Rule: rota.RuleContinuity, Reason: "r"},
		{Slot: rota.ChildSlot("k1"), StaffID: "sw-1", Rule: rota.RuleChildSocialWorker, Reason: "r"},
	}}
	if !m.ApplyRota(out, "fp1", now, "system:rota") {
		t.Fatal("first assignment not a change")
	}
	if err := m.TickItem("sw-1", meeting.ReadReferral, true, now, "sw-1"); err != nil {
		t.Fatal(err)
	}
	if m.ApplyRota(out, "fp2", now, "system:rota") {
		t.Error("same outcome reported as a change")
	}
	if done, all := m.Attendees[1].Progress(); done != 1 || all != 5 {
		t.Errorf("checklist lost: %d/%d", done, all)
	}
	if err := m.TickItem("nobody", meeting.ReadReferral, true, now, "x"); err == nil {
		t.Error("ticked for someone not attending")
	}
	if err := m.TickItem("sw-1", meeting.PrepareUpdate, true, now, "x"); err == nil {
		t.Error("ticked an item not on the list (person not known: no update)")
	}
}

func TestExcusals(t *testing.T) {
	tests := []struct {
		name    string
		kind    meeting.Kind
		known   bool
		excusal meeting.Excusal
		wantErr bool
	}{
		{"first meeting, nobody known: compulsory", meeting.KindInitial, false, meeting.Excusal{AgreedBy: meeting.AgreedByChair, AgreedName: "DI Chair", Reason: "court"}, true},
		{"first meeting, known: may be excused", meeting.KindInitial, true, meeting.Excusal{AgreedBy: meeting.AgreedByChair, AgreedName: "DI Chair", Reason: "court"}, false},
		{"review: excused with the lead agency's agreement", meeting.KindReview, false, meeting.Excusal{AgreedBy: meeting.AgreedByLeadAgency, AgreedName: "PO Smith", Reason: "leave"}, false},
		{"review: who agreed is required", meeting.KindReview, false, meeting.Excusal{AgreedBy: "manager", Reason: "x"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := good()
			in.Kind, in.KnownToCouncil = tc.kind, tc.known
			m, _ := meeting.New("m1", "c1", meeting.OriginStaff, in, planner, now, "bso")
			m.ApplyRota(rota.Outcome{Attendees: []rota.Attendee{{Slot: rota.SlotSenior, StaffID: "sm-a", Rule: rota.RuleContinuity}}}, "f", now, "system")
			tc.excusal.RecordedBy = "bso-1"
			err := m.Excuse("sm-a", tc.excusal, now)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v, want error %v", err, tc.wantErr)
			}
			if err == nil && (m.Attendees[0].Excused == nil || m.Attendees[0].Excused.AgreedName == "") {
				t.Error("excusal not recorded with who agreed")
			}
		})
	}
}

func TestReassign(t *testing.T) {
	m := newMeeting(t)
	m.ApplyRota(rota.Outcome{Attendees: []rota.Attendee{{Slot: rota.SlotSenior, StaffID: "sm-a", Rule: rota.RuleContinuity}}}, "f", now, "system")
	if got := pointers(m.Reassign(rota.Override{Slot: rota.SlotSenior, StaffID: "sm-b"}, now)); strings.Join(got, ",") != "/reason" {
		t.Errorf("reassign without a reason: %v", got)
	}
	if got := pointers(m.Reassign(rota.Override{Slot: "child:zz", StaffID: "sw", Reason: "x"}, now)); strings.Join(got, ",") != "/slot" {
		t.Errorf("reassign of an unknown place: %v", got)
	}
	if err := m.Reassign(rota.Override{Slot: rota.SlotSenior, StaffID: "sm-b", Reason: "SM A in court", By: "bso-1"}, now); err != nil {
		t.Fatal(err)
	}
	if len(m.Overrides) != 1 || m.History[len(m.History)-1].Kind != "reassigned" {
		t.Fatalf("%+v %+v", m.Overrides, m.History)
	}
}

func TestNextReview(t *testing.T) {
	held := func(level int, date civil.Date) meeting.Meeting {
		return meeting.Meeting{Level: level, Date: date}
	}
	tests := []struct {
		name      string
		m         meeting.Meeting
		panel     meeting.PanelDays
		policy    *cadence.Policy
		wantDate  civil.Date
		wantBasis string
		wantRule  string
	}{
		{name: "worked example 6: level 3 after Thursday 2027-01-07", m: held(3, civil.New(2027, 1, 7)),
			wantDate: civil.New(2027, 2, 25), wantBasis: "suggested"},
		{name: "level 2 on the panel day inside the window nearest the suggested day (earlier on a tie)", m: held(2, civil.New(2027, 1, 7)),
			panel:    meeting.PanelDays{civil.New(2027, 3, 4), civil.New(2027, 4, 8), civil.New(2027, 4, 22), civil.New(2027, 6, 3)},
			wantDate: civil.New(2027, 4, 8), wantBasis: "panel-day", wantRule: "REVIEW-PANEL-DAY"},
		{name: "no panel day in the window: suggested, and flagged", m: held(2, civil.New(2027, 1, 7)),
			panel:    meeting.PanelDays{civil.New(2027, 2, 4)},
			wantDate: civil.New(2027, 4, 15), wantBasis: "suggested", wantRule: "REVIEW-NO-PANEL-DAY"},
		{name: "an area's 20-week policy is capped at 16 weeks", m: held(2, civil.New(2027, 1, 7)),
			policy:   &cadence.Policy{Level2MinWeeks: 12, Level2MaxWeeks: 20, Level3MinWeeks: 6, Level3MaxWeeks: 8, CustodyEarliestWeeks: 12, CustodyLatestWeeks: 4, NoticeDays: 14, SupervisionWeeks: 4},
			wantDate: civil.New(2027, 4, 29), wantBasis: "suggested", wantRule: "REVIEW-HARD-LIMIT"},
		{name: "custody review follows the release date", m: meeting.Meeting{Level: 2, Date: civil.New(2027, 1, 7), Custody: true, ReleaseDate: civil.New(2027, 4, 1)},
			panel: meeting.PanelDays{civil.New(2027, 2, 18)}, wantBasis: "custody"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := planner
			if tc.policy != nil {
				if _, err := cadence.New(*tc.policy, nil); err == nil {
					t.Fatal("a planner without a calendar was accepted")
				}
				p = mustPlanner(t, *tc.policy)
			}
			got, err := meeting.ProposeNextReview(tc.m, p, tc.panel)
			if err != nil {
				t.Fatal(err)
			}
			if got.Basis != tc.wantBasis {
				t.Errorf("basis %s, want %s", got.Basis, tc.wantBasis)
			}
			if !tc.wantDate.IsZero() && got.Date != tc.wantDate {
				t.Errorf("date %s, want %s (window %s..%s)", got.Date, tc.wantDate, got.Window.Earliest, got.Window.Latest)
			}
			if got.Date.Before(got.Window.Earliest) || got.Date.After(got.Window.Latest) {
				t.Errorf("proposed %s outside the window %s..%s", got.Date, got.Window.Earliest, got.Window.Latest)
			}
			if err := meeting.CheckReviewDate(tc.m.Level, tc.m.Date, got.Window.Latest); err != nil {
				t.Errorf("window ends past the hard limit: %v", err)
			}
			if tc.wantRule != "" {
				found := false
				for _, r := range got.Reasons {
					found = found || r.Rule == tc.wantRule
				}
				if !found {
					t.Errorf("no %s reason in %+v", tc.wantRule, got.Reasons)
				}
			}
		})
	}
	if err := meeting.CheckReviewDate(3, civil.New(2027, 1, 7), civil.New(2027, 3, 5)); err == nil {
		t.Error("a level 3 review 8 weeks and a day later was accepted")
	}
	if err := meeting.CheckReviewDate(2, civil.New(2027, 1, 7), civil.New(2027, 4, 29)); err != nil {
		t.Errorf("16 weeks exactly refused: %v", err)
	}
}
