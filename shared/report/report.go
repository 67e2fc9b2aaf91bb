// Package report is what the Strategic Management Board's figures count:
// the metrics, the month an event falls in (Europe/London), and which
// metrics each event adds to. The counts are kept as events happen, in the
// same transaction as the event (shared/reportstore), so a report is a
// handful of reads, never a scan.
//
// It is pure domain: no AWS, no net/http.
package report

import (
	"fmt"
	"slices"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

// Metric names one figure.
type Metric string

// The metrics, in the order reports show them.
const (
	Received        Metric = "received"
	ShortNotice     Metric = "short-notice"
	Category1       Metric = "category-1"
	Category2       Metric = "category-2"
	Category3       Metric = "category-3"
	Category4       Metric = "category-4"
	NotEligible     Metric = "not-eligible"
	CannotDecide    Metric = "cannot-decide"
	Accepted        Metric = "accepted"
	MoreInformation Metric = "more-information"
	Declined        Metric = "declined"
	Level1          Metric = "level-1"
	Level2          Metric = "level-2"
	Level3          Metric = "level-3"
	LevelUp         Metric = "level-up"
	LevelDown       Metric = "level-down"

	// Attendance at meetings, by the invitee's seniority and the meeting's
	// level: invited (an outcome was recorded) and present (attended, or
	// sent a deputy), counted in the month of the meeting.
	InvitedSW      Metric = "invited-social-worker"
	PresentSW      Metric = "present-social-worker"
	InvitedTM      Metric = "invited-team-manager"
	PresentTM      Metric = "present-team-manager"
	InvitedSM      Metric = "invited-service-manager"
	PresentSM      Metric = "present-service-manager"
	InvitedHoS     Metric = "invited-head-of-service"
	PresentHoS     Metric = "present-head-of-service"
	InvitedLevel1  Metric = "invited-level-1"
	PresentLevel1  Metric = "present-level-1"
	InvitedLevel2  Metric = "invited-level-2"
	PresentLevel2  Metric = "present-level-2"
	InvitedLevel3  Metric = "invited-level-3"
	PresentLevel3  Metric = "present-level-3"
	WrittenInstead Metric = "written-instead"
	// WrittenReport: the council's written report went to a meeting nobody
	// from the council could attend (month of the meeting).
	WrittenReport Metric = "written-report"
	// Reviews held (review meetings recorded as held, month of the
	// meeting), and of those, held within the level's longest interval
	// after the last meeting held (16 weeks at level 2, 8 at level 3) or
	// later than that.
	ReviewHeld   Metric = "review-held"
	ReviewOnTime Metric = "review-on-time"
	ReviewLate   Metric = "review-late"
	// Actions agreed at meetings (month agreed), completed (closed as done,
	// month closed) and completed after their due date.
	ActionAgreed   Metric = "action-agreed"
	ActionDone     Metric = "action-done"
	ActionDoneLate Metric = "action-done-late"
)

// Group is a set of metrics shown as one chart.
type Group struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Metrics []Metric `json:"metrics"`
}

// Groups are the report's charts.
var Groups = []Group{
	{"referrals", "Referrals received and at short notice", []Metric{Received, ShortNotice}},
	{"categories", "Referrals by category", []Metric{Category1, Category2, Category3, Category4, NotEligible, CannotDecide}},
	{"decisions", "Decisions on referrals", []Metric{Accepted, MoreInformation, Declined}},
	{"levels", "Level mix: levels recorded, and changes up or down", []Metric{Level1, Level2, Level3, LevelUp, LevelDown}},
	{"attendance-seniority", "Attendance at meetings by seniority: invited and present (or sent a deputy)", []Metric{InvitedSW, PresentSW, InvitedTM, PresentTM, InvitedSM, PresentSM, InvitedHoS, PresentHoS}},
	{"attendance-level", "Attendance at meetings by level: invited and present (or sent a deputy)", []Metric{InvitedLevel1, PresentLevel1, InvitedLevel2, PresentLevel2, InvitedLevel3, PresentLevel3}},
	{"written-reports", "Written reports sent", []Metric{WrittenReport, WrittenInstead}},
	{"reviews", "Reviews held, on time and late", []Metric{ReviewHeld, ReviewOnTime, ReviewLate}},
	{"actions", "Actions agreed and completed", []Metric{ActionAgreed, ActionDone, ActionDoneLate}},
}

