package rota_test

import (
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/rota"
	"github.com/mappa-coordinator/mappa/shared/staff"
)

var day = civil.New(2027, 3, 25)

func away(from, to civil.Date) []staff.Leave {
	return []staff.Leave{{ID: "l1", From: from, To: to, Kind: staff.LeaveAnnual}}
}

func sms() []rota.Member {
	return []rota.Member{
		{StaffID: "sm-a", Name: "SM A", Position: 1, Active: true, Load: 3},
		{StaffID: "sm-b", Name: "SM B", Position: 2, Active: true, Load: 1},
		{StaffID: "sm-c", Name: "SM C", Position: 3, Active: true, Load: 1},
		{StaffID: "sm-d", Name: "SM D", Position: 4, Active: true, Backup: true, BackupFor: "sm-a", Load: 0},
	}
}

func with(ms []rota.Member, id string, f func(*rota.Member)) []rota.Member {
	for i := range ms {
		if ms[i].StaffID == id {
			f(&ms[i])
		}
	}
	return ms
}

func TestSeniorRules(t *testing.T) {
	onLeave := func(m *rota.Member) { m.Leave = away(day.AddDays(-2), day.AddDays(3)) }
	leaveEnded := func(m *rota.Member) { m.Leave = away(day.AddDays(-20), day.AddDays(-1)) }
	tests := []struct {
		name        string
		level       int
		members     []rota.Member
		continuity  string
		overrides   []rota.Override
		wantStaff   string
		wantRule    rota.Rule
		wantCont    string
		wantChanged bool
		wantGap     bool
		reasonHas   string
	}{
		{name: "continuity: the same SM every time", level: 2, members: sms(), continuity: "sm-a",
			wantStaff: "sm-a", wantRule: rota.RuleContinuity, wantCont: "sm-a", reasonHas: "continuity"},
		{name: "worked example 8: SM A on leave, the named backup covers this meeting only", level: 2,
			members: with(sms(), "sm-a", onLeave), continuity: "sm-a",
			wantStaff: "sm-d", wantRule: rota.RuleBackup, wantCont: "sm-a", reasonHas: "continuity returns to SM A"},
		{name: "continuity returns once the leave has ended", level: 2,
			members: with(sms(), "sm-a", leaveEnded), continuity: "sm-a",
			wantStaff: "sm-a", wantRule: rota.RuleContinuity, wantCont: "sm-a"},
		{name: "named backup also away: least loaded covers, tie by rota order", level: 2,
			members: with(with(sms(), "sm-a", onLeave), "sm-d", onLeave), continuity: "sm-a",
			wantStaff: "sm-b", wantRule: rota.RuleBackup, wantCont: "sm-a"},
		{name: "new individual: least loaded, backups last, tie-break by position", level: 2, members: sms(),
			wantStaff: "sm-b", wantRule: rota.RuleLeastLoaded, wantCont: "sm-b", wantChanged: true, reasonHas: "fewest"},
		{name: "tie-break by staff id when positions tie", level: 2,
			members:   with(sms(), "sm-c", func(m *rota.Member) { m.Position = 2; m.StaffID = "sm-0" }),
			wantStaff: "sm-0", wantRule: rota.RuleLeastLoaded, wantCont: "sm-0", wantChanged: true},
		{name: "least loaded skips someone on leave", level: 2, members: with(sms(), "sm-b", onLeave),
			wantStaff: "sm-c", wantRule: rota.RuleLeastLoaded, wantCont: "sm-c", wantChanged: true},
		{name: "continuity person left the rota: new continuity", level: 2,
			members: with(sms(), "sm-a", func(m *rota.Member) { m.Active = false }), continuity: "sm-a",
			wantStaff: "sm-b", wantRule: rota.RuleLeastLoaded, wantCont: "sm-b", wantChanged: true, reasonHas: "no longer"},
		{name: "only a backup is available for a new individual", level: 2,
			members:   with(with(with(sms(), "sm-a", onLeave), "sm-b", onLeave), "sm-c", onLeave),
			wantStaff: "sm-d", wantRule: rota.RuleLeastLoaded, wantCont: "sm-d", wantChanged: true},
		{name: "nobody available", level: 2,
			members:    with(with(with(with(sms(), "sm-a", onLeave), "sm-b", onLeave), "sm-c", onLeave), "sm-d", onLeave),
			continuity: "sm-a", wantGap: true, wantCont: "sm-a", reasonHas: "arrange cover"},
		{name: "empty rota for a new individual", level: 3, wantGap: true, reasonHas: "No head of service"},
		{name: "override by a BSO, for this meeting only", level: 2, members: sms(), continuity: "sm-a",
			overrides: []rota.Override{{Slot: rota.SlotSenior, StaffID: "sm-c", Name: "SM C", Reason: "SM A is in court", By: "bso-1"}},
			wantStaff: "sm-c", wantRule: rota.RuleOverride, wantCont: "sm-a", reasonHas: "SM A is in court"},
		{name: "override fills a gap", level: 2, members: with(with(with(with(sms(), "sm-a", onLeave), "sm-b", onLeave), "sm-c", onLeave), "sm-d", onLeave),
			continuity: "sm-a", overrides: []rota.Override{{Slot: rota.SlotSenior, StaffID: "sm-x", Reason: "agency cover"}},
			wantStaff: "sm-x", wantRule: rota.RuleOverride, wantCont: "sm-a"},
		{name: "level 1: no senior place", level: 1, members: sms(), continuity: "sm-a", wantCont: "sm-a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := rota.Assign(rota.Input{CaseID: "c1", Level: tc.level, Date: day, Senior: tc.members, Continuity: tc.continuity, Overrides: tc.overrides})
			var got *rota.Attendee
			for i := range out.Attendees {
				if out.Attendees[i].Slot == rota.SlotSenior {
					got = &out.Attendees[i]
				}
			}
			if tc.wantGap {
				if got != nil || len(out.Gaps) != 1 || out.Gaps[0].Rule != rota.RuleNobodyAvailable {
					t.Fatalf("want a gap, got %+v", out)
				}
				if !strings.Contains(out.Gaps[0].Reason, tc.reasonHas) {
					t.Errorf("gap reason %q lacks %q", out.Gaps[0].Reason, tc.reasonHas)
				}
			} else if tc.wantStaff == "" {
				if got != nil || len(out.Gaps) != 0 {
					t.Fatalf("want no senior place, got %+v", out)
				}
			} else {
				if got == nil {
					t.Fatalf("no senior attendee: %+v", out)
				}
				if got.StaffID != tc.wantStaff || got.Rule != tc.wantRule {
					t.Errorf("got %s by %s, want %s by %s", got.StaffID, got.Rule, tc.wantStaff, tc.wantRule)
				}
				if got.Reason == "" || !strings.Contains(got.Reason, tc.reasonHas) {
					t.Errorf("reason %q lacks %q", got.Reason, tc.reasonHas)
				}
				wantRole := rota.SeniorRole(tc.level)
				if got.Role != wantRole {
					t.Errorf("role %s, want %s", got.Role, wantRole)
				}
			}
			if out.Continuity != tc.wantCont || out.ContinuityChanged != tc.wantChanged {
				t.Errorf("continuity %q changed=%v, want %q changed=%v", out.Continuity, out.ContinuityChanged, tc.wantCont, tc.wantChanged)
			}
		})
	}
}

