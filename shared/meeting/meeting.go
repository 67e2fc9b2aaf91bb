// Package meeting is the MAPPA meeting as the council keeps it: under a
// case, with its level, date and time (Europe/London), place or link, chair,
// lead agency, custody flag (custody reviews follow release or parole
// dates), short notice (by the one notice rule in shared/cadence), the
// attendees the rota rules chose (shared/rota) with each one's checklist
// (S2), the business support officer's reassignments, excusals, and every
// move and cancellation kept as history. The next review is proposed from
// the cadence window, on a fixed panel day where the area holds level 2
// business on fixed days (S1: twice a month).
//
// The package also holds the associated children of a case (matched by
// council number), the actions agreed at meetings and the tasks (MAPPA
// marker requests, level-change handovers, front-door contacts).
//
// Pure domain: no AWS, no net/http, no clock: callers pass now.
package meeting

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/rota"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Status of a meeting.
type Status string

// Statuses.
const (
	StatusScheduled Status = "scheduled"
	StatusCancelled Status = "cancelled"
	StatusHeld      Status = "held"
)

// Origin says where a meeting came from.
type Origin string

// Origins.
const (
	// OriginReferral: the invitation that came with a referral.
	OriginReferral Origin = "referral"
	// OriginStaff: entered by a member of staff.
	OriginStaff Origin = "staff"
	// OriginCadence: the next review, booked from the cadence window.
	OriginCadence Origin = "cadence"
)

// Kind is an initial meeting or a review.
type Kind string

// Kinds.
const (
	KindInitial Kind = "initial"
	KindReview  Kind = "review"
)

// Meeting is one MAPPA meeting.
type Meeting struct {
	ID     string `json:"id"`
	CaseID string `json:"caseId"`
	Level  int    `json:"level"`
	Kind   Kind   `json:"kind"`
	Origin Origin `json:"origin"`
	Status Status `json:"status"`
	// Start is the instant the meeting starts; Date and Time are the same
	// in Europe/London.
	Start           time.Time  `json:"start"`
	Date            civil.Date `json:"date"`
	Time            string     `json:"time"`
	DurationMinutes int        `json:"durationMinutes"`
	Place           string     `json:"place,omitempty"`
	Link            string     `json:"link,omitempty"`
	Chair           string     `json:"chair,omitempty"`
	LeadAgency      string     `json:"leadAgency,omitempty"`
	// Custody: the person is in custody, so reviews follow the release or
	// parole eligibility date rather than the interval.
	Custody               bool       `json:"custody"`
	ReleaseDate           civil.Date `json:"releaseDate,omitzero"`
	ParoleEligibilityDate civil.Date `json:"paroleEligibilityDate,omitzero"`
	// InvitationReceived is when the council was told of the meeting;
	// Notice is the notice that gave (cadence.CheckNotice).
	InvitationReceived civil.Date     `json:"invitationReceived"`
	Notice             cadence.Notice `json:"notice"`
	// KnownToCouncil: the person or the children are known to children's
	// social care. If not, attending the first meeting is compulsory.
	KnownToCouncil bool `json:"knownToCouncil"`
	// Attendees, Gaps, Continuity: the rota's answer (shared/rota), with
	// each attendee's checklist and excusal.
	Attendees []Attendee      `json:"attendees"`
	Gaps      []rota.Gap      `json:"gaps"`
	Overrides []rota.Override `json:"overrides"`
	// AssignedFor is the fingerprint of what the rota last assigned for
	// (level, date, status, children, rota); a replay with the same
	// fingerprint changes nothing.
	AssignedFor string    `json:"assignedFor,omitempty"`
	History     []Change  `json:"history"`
	CreatedAt   time.Time `json:"createdAt"`
	CreatedBy   string    `json:"createdBy"`
	UpdatedAt   time.Time `json:"updatedAt"`
	Version     int       `json:"version"`
}

// Attendee is a council attendee with their checklist.
type Attendee struct {
	rota.Attendee
	Checklist []Tick   `json:"checklist"`
	Excused   *Excusal `json:"excused,omitempty"`
}