// Labels are the metrics in words.
var Labels = map[Metric]string{
	Received: "Referrals received", ShortNotice: "At short notice (under 14 days)",
	Category1: "Category 1", Category2: "Category 2", Category3: "Category 3", Category4: "Category 4",
	NotEligible: "Not eligible", CannotDecide: "Cannot decide (information missing)",
	Accepted: "Accepted", MoreInformation: "More information asked for", Declined: "Declined",
	Level1: "Level 1 recorded", Level2: "Level 2 recorded", Level3: "Level 3 recorded",
	LevelUp: "Level raised", LevelDown: "Level lowered",
	InvitedSW: "Social workers invited", PresentSW: "Social workers present",
	InvitedTM: "Team managers invited", PresentTM: "Team managers present",
	InvitedSM: "Service managers invited", PresentSM: "Service managers present",
	InvitedHoS: "Heads of service invited", PresentHoS: "Heads of service present",
	InvitedLevel1: "Level 1: invited", PresentLevel1: "Level 1: present",
	InvitedLevel2: "Level 2: invited", PresentLevel2: "Level 2: present",
	InvitedLevel3: "Level 3: invited", PresentLevel3: "Level 3: present",
	WrittenReport:  "Written report to a meeting nobody could attend",
	WrittenInstead: "Sent a written report instead of attending",
	ReviewHeld:     "Reviews held", ReviewOnTime: "Held within the interval", ReviewLate: "Held late",
	ActionAgreed: "Actions agreed", ActionDone: "Actions completed", ActionDoneLate: "Completed after the due date",
}

// Event is one count to add: a metric in a month ("2006-01"); N is what
// to add (0 means 1; -1 takes back a count that a correction undoes).
type Event struct {
	Metric Metric
	Month  string
	N      int
}

// Delta is the amount e adds.
func (e Event) Delta() int {
	if e.N == 0 {
		return 1
	}
	return e.N
}

var london = civil.London

// Month is the month t falls in, in Europe/London ("2026-11").
func Month(t time.Time) string { return t.In(london).Format("2006-01") }

// ParseMonth checks a "2006-01" month.
func ParseMonth(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01", s, london)
	if err != nil {
		return time.Time{}, fmt.Errorf("report: month %q is not YYYY-MM", s)
	}
	return t, nil
}

// Months lists the months from..to inclusive ("2006-01"); at most max.
func Months(from, to time.Time, limit int) []string {
	var out []string
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, london); !m.After(to) && len(out) < limit; m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}

// ForClassification is what classifying a referral received at receivedAt
// counts: the referral itself, short notice, and its category or outcome.
func ForClassification(receivedAt time.Time, outcome string, primaryCategory int, shortNotice bool) []Event {
	m := Month(receivedAt)
	evs := []Event{{Metric: Received, Month: m}}
	if shortNotice {
		evs = append(evs, Event{Metric: ShortNotice, Month: m})
	}
	switch {
	case outcome == "eligible" && primaryCategory >= 1 && primaryCategory <= 4:
		evs = append(evs, Event{Metric: Metric(fmt.Sprintf("category-%d", primaryCategory)), Month: m})
	case outcome == "not-eligible":
		evs = append(evs, Event{Metric: NotEligible, Month: m})
	case outcome == "cannot-decide":
		evs = append(evs, Event{Metric: CannotDecide, Month: m})
	}
	return evs
}

// ForDecision is what a business support officer's decision counts
// ("accept", "more-information", "decline"; anything else counts nothing).
func ForDecision(kind string, at time.Time) []Event {
	switch kind {
	case "accept":
		return []Event{{Metric: Accepted, Month: Month(at)}}
	case "more-information":
		return []Event{{Metric: MoreInformation, Month: Month(at)}}
	case "decline":
		return []Event{{Metric: Declined, Month: Month(at)}}
	}
	return nil
}