func TestAssignIsDeterministic(t *testing.T) {
	ms := sms()
	rev := []rota.Member{ms[3], ms[2], ms[1], ms[0]}
	a := rota.Assign(rota.Input{Level: 2, Date: day, Senior: ms})
	b := rota.Assign(rota.Input{Level: 2, Date: day, Senior: rev})
	if a.Attendees[0].StaffID != b.Attendees[0].StaffID {
		t.Fatalf("order of the rota changed the choice: %s vs %s", a.Attendees[0].StaffID, b.Attendees[0].StaffID)
	}
}

func TestChildWorkers(t *testing.T) {
	sw := &rota.Worker{StaffID: "sw-1", Name: "SW One"}
	sw2 := &rota.Worker{StaffID: "sw-2", Name: "SW Two"}
	swAway := &rota.Worker{StaffID: "sw-1", Name: "SW One", Leave: away(day, day)}
	tm := &rota.Worker{StaffID: "tm-1", Name: "TM One"}
	tmAway := &rota.Worker{StaffID: "tm-1", Name: "TM One", Leave: away(day, day)}
	type want struct {
		staff string
		rule  rota.Rule
	}
	tests := []struct {
		name     string
		level    int
		children []rota.Child
		want     []want
		gaps     int
	}{
		{name: "level 2: the child's social worker", level: 2,
			children: []rota.Child{{ID: "k1", Label: "child 1", OpenToCSC: true, SocialWorker: sw, Supervisor: tm}},
			want:     []want{{"sm-b", rota.RuleLeastLoaded}, {"sw-1", rota.RuleChildSocialWorker}}},
		{name: "child not open to CSC: nobody for them", level: 2,
			children: []rota.Child{{ID: "k1", Label: "child 1", OpenToCSC: false, SocialWorker: sw}},
			want:     []want{{"sm-b", rota.RuleLeastLoaded}}},
		{name: "social worker away: supervisor attends", level: 3,
			children: []rota.Child{{ID: "k1", Label: "child 1", OpenToCSC: true, SocialWorker: swAway, Supervisor: tm}},
			want:     []want{{"hos-1", rota.RuleLeastLoaded}, {"tm-1", rota.RuleChildSupervisor}}},
		{name: "social worker and supervisor away: gap", level: 2,
			children: []rota.Child{{ID: "k1", Label: "child 1", OpenToCSC: true, SocialWorker: swAway, Supervisor: tmAway}},
			want:     []want{{"sm-b", rota.RuleLeastLoaded}}, gaps: 1},
		{name: "one social worker for two children attends once", level: 2,
			children: []rota.Child{{ID: "k1", Label: "child 1", OpenToCSC: true, SocialWorker: sw}, {ID: "k2", Label: "child 2", OpenToCSC: true, SocialWorker: sw}},
			want:     []want{{"sm-b", rota.RuleLeastLoaded}, {"sw-1", rota.RuleChildSocialWorker}}},
		{name: "two children, two social workers", level: 2,
			children: []rota.Child{{ID: "k1", Label: "child 1", OpenToCSC: true, SocialWorker: sw}, {ID: "k2", Label: "child 2", OpenToCSC: true, SocialWorker: sw2}},
			want:     []want{{"sm-b", rota.RuleLeastLoaded}, {"sw-1", rota.RuleChildSocialWorker}, {"sw-2", rota.RuleChildSocialWorker}}},
		{name: "level 1: the social worker only", level: 1,
			children: []rota.Child{{ID: "k1", Label: "child 1", OpenToCSC: true, SocialWorker: sw, Supervisor: tm}},
			want:     []want{{"sw-1", rota.RuleLevel1SocialWorker}}},
		{name: "level 1: social worker away is a gap, not the supervisor", level: 1,
			children: []rota.Child{{ID: "k1", Label: "child 1", OpenToCSC: true, SocialWorker: swAway, Supervisor: tm}},
			gaps:     1},
	}
	hos := []rota.Member{{StaffID: "hos-1", Name: "HoS One", Position: 1, Active: true}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			senior := sms()
			if tc.level == 3 {
				senior = hos
			}
			out := rota.Assign(rota.Input{Level: tc.level, Date: day, Senior: senior, Children: tc.children})
			if len(out.Attendees) != len(tc.want) {
				t.Fatalf("attendees %+v, want %+v", out.Attendees, tc.want)
			}
			for i, w := range tc.want {
				a := out.Attendees[i]
				if a.StaffID != w.staff || a.Rule != w.rule || a.Reason == "" {
					t.Errorf("attendee %d: %s by %s (%q), want %s by %s", i, a.StaffID, a.Rule, a.Reason, w.staff, w.rule)
				}
			}
			if len(out.Gaps) != tc.gaps {
				t.Errorf("gaps %+v, want %d", out.Gaps, tc.gaps)
			}
		})
	}
}

