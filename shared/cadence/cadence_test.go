package cadence

import (
	"math/rand/v2"
	"testing"
	"testing/quick"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/risk"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

func d(s string) civil.Date {
	v, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

func hasRule(rs []eligibility.Reason, id string) bool {
	for _, r := range rs {
		if r.Rule == id {
			return true
		}
	}
	return false
}

func TestNextReview(t *testing.T) {
	p := Default()
	cases := []struct {
		name                      string
		level                     eligibility.Level
		last                      string
		custody                   Custody
		basis                     string
		earliest, latest, suggest string
		invitesBy                 string
		urgent                    bool
		rules                     []string
	}{
		{"worked example 6: level 3 meeting on Thursday 7 January 2027", eligibility.Level3, "2027-01-07", Custody{},
			"interval", "2027-02-18", "2027-03-04", "2027-02-25", "2027-02-18", false, []string{"REVIEW-L3-WINDOW", "INVITE-14-DAYS"}},
		{"level 2: 12 to 16 weeks", eligibility.Level2, "2027-01-07", Custody{},
			"interval", "2027-04-01", "2027-04-29", "2027-04-15", "2027-04-15", false, []string{"REVIEW-L2-WINDOW"}},
		{"level 2: the last day would be the Christmas substitute day, so it moves back", eligibility.Level2, "2027-09-06", Custody{},
			"interval", "2027-11-29", "2027-12-24", "2027-12-10", "2027-12-10", false, []string{"DUE-WORKING-DAY"}},
		{"level 3: the window would open on Easter Monday, so it opens the day after", eligibility.Level3, "2027-02-15", Custody{},
			"interval", "2027-03-30", "2027-04-12", "2027-04-05", "2027-03-25", false, []string{"WINDOW-OPENS-WORKING-DAY"}},
		{"custody: keyed to the release date", eligibility.Level2, "2027-01-07", Custody{ReleaseDate: d("2027-06-30")},
			"custody", "2027-04-07", "2027-06-02", "2027-05-05", "2027-05-19", false, []string{"REVIEW-CUSTODY"}},
		{"custody: the earlier parole eligibility date wins", eligibility.Level3, "2027-01-07", Custody{ReleaseDate: d("2027-06-30"), ParoleEligibilityDate: d("2027-05-15")},
			"custody", "2027-02-22", "2027-04-16", "2027-03-19", "2027-04-02", false, []string{"REVIEW-CUSTODY", "DUE-WORKING-DAY"}},
		{"custody: release too close for the usual lead time", eligibility.Level2, "2027-01-07", Custody{ReleaseDate: d("2027-01-20")},
			"custody", "2027-01-08", "2027-01-19", "2027-01-13", "2027-01-05", true, []string{"REVIEW-CUSTODY-URGENT"}},
		{"custody dates already passed: the interval applies", eligibility.Level3, "2027-01-07", Custody{ReleaseDate: d("2026-12-01")},
			"interval", "2027-02-18", "2027-03-04", "2027-02-25", "2027-02-18", false, []string{"REVIEW-CUSTODY-PASSED"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, err := p.NextReview(tc.level, d(tc.last), tc.custody)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{w.Basis, w.Earliest.String(), w.Latest.String(), w.Suggested.String(), w.InvitationsBy.String()}
			want := []string{tc.basis, tc.earliest, tc.latest, tc.suggest, tc.invitesBy}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("basis/earliest/latest/suggested/invitationsBy = %v, want %v", got, want)
					break
				}
			}
			if w.Urgent != tc.urgent {
				t.Errorf("urgent %v", w.Urgent)
			}
			for _, id := range tc.rules {
				if !hasRule(w.Reasons, id) {
					t.Errorf("rule %s not cited: %+v", id, w.Reasons)
				}
			}
		})
	}
}

func TestNextReviewRefusesLevel1(t *testing.T) {
	p := Default()
	for _, l := range []eligibility.Level{eligibility.NoLevel, eligibility.Level1} {
		if _, err := p.NextReview(l, d("2027-01-07"), Custody{}); err != ErrNoReviewCycle {
			t.Errorf("%s: %v", l, err)
		}
	}
	if _, err := p.NextReview(eligibility.Level2, civil.Date{}, Custody{}); err != ErrNoDate {
		t.Errorf("no date: %v", err)
	}
}

func TestNotice(t *testing.T) {
	p := Default()
	cases := []struct {
		meeting, received string
		days              int
		short             bool
		rule              string
	}{
		{"2027-03-25", "2027-03-17", 8, true, "NOTICE-SHORT"}, // worked example 7
		{"2027-03-25", "2027-03-11", 14, false, "NOTICE-OK"},
		{"2027-03-25", "2027-03-12", 13, true, "NOTICE-SHORT"},
		{"2027-03-25", "2027-03-26", -1, true, "NOTICE-SHORT"},
	}
	for _, c := range cases {
		n := p.CheckNotice(d(c.meeting), d(c.received))
		if n.Days != c.days || n.Short != c.short || !hasRule(n.Reasons, c.rule) {
			t.Errorf("%s received %s: %+v", c.meeting, c.received, n)
		}
	}
}