// ForLevel is what recording a level counts: the level, and whether it
// went up or down from the previous one (0: none before).
func ForLevel(previous, level int, at time.Time) []Event {
	m := Month(at)
	if level < 1 || level > 3 {
		return nil
	}
	evs := []Event{{Metric: Metric(fmt.Sprintf("level-%d", level)), Month: m}}
	switch {
	case previous != 0 && level > previous:
		evs = append(evs, Event{Metric: LevelUp, Month: m})
	case previous != 0 && level < previous:
		evs = append(evs, Event{Metric: LevelDown, Month: m})
	}
	return evs
}

// attendanceEvents is what one invitee's recorded outcome counts.
func attendanceEvents(role string, level int, outcome string, m string, n int) []Event {
	if outcome == "" {
		return nil
	}
	var evs []Event
	present := outcome == "attended" || outcome == "deputy"
	if slices.Contains([]string{"social-worker", "team-manager", "service-manager", "head-of-service"}, role) {
		evs = append(evs, Event{Metric: Metric("invited-" + role), Month: m, N: n})
		if present {
			evs = append(evs, Event{Metric: Metric("present-" + role), Month: m, N: n})
		}
	}
	if level >= 1 && level <= 3 {
		evs = append(evs, Event{Metric: Metric(fmt.Sprintf("invited-level-%d", level)), Month: m, N: n})
		if present {
			evs = append(evs, Event{Metric: Metric(fmt.Sprintf("present-level-%d", level)), Month: m, N: n})
		}
	}
	if outcome == "written-report" {
		evs = append(evs, Event{Metric: WrittenInstead, Month: m, N: n})
	}
	return evs
}

// ForAttendance is what recording an invitee's attendance counts, in the
// month of the meeting (meetingStart): the new outcome is counted and a
// previous one (a correction) taken back, so the figures hold each
// invitee once whatever how often it is recorded. role is the invitee's
// role on the rota (social-worker, team-manager, service-manager,
// head-of-service), level the meeting's.
func ForAttendance(role string, level int, previous, outcome string, meetingStart time.Time) []Event {
	if previous == outcome {
		return nil
	}
	m := Month(meetingStart)
	return append(attendanceEvents(role, level, previous, m, -1), attendanceEvents(role, level, outcome, m, 1)...)
}

// ForWrittenReport is what recording that the council's written report went
// to a meeting counts (month of the meeting).
func ForWrittenReport(meetingStart time.Time) []Event {
	return []Event{{Metric: WrittenReport, Month: Month(meetingStart)}}
}

// ForReviewHeld is what recording a review meeting as held counts: the
// review, and whether it was within the level's longest interval after
// the last meeting held (onTime; known false when there was none before).
func ForReviewHeld(meetingStart time.Time, known, onTime bool) []Event {
	m := Month(meetingStart)
	evs := []Event{{Metric: ReviewHeld, Month: m}}
	switch {
	case known && onTime:
		evs = append(evs, Event{Metric: ReviewOnTime, Month: m})
	case known:
		evs = append(evs, Event{Metric: ReviewLate, Month: m})
	}
	return evs
}

// ForActionAgreed is what agreeing an action counts.
func ForActionAgreed(at time.Time) []Event { return []Event{{Metric: ActionAgreed, Month: Month(at)}} }

// ForActionClosed is what closing an action counts: completed (closed as
// done) and completed late (after its due date, Europe/London).
func ForActionClosed(done bool, due civil.Date, at time.Time) []Event {
	if !done {
		return nil
	}
	m := Month(at)
	evs := []Event{{Metric: ActionDone, Month: m}}
	if !due.IsZero() && civil.Today(at).After(due) {
		evs = append(evs, Event{Metric: ActionDoneLate, Month: m})
	}
	return evs
}

// OpenAction is a change to the count of open actions due on a day (the
// "open now" and "overdue now" figures add these up).
type OpenAction struct {
	Due   civil.Date
	Delta int
}

// Net adds up the events of the same metric and month (in first-seen
// order) and drops those that come to nothing.
func Net(evs []Event) []Event {
	type key struct {
		m     Metric
		month string
	}
	sum := map[key]int{}
	var order []key
	for _, e := range evs {
		k := key{e.Metric, e.Month}
		if _, ok := sum[k]; !ok {
			order = append(order, k)
		}
		sum[k] += e.Delta()
	}
	var out []Event
	for _, k := range order {
		if n := sum[k]; n != 0 {
			out = append(out, Event{Metric: k.m, Month: k.month, N: n})
		}
	}
	return out
}
