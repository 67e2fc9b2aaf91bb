// Package cadence works out when things are due: the window for the next
// level 2 or level 3 review (or, in custody, the review before release or
// parole), the last day invitations may go out (at least 14 days' notice),
// whether an invitation came at short notice, when supervision of a new
// case is due, and the monthly internal risk meeting (IRAMM) for high and
// very high risk.
//
// Every due date lands on a working day in England and Wales. A due date
// that falls on a weekend or bank holiday moves to the previous working
// day, so that a maximum interval is never exceeded (product policy); the
// opening day of a window moves forward instead, so the minimum is kept.
//
// The intervals come from S2 (level 2 every 12-16 weeks, level 3 every 6-8
// weeks), S3 (14 days' notice; short notice means telephoning the SPOC) and
// S0 (supervision within 4 weeks of allocation; monthly IRAMM). They live in
// a Policy so an area can change them. The package has no AWS and no HTTP
// dependencies.
package cadence

import (
	"errors"
	"fmt"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/risk"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

// Policy holds the intervals. DefaultPolicy gives the values of the local
// guidance; an area may configure others.
type Policy struct {
	// Level2MinWeeks and Level2MaxWeeks bound the interval between level 2
	// reviews (S2: 12-16 weeks; S1 in 2010 said at least every 3 months).
	Level2MinWeeks int `json:"level2MinWeeks"`
	Level2MaxWeeks int `json:"level2MaxWeeks"`
	// Level3MinWeeks and Level3MaxWeeks bound the interval between level 3
	// reviews (S2: 6-8 weeks).
	Level3MinWeeks int `json:"level3MinWeeks"`
	Level3MaxWeeks int `json:"level3MaxWeeks"`
	// CustodyEarliestWeeks and CustodyLatestWeeks place the review of a
	// person in custody before the release or parole eligibility date: no
	// earlier than CustodyEarliestWeeks and no later than CustodyLatestWeeks
	// before it. S2 ties custody reviews to these dates but gives no
	// numbers: product policy.
	CustodyEarliestWeeks int `json:"custodyEarliestWeeks"`
	CustodyLatestWeeks   int `json:"custodyLatestWeeks"`
	// NoticeDays is the minimum notice of a meeting (S3: 14 days).
	NoticeDays int `json:"noticeDays"`
	// SupervisionWeeks is how soon after allocation a new case is
	// supervised (S0: 4 weeks).
	SupervisionWeeks int `json:"supervisionWeeks"`
}

// DefaultPolicy returns the intervals of the local guidance.
func DefaultPolicy() Policy {
	return Policy{
		Level2MinWeeks: 12, Level2MaxWeeks: 16,
		Level3MinWeeks: 6, Level3MaxWeeks: 8,
		CustodyEarliestWeeks: 12, CustodyLatestWeeks: 4,
		NoticeDays: 14, SupervisionWeeks: 4,
	}
}

// Validate reports a policy that cannot work.
func (p Policy) Validate() error {
	switch {
	case p.Level2MinWeeks < 1 || p.Level2MaxWeeks < p.Level2MinWeeks || p.Level2MaxWeeks > 52:
		return fmt.Errorf("level 2 interval %d-%d weeks is not a valid range", p.Level2MinWeeks, p.Level2MaxWeeks)
	case p.Level3MinWeeks < 1 || p.Level3MaxWeeks < p.Level3MinWeeks || p.Level3MaxWeeks > 52:
		return fmt.Errorf("level 3 interval %d-%d weeks is not a valid range", p.Level3MinWeeks, p.Level3MaxWeeks)
	case p.CustodyLatestWeeks < 0 || p.CustodyEarliestWeeks < p.CustodyLatestWeeks || p.CustodyEarliestWeeks > 104:
		return fmt.Errorf("custody lead %d-%d weeks is not a valid range", p.CustodyLatestWeeks, p.CustodyEarliestWeeks)
	case p.NoticeDays < 1 || p.NoticeDays > 90:
		return fmt.Errorf("notice of %d days is out of range", p.NoticeDays)
	case p.SupervisionWeeks < 1 || p.SupervisionWeeks > 52:
		return fmt.Errorf("supervision after %d weeks is out of range", p.SupervisionWeeks)
	}
	return nil
}

// Planner works out due dates with a policy and a working-day calendar.
type Planner struct {
	policy Policy
	cal    *workdays.Calendar
}

// New returns a planner, or an error if the policy cannot work.
func New(p Policy, cal *workdays.Calendar) (*Planner, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if cal == nil {
		return nil, errors.New("cadence: no calendar")
	}
	return &Planner{policy: p, cal: cal}, nil
}

// Default returns the planner with DefaultPolicy and the England and Wales
// calendar.
func Default() *Planner {
	return &Planner{policy: DefaultPolicy(), cal: workdays.EnglandAndWales()}
}

// Policy returns the planner's policy.
func (p *Planner) Policy() Policy { return p.policy }

// ErrNoReviewCycle is returned for level 1 (and no level): the lead agency
// manages the person and there are no MAPP meetings to schedule.
var ErrNoReviewCycle = errors.New("cadence: only levels 2 and 3 have review meetings")

// ErrNoDate is returned when a date the calculation starts from is missing.
var ErrNoDate = errors.New("cadence: the date to count from is missing")

// Custody holds the dates a review in custody is keyed to.
type Custody struct {
	ReleaseDate           civil.Date `json:"releaseDate,omitzero"`
	ParoleEligibilityDate civil.Date `json:"paroleEligibilityDate,omitzero"`
}

// Window is when the next review meeting should be held.
type Window struct {
	// Basis is "interval" (the level's review interval) or "custody" (keyed
	// to a release or parole date).
	Basis string `json:"basis"`
	// Earliest and Latest bound the window; both are working days.
	Earliest civil.Date `json:"earliest"`
	Latest   civil.Date `json:"latest"`
	// Suggested is a working day inside the window: the middle of it,
	// which keeps the weekday of the last meeting for whole-week intervals.
	Suggested civil.Date `json:"suggested"`
	// InvitationsBy is the last working day invitations may go out for a
	// meeting on Latest; InvitationsBySuggested is the same for Suggested.
	InvitationsBy          civil.Date `json:"invitationsBy"`
	InvitationsBySuggested civil.Date `json:"invitationsBySuggested"`
	// Urgent is true when a release is too close for the usual lead time:
	// hold the review as soon as possible.
	Urgent  bool                 `json:"urgent"`
	Reasons []eligibility.Reason `json:"reasons"`
}

// NextReview returns the window for the next review of a person managed at
// level after a meeting on last. For a person in custody with a release or
// parole eligibility date after last, the review is keyed to the earlier of
// them instead of the interval (S2).
func (p *Planner) NextReview(level eligibility.Level, last civil.Date, custody Custody) (Window, error) {
	if level != eligibility.Level2 && level != eligibility.Level3 {
		return Window{}, ErrNoReviewCycle
	}
	if last.IsZero() {
		return Window{}, ErrNoDate
	}
	w := Window{Reasons: []eligibility.Reason{}}
	key, keyName := custodyKey(custody, last)
	if key.IsZero() {
		p.intervalWindow(&w, level, last)
		if !custody.ReleaseDate.IsZero() || !custody.ParoleEligibilityDate.IsZero() {
			w.Reasons = append(w.Reasons, reason("REVIEW-CUSTODY-PASSED",
				"The release and parole eligibility dates given are not after the last meeting, so the usual interval applies."))
		}
	} else {
		p.custodyWindow(&w, last, key, keyName)
	}
	w.Suggested = p.suggest(w.Earliest, w.Latest)
	w.InvitationsBy = p.InvitationDeadline(w.Latest)
	w.InvitationsBySuggested = p.InvitationDeadline(w.Suggested)
	w.Reasons = append(w.Reasons, reason("INVITE-14-DAYS", fmt.Sprintf(
		"Invitations must go out at least %d days before the meeting: by %s for a meeting on the last day of the window (%s), or by %s for the suggested date (%s).",
		p.policy.NoticeDays, long(w.InvitationsBy), long(w.Latest), long(w.InvitationsBySuggested), long(w.Suggested))))
	return w, nil
}

func (p *Planner) intervalWindow(w *Window, level eligibility.Level, last civil.Date) {
	minW, maxW, rule := p.policy.Level2MinWeeks, p.policy.Level2MaxWeeks, "REVIEW-L2-WINDOW"
	if level == eligibility.Level3 {
		minW, maxW, rule = p.policy.Level3MinWeeks, p.policy.Level3MaxWeeks, "REVIEW-L3-WINDOW"
	}
	w.Basis = "interval"
	rawEarliest, rawLatest := last.AddDays(7*minW), last.AddDays(7*maxW)
	w.Earliest, w.Latest = p.cal.OnOrAfter(rawEarliest), p.cal.OnOrBefore(rawLatest)
	if w.Earliest.After(w.Latest) {
		w.Earliest = w.Latest
	}
	w.Reasons = append(w.Reasons, reason(rule, fmt.Sprintf(
		"At %s the person is reviewed every %d to %d weeks: after the meeting on %s the next review is due between %s and %s, and never later than %s.",
		level, minW, maxW, long(last), long(w.Earliest), long(w.Latest), long(w.Latest))))
	p.noteMoved(w, rawEarliest, w.Earliest, rawLatest, w.Latest)
}

func (p *Planner) custodyWindow(w *Window, last, key civil.Date, keyName string) {
	w.Basis = "custody"
	rawEarliest := key.AddDays(-7 * p.policy.CustodyEarliestWeeks)
	rawLatest := key.AddDays(-7 * p.policy.CustodyLatestWeeks)
	w.Earliest, w.Latest = p.cal.OnOrAfter(rawEarliest), p.cal.OnOrBefore(rawLatest)
	firstPossible := p.cal.NextWorkingDay(last)
	if w.Latest.Before(firstPossible) {
		// Too close to release for the usual lead time.
		w.Urgent = true
		w.Earliest = firstPossible
		w.Latest = p.cal.OnOrBefore(key.AddDays(-1))
		if w.Latest.Before(w.Earliest) {
			w.Latest = w.Earliest
		}
		w.Reasons = append(w.Reasons, reason("REVIEW-CUSTODY-URGENT", fmt.Sprintf(
			"The person is in custody and the %s is %s, too close for the usual lead time: hold the review as soon as possible, and before that date if at all possible.",
			keyName, long(key))))
		return
	}
	if w.Earliest.Before(firstPossible) {
		w.Earliest = firstPossible
	}
	if w.Earliest.After(w.Latest) {
		w.Earliest = w.Latest
	}
	w.Reasons = append(w.Reasons, reason("REVIEW-CUSTODY", fmt.Sprintf(
		"The person is in custody, so the review is keyed to the %s (%s) rather than the interval: hold it between %s and %s, %d to %d weeks before that date, so the plan is ready for release.",
		keyName, long(key), long(w.Earliest), long(w.Latest), p.policy.CustodyLatestWeeks, p.policy.CustodyEarliestWeeks)))
	p.noteMoved(w, rawEarliest, w.Earliest, rawLatest, w.Latest)
}

func (p *Planner) noteMoved(w *Window, rawEarliest, earliest, rawLatest, latest civil.Date) {
	if latest != rawLatest {
		w.Reasons = append(w.Reasons, reason("DUE-WORKING-DAY", fmt.Sprintf(
			"%s is not a working day, so the last day of the window moves back to %s; the maximum interval is never exceeded.",
			long(rawLatest), long(latest))))
	}
	if earliest != rawEarliest && earliest.After(rawEarliest) && !p.cal.IsWorkingDay(rawEarliest) {
		w.Reasons = append(w.Reasons, reason("WINDOW-OPENS-WORKING-DAY", fmt.Sprintf(
			"%s is not a working day, so the window opens on %s.", long(rawEarliest), long(earliest))))
	}
}

// custodyKey returns the earlier of the release and parole eligibility
// dates that are after last.
func custodyKey(c Custody, last civil.Date) (civil.Date, string) {
	var key civil.Date
	name := ""
	for _, d := range []struct {
		date civil.Date
		name string
	}{{c.ParoleEligibilityDate, "parole eligibility date"}, {c.ReleaseDate, "release date"}} {
		if d.date.After(last) && (key.IsZero() || d.date.Before(key)) {
			key, name = d.date, d.name
		}
	}
	return key, name
}

// suggest returns the working day on or before the middle of the window,
// kept inside it.
func (p *Planner) suggest(earliest, latest civil.Date) civil.Date {
	mid := earliest.AddDays(earliest.DaysUntil(latest) / 2)
	s := p.cal.OnOrBefore(mid)
	if s.Before(earliest) {
		s = p.cal.OnOrAfter(mid)
	}
	if s.After(latest) || s.Before(earliest) {
		s = latest
	}
	return s
}

// InvitationDeadline returns the last working day an invitation may go
// out for a meeting on meeting: at least NoticeDays before it.
func (p *Planner) InvitationDeadline(meeting civil.Date) civil.Date {
	return p.cal.OnOrBefore(meeting.AddDays(-p.policy.NoticeDays))
}

// Notice is the notice an invitation gave.
type Notice struct {
	// Days is the number of days from receiving the invitation to the
	// meeting (negative if received after it).
	Days int `json:"days"`
	// Short is true under the minimum notice: flag it and telephone the
	// single point of contact (S3).
	Short   bool                 `json:"short"`
	Reasons []eligibility.Reason `json:"reasons"`
}

// CheckNotice says whether an invitation received on received for a
// meeting on meeting came at short notice.
func (p *Planner) CheckNotice(meeting, received civil.Date) Notice {
	n := Notice{Days: received.DaysUntil(meeting)}
	n.Short = n.Days < p.policy.NoticeDays
	switch {
	case n.Days < 0:
		n.Reasons = []eligibility.Reason{reason("NOTICE-SHORT", fmt.Sprintf(
			"The invitation arrived on %s, after the meeting on %s. Telephone the single point of contact and send a written report if nobody attended.",
			long(received), long(meeting)))}
	case n.Short:
		n.Reasons = []eligibility.Reason{reason("NOTICE-SHORT", fmt.Sprintf(
			"The invitation arrived on %s for a meeting on %s: %d days' notice, less than the %d required. This is short notice: flag it and telephone the single point of contact.",
			long(received), long(meeting), n.Days, p.policy.NoticeDays))}
	default:
		n.Reasons = []eligibility.Reason{reason("NOTICE-OK", fmt.Sprintf(
			"The invitation arrived on %s for a meeting on %s: %d days' notice, at least the %d required.",
			long(received), long(meeting), n.Days, p.policy.NoticeDays))}
	}
	return n
}

// Due is a due date with its reason.
type Due struct {
	Date    civil.Date           `json:"date"`
	Reasons []eligibility.Reason `json:"reasons"`
}

// SupervisionDue returns when supervision of a case allocated on
// allocated is due (S0: within 4 weeks), on a working day.
func (p *Planner) SupervisionDue(allocated civil.Date) Due {
	raw := allocated.AddDays(7 * p.policy.SupervisionWeeks)
	d := Due{Date: p.cal.OnOrBefore(raw)}
	d.Reasons = []eligibility.Reason{reason("SUPERVISION-4-WEEKS", fmt.Sprintf(
		"Supervision of a new case is due within %d weeks of allocation: allocated on %s, so by %s.",
		p.policy.SupervisionWeeks, long(allocated), long(d.Date)))}
	if d.Date != raw {
		d.Reasons = append(d.Reasons, reason("DUE-WORKING-DAY", fmt.Sprintf(
			"%s is not a working day, so it moves back to %s.", long(raw), long(d.Date))))
	}
	return d
}

// NextIRAMM returns when the next internal risk management meeting is due
// after one on last: monthly for high and very high risk (S0). ok is false
// for lower or unassessed risk, where no monthly meeting is required (an
// emergency one can be held whenever it is needed).
func (p *Planner) NextIRAMM(r risk.Level, last civil.Date) (due Due, ok bool) {
	if !r.AtLeastHigh() {
		return Due{Reasons: []eligibility.Reason{reason("IRAMM-NOT-NEEDED",
			"A monthly internal risk meeting is needed only for high or very high risk of serious harm; an emergency one can be held whenever needed.")}}, false
	}
	raw := last.AddMonths(1)
	due = Due{Date: p.cal.OnOrBefore(raw)}
	due.Reasons = []eligibility.Reason{reason("IRAMM-MONTHLY", fmt.Sprintf(
		"The risk of serious harm is %s, so the internal risk meeting is monthly: after %s the next is due by %s.",
		lower(r.Label()), long(last), long(due.Date)))}
	if due.Date != raw {
		due.Reasons = append(due.Reasons, reason("DUE-WORKING-DAY", fmt.Sprintf(
			"%s is not a working day, so it moves back to %s.", long(raw), long(due.Date))))
	}
	return due, true
}

// NextMonitoringReport returns when the next monthly monitoring report to
// managers is due after one on last (S0).
func (p *Planner) NextMonitoringReport(last civil.Date) Due {
	raw := last.AddMonths(1)
	d := Due{Date: p.cal.OnOrBefore(raw)}
	d.Reasons = []eligibility.Reason{reason("MONITORING-MONTHLY", fmt.Sprintf(
		"Monitoring goes to managers monthly: after %s the next report is due by %s.", long(last), long(d.Date)))}
	return d
}

func long(d civil.Date) string {
	if d.IsZero() {
		return "an unknown date"
	}
	return fmt.Sprintf("%s %d %s %d", d.Weekday(), d.Day, d.Month, d.Year)
}

func lower(s string) string {
	out := []rune(s)
	for i, r := range out {
		if r >= 'A' && r <= 'Z' {
			out[i] = r + ('a' - 'A')
		}
	}
	return string(out)
}