func TestInvitationDeadline(t *testing.T) {
	p := Default()
	cases := map[string]string{
		"2027-03-04": "2027-02-18", // worked example 6
		"2027-01-11": "2026-12-24", // 28 Dec is a bank holiday, as are 25 Dec and the weekend
		"2027-04-12": "2027-03-25", // 29 Mar is Easter Monday, 26 Mar Good Friday
	}
	for meeting, want := range cases {
		if got := p.InvitationDeadline(d(meeting)).String(); got != want {
			t.Errorf("meeting %s: invitations by %s, want %s", meeting, got, want)
		}
	}
}

func TestSupervisionAndIRAMM(t *testing.T) {
	p := Default()
	if s := p.SupervisionDue(d("2027-03-01")); s.Date.String() != "2027-03-25" || !hasRule(s.Reasons, "DUE-WORKING-DAY") {
		t.Errorf("supervision after allocation on 1 March 2027 (4 weeks is Easter Monday): %+v", s)
	}
	if s := p.SupervisionDue(d("2027-01-04")); s.Date.String() != "2027-02-01" || !hasRule(s.Reasons, "SUPERVISION-4-WEEKS") {
		t.Errorf("supervision: %+v", s)
	}
	if due, ok := p.NextIRAMM(risk.High, d("2027-02-28")); !ok || due.Date.String() != "2027-03-25" || !hasRule(due.Reasons, "IRAMM-MONTHLY") {
		t.Errorf("IRAMM for high risk: %+v %v", due, ok)
	}
	if due, ok := p.NextIRAMM(risk.VeryHigh, d("2027-01-15")); !ok || due.Date.String() != "2027-02-15" {
		t.Errorf("IRAMM for very high risk: %+v", due)
	}
	for _, r := range []risk.Level{risk.Low, risk.Medium, ""} {
		if due, ok := p.NextIRAMM(r, d("2027-01-15")); ok || !hasRule(due.Reasons, "IRAMM-NOT-NEEDED") {
			t.Errorf("IRAMM for %q: %+v", r, due)
		}
	}
	if m := p.NextMonitoringReport(d("2027-01-31")); m.Date.String() != "2027-02-26" || !hasRule(m.Reasons, "MONITORING-MONTHLY") {
		t.Errorf("monitoring: %+v", m)
	}
}

func TestPolicy(t *testing.T) {
	if err := DefaultPolicy().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []func(*Policy){
		func(p *Policy) { p.Level2MaxWeeks = 10 },
		func(p *Policy) { p.Level3MinWeeks = 0 },
		func(p *Policy) { p.CustodyLatestWeeks = 20 },
		func(p *Policy) { p.NoticeDays = 0 },
		func(p *Policy) { p.SupervisionWeeks = 0 },
	}
	for i, f := range bad {
		p := DefaultPolicy()
		f(&p)
		if _, err := New(p, workdays.EnglandAndWales()); err == nil {
			t.Errorf("bad policy %d accepted", i)
		}
	}
	custom := DefaultPolicy()
	custom.Level2MinWeeks, custom.Level2MaxWeeks = 13, 13 // "every 3 months" (S1)
	p, err := New(custom, workdays.EnglandAndWales())
	if err != nil {
		t.Fatal(err)
	}
	w, _ := p.NextReview(eligibility.Level2, d("2027-01-07"), Custody{})
	if w.Earliest != w.Latest || w.Latest.String() != "2027-04-08" {
		t.Errorf("a fixed 13-week interval: %+v", w)
	}
	if _, err := New(DefaultPolicy(), nil); err == nil {
		t.Error("no calendar accepted")
	}
}