// Change is one entry of a meeting's history.
type Change struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Kind   string    `json:"kind"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	Reason string    `json:"reason,omitempty"`
}

// Input is what staff enter to create or change a meeting.
type Input struct {
	Level                 int        `json:"level"`
	Kind                  Kind       `json:"kind"`
	Date                  civil.Date `json:"date"`
	Time                  string     `json:"time"`
	DurationMinutes       int        `json:"durationMinutes,omitempty"`
	Place                 string     `json:"place,omitempty"`
	Link                  string     `json:"link,omitempty"`
	Chair                 string     `json:"chair,omitempty"`
	LeadAgency            string     `json:"leadAgency,omitempty"`
	Custody               bool       `json:"custody,omitempty"`
	ReleaseDate           civil.Date `json:"releaseDate,omitzero"`
	ParoleEligibilityDate civil.Date `json:"paroleEligibilityDate,omitzero"`
	// InvitationReceived defaults to today.
	InvitationReceived civil.Date `json:"invitationReceived,omitzero"`
	KnownToCouncil     bool       `json:"knownToCouncil,omitempty"`
}

// StartOf returns the instant of date at hh:mm in Europe/London. A time in
// the hour skipped when the clocks go forward is an error.
func StartOf(date civil.Date, hhmm string) (time.Time, error) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil || len(hhmm) != 5 {
		return time.Time{}, fmt.Errorf("must be a time of day like 09:30 or 14:00")
	}
	s := time.Date(date.Year, date.Month, date.Day, t.Hour(), t.Minute(), 0, 0, civil.London)
	if s.Hour() != t.Hour() || s.Minute() != t.Minute() {
		return time.Time{}, fmt.Errorf("does not exist on %s in the UK (the clocks go forward)", date)
	}
	return s, nil
}

func checkWhen(errs *validation.Errors, date civil.Date, hhmm string, today civil.Date) time.Time {
	if errs.Required("/date", date.IsZero()) && date.Before(today.AddDays(-365)) {
		errs.Add("/date", "must be within the last year or in the future")
	}
	var start time.Time
	if errs.Required("/time", hhmm == "") && !date.IsZero() {
		s, err := StartOf(date, hhmm)
		if err != nil {
			errs.Add("/time", err.Error())
		}
		start = s
	}
	return start
}

// New makes a meeting from in, with field-level errors. planner gives the
// notice rule; today is the date in Europe/London.
func New(id, caseID string, origin Origin, in Input, planner *cadence.Planner, now time.Time, actor string) (Meeting, validation.Errors) {
	var errs validation.Errors
	today := civil.Today(now)
	if in.Level < 1 || in.Level > 3 {
		errs.Add("/level", "must be 1, 2 or 3")
	}
	if in.Kind == "" {
		in.Kind = KindReview
	}
	if in.Kind != KindInitial && in.Kind != KindReview {
		errs.Add("/kind", "must be initial or review")
	}
	start := checkWhen(&errs, in.Date, in.Time, today)
	checkDetails(&errs, in)
	if in.InvitationReceived.IsZero() {
		in.InvitationReceived = today
	}
	if in.InvitationReceived.After(today) {
		errs.Add("/invitationReceived", "must be today or in the past")
	}
	if !errs.OK() {
		return Meeting{}, errs
	}
	m := Meeting{
		ID: id, CaseID: caseID, Level: in.Level, Kind: in.Kind, Origin: origin, Status: StatusScheduled,
		Start: start.UTC(), Date: in.Date, Time: in.Time, DurationMinutes: cmp.Or(in.DurationMinutes, 90),
		Place: strings.TrimSpace(in.Place), Link: strings.TrimSpace(in.Link), Chair: strings.TrimSpace(in.Chair),
		LeadAgency: strings.TrimSpace(in.LeadAgency), Custody: in.Custody, ReleaseDate: in.ReleaseDate,
		ParoleEligibilityDate: in.ParoleEligibilityDate, InvitationReceived: in.InvitationReceived,
		KnownToCouncil: in.KnownToCouncil, Attendees: []Attendee{}, Gaps: []rota.Gap{}, Overrides: []rota.Override{},
		CreatedAt: now.UTC(), CreatedBy: actor, UpdatedAt: now.UTC(), Version: 0,
	}
	m.Notice = planner.CheckNotice(m.Date, m.InvitationReceived)
	m.History = []Change{{At: now.UTC(), Actor: actor, Kind: "created", To: m.When(), Reason: string(origin)}}
	return m, nil
}

func checkDetails(errs *validation.Errors, in Input) {
	if in.DurationMinutes != 0 && (in.DurationMinutes < 15 || in.DurationMinutes > 480) {
		errs.Add("/durationMinutes", "must be between 15 and 480 minutes")
	}
	if strings.TrimSpace(in.Place) == "" && strings.TrimSpace(in.Link) == "" {
		errs.Add("/place", "enter the place of the meeting or a link to join it")
	}
	if len(in.Place) > 200 {
		errs.Add("/place", "must be 200 characters or fewer")
	}
	if l := strings.TrimSpace(in.Link); l != "" {
		if u, err := url.Parse(l); err != nil || u.Scheme != "https" || u.Host == "" {
			errs.Add("/link", "must be a link starting with https://")
		}
	}
	if len(in.Chair) > 120 {
		errs.Add("/chair", "must be 120 characters or fewer")
	}
	if len(in.LeadAgency) > 120 {
		errs.Add("/leadAgency", "must be 120 characters or fewer")
	}
	if in.Custody && in.ReleaseDate.IsZero() && in.ParoleEligibilityDate.IsZero() {
		errs.Add("/releaseDate", "for a person in custody, enter the release date or the parole eligibility date: custody reviews follow them")
	}
}

// When is the date and time as shown in history ("2027-03-25 10:00").
func (m Meeting) When() string { return m.Date.String() + " " + m.Time }

// Upcoming reports whether the meeting is scheduled and not yet past.
func (m Meeting) Upcoming(now time.Time) bool {
	return m.Status == StatusScheduled && m.Start.Add(time.Duration(m.DurationMinutes)*time.Minute).After(now)
}

// Errors for changes not allowed in the meeting's state.
var (
	ErrCancelled = fmt.Errorf("the meeting was cancelled")
	ErrHeld      = fmt.Errorf("the meeting has been held")
)

func (m *Meeting) changeable() error {
	switch m.Status {
	case StatusCancelled:
		return ErrCancelled
	case StatusHeld:
		return ErrHeld
	}
	return nil
}

// Move changes the date and time (and optionally the place), keeping the
// old ones in history with the reason. The notice is checked again from
// the day of the move: a meeting moved to under 14 days away is short
// notice. The rota checks attendees again for the new date.
func (m *Meeting) Move(date civil.Date, hhmm, place, link, reason string, planner *cadence.Planner, now time.Time, actor string) error {
	if err := m.changeable(); err != nil {
		return err
	}
	var errs validation.Errors
	today := civil.Today(now)
	start := checkWhen(&errs, date, hhmm, today)
	if !date.IsZero() && date.Before(today) {
		errs.Add("/date", "must be today or in the future")
	}
	if errs.Required("/reason", strings.TrimSpace(reason) == "") && len(reason) > 500 {
		errs.Add("/reason", "must be 500 characters or fewer")
	}
	if place != "" || link != "" {
		checkDetails(&errs, Input{Place: place, Link: link})
	}
	if !errs.OK() {
		return errs
	}
	from := m.When()
	m.Start, m.Date, m.Time = start.UTC(), date, hhmm
	if place != "" || link != "" {
		m.Place, m.Link = strings.TrimSpace(place), strings.TrimSpace(link)
	}
	m.InvitationReceived = today
	m.Notice = planner.CheckNotice(date, today)
	m.History = append(m.History, Change{At: now.UTC(), Actor: actor, Kind: "moved", From: from, To: m.When(), Reason: strings.TrimSpace(reason)})
	m.UpdatedAt = now.UTC()
	return nil
}

// Cancel cancels the meeting with a reason.
func (m *Meeting) Cancel(reason string, now time.Time, actor string) error {
	if err := m.changeable(); err != nil {
		return err
	}
	var errs validation.Errors
	if errs.Required("/reason", strings.TrimSpace(reason) == "") && len(reason) > 500 {
		errs.Add("/reason", "must be 500 characters or fewer")
	}
	if !errs.OK() {
		return errs
	}
	m.Status = StatusCancelled
	m.History = append(m.History, Change{At: now.UTC(), Actor: actor, Kind: "cancelled", From: m.When(), Reason: strings.TrimSpace(reason)})
	m.UpdatedAt = now.UTC()
	return nil
}

// SetLevel makes the meeting follow a new level of the case.
func (m *Meeting) SetLevel(level int, now time.Time, actor, reason string) bool {
	if m.Level == level || m.changeable() != nil {
		return false
	}
	m.History = append(m.History, Change{At: now.UTC(), Actor: actor, Kind: "level", From: fmt.Sprint(m.Level), To: fmt.Sprint(level), Reason: reason})
	m.Level = level
	m.UpdatedAt = now.UTC()
	return true
}

// Reassign records a business support officer's reassignment of slot to
// staffID with a reason (for this meeting only).
func (m *Meeting) Reassign(o rota.Override, now time.Time) error {
	if err := m.changeable(); err != nil {
		return err
	}
	var errs validation.Errors
	errs.Required("/staffId", o.StaffID == "")
	if errs.Required("/reason", strings.TrimSpace(o.Reason) == "") && len(o.Reason) > 500 {
		errs.Add("/reason", "must be 500 characters or fewer")
	}
	if o.Slot != rota.SlotSenior && !slices.ContainsFunc(m.Attendees, func(a Attendee) bool { return a.Slot == o.Slot }) &&
		!slices.ContainsFunc(m.Gaps, func(g rota.Gap) bool { return g.Slot == o.Slot }) {
		errs.Add("/slot", "is not a place at this meeting")
	}
	if !errs.OK() {
		return errs
	}
	o.Reason = strings.TrimSpace(o.Reason)
	from := ""
	for _, a := range m.Attendees {
		if a.Slot == o.Slot {
			from = a.StaffID
		}
	}
	m.Overrides = slices.DeleteFunc(m.Overrides, func(x rota.Override) bool { return x.Slot == o.Slot })
	m.Overrides = append(m.Overrides, o)
	m.History = append(m.History, Change{At: now.UTC(), Actor: o.By, Kind: "reassigned", From: from, To: o.StaffID, Reason: string(o.Slot) + ": " + o.Reason})
	m.UpdatedAt = now.UTC()
	return nil
}

// ApplyRota stores the rota's outcome, keeping each continuing attendee's
// checklist and excusal. It reports whether the attendees changed.
func (m *Meeting) ApplyRota(out rota.Outcome, fingerprint string, now time.Time, actor string) bool {
	old := map[string]Attendee{}
	for _, a := range m.Attendees {
		old[string(a.Slot)+"|"+a.StaffID] = a
	}
	next := make([]Attendee, 0, len(out.Attendees))
	changed := len(out.Attendees) != len(m.Attendees) || len(out.Gaps) != len(m.Gaps)
	for _, a := range out.Attendees {
		prev, ok := old[string(a.Slot)+"|"+a.StaffID]
		if !ok || prev.Rule != a.Rule {
			changed = true
		}
		na := Attendee{Attendee: a, Checklist: NewChecklist(m.KnownToCouncil)}
		if ok {
			na.Checklist, na.Excused = prev.Checklist, prev.Excused
		}
		next = append(next, na)
	}
	m.Attendees, m.Gaps, m.AssignedFor = next, out.Gaps, fingerprint
	if changed {
		var names []string
		for _, a := range next {
			names = append(names, cmp.Or(a.Name, a.StaffID)+" ("+string(a.Rule)+")")
		}
		to := strings.Join(names, ", ")
		if len(out.Gaps) > 0 {
			to += fmt.Sprintf("; %d place(s) nobody can fill", len(out.Gaps))
		}
		m.History = append(m.History, Change{At: now.UTC(), Actor: actor, Kind: "attendees", To: to})
		m.UpdatedAt = now.UTC()
	}
	return changed
}

// Hold marks a meeting as held.
func (m *Meeting) Hold(now time.Time, actor string) error {
	if err := m.changeable(); err != nil {
		return err
	}
	m.Status = StatusHeld
	m.History = append(m.History, Change{At: now.UTC(), Actor: actor, Kind: "held", From: m.When()})
	m.UpdatedAt = now.UTC()
	return nil
}

// First reports whether this is the individual's first MAPPA meeting
// (an initial meeting).
func (m Meeting) First() bool { return m.Kind == KindInitial }