func TestTwoChildrenOneWorkerCoversBoth(t *testing.T) {
	sw := &rota.Worker{StaffID: "sw-1"}
	out := rota.Assign(rota.Input{Level: 1, Date: day, Children: []rota.Child{
		{ID: "k1", Label: "child 1", OpenToCSC: true, SocialWorker: sw}, {ID: "k2", Label: "child 2", OpenToCSC: true, SocialWorker: sw}}})
	if len(out.Attendees) != 1 || len(out.Attendees[0].ChildIDs) != 2 {
		t.Fatalf("%+v", out.Attendees)
	}
}

func TestLevelAndRiskChanges(t *testing.T) {
	tests := []struct {
		name     string
		got      []rota.Consequence
		wantKind rota.Kind
		wantRole staff.Role
	}{
		{"1 to 2 tells the SM", rota.LevelChanged(1, 2), rota.NotifyServiceManager, staff.RoleServiceMgr},
		{"none to 2 tells the SM", rota.LevelChanged(0, 2), rota.NotifyServiceManager, staff.RoleServiceMgr},
		{"2 to 3 hands over to a HoS", rota.LevelChanged(2, 3), rota.HandoverToHeadOfService, staff.RoleHeadOfService},
		{"1 to 3 tells a HoS", rota.LevelChanged(1, 3), rota.NotifyHeadOfService, staff.RoleHeadOfService},
		{"3 to 2: nothing", rota.LevelChanged(3, 2), "", ""},
		{"2 to 2: nothing", rota.LevelChanged(2, 2), "", ""},
		{"risk rise tells the HoS", rota.RiskChanged("medium", "high"), rota.NotifyHeadOfService, staff.RoleHeadOfService},
		{"risk fall: nothing", rota.RiskChanged("very-high", "high"), "", ""},
		{"first assessment is not a rise", rota.RiskChanged("", "high"), "", ""},
		{"traffic light amber to red tells the HoS", rota.RAGChanged("amber", "red"), rota.NotifyHeadOfService, staff.RoleHeadOfService},
		{"traffic light green to amber tells the HoS", rota.RAGChanged("green", "amber"), rota.NotifyHeadOfService, staff.RoleHeadOfService},
		{"traffic light red to green: nothing", rota.RAGChanged("red", "green"), "", ""},
		{"first traffic light is not a rise", rota.RAGChanged("", "red"), "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.wantKind == "" {
				if len(tc.got) != 0 {
					t.Fatalf("want nothing, got %+v", tc.got)
				}
				return
			}
			if len(tc.got) != 1 || tc.got[0].Kind != tc.wantKind || tc.got[0].Role != tc.wantRole || tc.got[0].Reason == "" {
				t.Fatalf("got %+v, want %s to %s", tc.got, tc.wantKind, tc.wantRole)
			}
		})
	}
}