// TestPropertyWindows checks, for many last-meeting dates, levels and
// custody dates, that the suggested date lies in its window and on a
// working day, the window never exceeds the maximum interval, and every
// invitation deadline is a working day at least 14 days before its meeting.
func TestPropertyWindows(t *testing.T) {
	p := Default()
	cal := workdays.EnglandAndWales()
	rng := rand.New(rand.NewPCG(2027, 1))
	start := d("2024-01-01")
	for range 5000 {
		last := start.AddDays(rng.IntN(7 * 365))
		level := eligibility.Level2 + eligibility.Level(rng.IntN(2))
		var c Custody
		if rng.IntN(3) == 0 {
			c.ReleaseDate = last.AddDays(rng.IntN(400) - 30)
		}
		if rng.IntN(4) == 0 {
			c.ParoleEligibilityDate = last.AddDays(rng.IntN(400) - 30)
		}
		w, err := p.NextReview(level, last, c)
		if err != nil {
			t.Fatal(err)
		}
		ctx := func() string { return last.String() + " " + level.String() + " " + w.Basis }
		switch {
		case w.Earliest.After(w.Latest):
			t.Fatalf("%s: window %s-%s is inverted", ctx(), w.Earliest, w.Latest)
		case w.Suggested.Before(w.Earliest) || w.Suggested.After(w.Latest):
			t.Fatalf("%s: suggested %s outside %s-%s", ctx(), w.Suggested, w.Earliest, w.Latest)
		case !cal.IsWorkingDay(w.Suggested) || !cal.IsWorkingDay(w.Earliest) || !cal.IsWorkingDay(w.Latest):
			t.Fatalf("%s: a date of the window is not a working day: %+v", ctx(), w)
		case !w.Earliest.After(last):
			t.Fatalf("%s: window opens %s, not after the last meeting", ctx(), w.Earliest)
		}
		if w.Basis == "interval" {
			maxW, minW := p.Policy().Level2MaxWeeks, p.Policy().Level2MinWeeks
			if level == eligibility.Level3 {
				maxW, minW = p.Policy().Level3MaxWeeks, p.Policy().Level3MinWeeks
			}
			if w.Latest.After(last.AddDays(7*maxW)) || w.Earliest.Before(last.AddDays(7*minW)) {
				t.Fatalf("%s: window %s-%s breaks the %d-%d week interval", ctx(), w.Earliest, w.Latest, minW, maxW)
			}
		}
		for meeting, by := range map[civil.Date]civil.Date{w.Latest: w.InvitationsBy, w.Suggested: w.InvitationsBySuggested} {
			if by.DaysUntil(meeting) < 14 || !cal.IsWorkingDay(by) {
				t.Fatalf("%s: invitations by %s for a meeting on %s", ctx(), by, meeting)
			}
		}
	}
}

// TestPropertyInvitationDeadline uses testing/quick over any meeting date
// from 2020 to 2035.
func TestPropertyInvitationDeadline(t *testing.T) {
	p := Default()
	cal := workdays.EnglandAndWales()
	base := civil.New(2020, time.January, 1)
	f := func(offset uint16) bool {
		meeting := base.AddDays(int(offset) % (16 * 365))
		by := p.InvitationDeadline(meeting)
		n := p.CheckNotice(meeting, by)
		return by.DaysUntil(meeting) >= 14 && cal.IsWorkingDay(by) && !n.Short &&
			// and it is the latest such day
			(cal.NextWorkingDay(by).DaysUntil(meeting) < 14)
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 3000}); err != nil {
		t.Error(err)
	}
}

func TestRulesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range append(append([]eligibility.Rule{}, Rules...), eligibility.Rules...) {
		if seen[r.ID] {
			t.Errorf("rule %s defined twice", r.ID)
		}
		seen[r.ID] = true
		if r.Summary == "" || r.Source == "" {
			t.Errorf("rule %s lacks a summary or source", r.ID)
		}
	}
}

// TestEveryCadenceRuleFires runs one call per rule and checks each rule in
// Rules is cited at least once.
func TestEveryCadenceRuleFires(t *testing.T) {
	p := Default()
	var all []eligibility.Reason
	add := func(rs []eligibility.Reason) { all = append(all, rs...) }
	for _, c := range []struct {
		level eligibility.Level
		last  string
		c     Custody
	}{
		{eligibility.Level2, "2027-09-06", Custody{}},
		{eligibility.Level3, "2027-02-15", Custody{}},
		{eligibility.Level2, "2027-01-07", Custody{ReleaseDate: d("2027-06-30")}},
		{eligibility.Level2, "2027-01-07", Custody{ReleaseDate: d("2027-01-20")}},
		{eligibility.Level2, "2027-01-07", Custody{ReleaseDate: d("2026-01-20")}},
	} {
		w, err := p.NextReview(c.level, d(c.last), c.c)
		if err != nil {
			t.Fatal(err)
		}
		add(w.Reasons)
	}
	add(p.CheckNotice(d("2027-03-25"), d("2027-03-17")).Reasons)
	add(p.CheckNotice(d("2027-03-25"), d("2027-03-01")).Reasons)
	add(p.SupervisionDue(d("2027-03-01")).Reasons)
	due, _ := p.NextIRAMM(risk.High, d("2027-01-15"))
	add(due.Reasons)
	due, _ = p.NextIRAMM(risk.Low, d("2027-01-15"))
	add(due.Reasons)
	add(p.NextMonitoringReport(d("2027-01-15")).Reasons)
	for _, r := range Rules {
		if !hasRule(all, r.ID) {
			t.Errorf("rule %s never fires", r.ID)
		}
	}
	for _, r := range all {
		if r.Source == "unknown rule" {
			t.Errorf("reason cites unknown rule %s", r.Rule)
		}
	}
}