// Supervision, the monthly internal risk meeting and the emergency one
// (S0): who acts, and when each is called for.
func TestCaseWorkConsequences(t *testing.T) {
	for level, want := range map[int]staff.Role{0: staff.RoleServiceMgr, 1: staff.RoleServiceMgr, 2: staff.RoleServiceMgr, 3: staff.RoleHeadOfService} {
		if got := rota.ManagerRole(level); got != want {
			t.Errorf("ManagerRole(%d) = %s, want %s", level, got, want)
		}
		if c := rota.CaseAccepted(level, 4); len(c) != 1 || c[0].Kind != rota.SuperviseNewCase || c[0].Role != want || !strings.Contains(c[0].Reason, "4 weeks") {
			t.Errorf("CaseAccepted(%d) = %+v", level, c)
		}
	}
	rises := []struct {
		name                       string
		fromRisk, toRisk, from, to string
		emergency                  bool
		why                        string
	}{
		{"risk medium to high", "medium", "high", "", "", true, "from medium to high"},
		{"risk high to very high", "high", "very-high", "green", "green", true, "from high to very-high"},
		{"first assessment is not a rise", "", "very-high", "", "", false, ""},
		{"a fall", "very-high", "low", "", "", false, ""},
		{"traffic light amber to red", "high", "high", "amber", "red", true, "from AMBER to RED"},
		{"first traffic light is not a rise", "", "", "", "red", false, ""},
		{"both rise: one meeting", "low", "high", "green", "red", true, "risk of serious harm rose from low to high and the traffic light rose from GREEN to RED"},
	}
	for _, tc := range rises {
		got := rota.RiskRose(3, tc.fromRisk, tc.toRisk, tc.from, tc.to)
		if (len(got) == 1) != tc.emergency || len(got) > 1 {
			t.Errorf("%s: %+v", tc.name, got)
			continue
		}
		if tc.emergency && (got[0].Kind != rota.EmergencyRiskMeeting || got[0].Role != staff.RoleHeadOfService || !strings.Contains(got[0].Reason, tc.why)) {
			t.Errorf("%s: %+v", tc.name, got[0])
		}
	}
	for _, tc := range []struct {
		rosh, rag string
		high      bool
	}{{"high", "", true}, {"very-high", "green", true}, {"medium", "", false}, {"", "", false}, {"low", "amber", true}, {"", "red", true}, {"medium", "green", false}} {
		if rota.HighRisk(tc.rosh, tc.rag) != tc.high {
			t.Errorf("HighRisk(%q, %q) should be %v", tc.rosh, tc.rag, tc.high)
		}
	}
	if got := rota.IRAMMRisk("high", "red"); got != "very-high" {
		t.Errorf("IRAMMRisk(high, red) = %q: RED is very high risk (S0)", got)
	}
	if got := rota.IRAMMRisk("very-high", "amber"); got != "very-high" {
		t.Errorf("IRAMMRisk(very-high, amber) = %q", got)
	}
}
