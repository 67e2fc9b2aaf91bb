package meeting

import (
	"slices"
	"strings"
	"time"

	"github.com/mappa-coordinator/mappa/shared/validation"
)

// ChecklistItem is one thing a council attendee does before a meeting
// (S2: read the referral, the meeting information sheet and the previous
// minutes; check the children's and adults' case files; prepare an update
// where the person or the children are known).
type ChecklistItem string

// The checklist.
const (
	ReadMeetingInformation ChecklistItem = "read-meeting-information"
	ReadReferral           ChecklistItem = "read-referral"
	ReadPreviousMinutes    ChecklistItem = "read-previous-minutes"
	CheckChildrensFiles    ChecklistItem = "check-childrens-files"
	CheckAdultsFiles       ChecklistItem = "check-adults-files"
	PrepareUpdate          ChecklistItem = "prepare-update"
)

// ChecklistLabels says each item in words.
var ChecklistLabels = map[ChecklistItem]string{
	ReadMeetingInformation: "Read the meeting information sheet (MAPPA B)",
	ReadReferral:           "Read the referral (MAPPA A)",
	ReadPreviousMinutes:    "Read the previous minutes",
	CheckChildrensFiles:    "Check the children's case files",
	CheckAdultsFiles:       "Check the adults' case files",
	PrepareUpdate:          "Prepare an update (the person or the children are known to us)",
}

// Tick is one checklist item and whether it is done.
type Tick struct {
	Item  ChecklistItem `json:"item"`
	Label string        `json:"label"`
	Done  bool          `json:"done"`
	At    *time.Time    `json:"at,omitempty"`
	By    string        `json:"by,omitempty"`
}

// NewChecklist is the checklist for one attendee; the update is asked for
// only where the person or the children are known to the council.
func NewChecklist(known bool) []Tick {
	items := []ChecklistItem{ReadMeetingInformation, ReadReferral, ReadPreviousMinutes, CheckChildrensFiles, CheckAdultsFiles}
	if known {
		items = append(items, PrepareUpdate)
	}
	out := make([]Tick, len(items))
	for i, it := range items {
		out[i] = Tick{Item: it, Label: ChecklistLabels[it]}
	}
	return out
}

// ErrNotAttendee: the staff member is not an attendee of the meeting.
var ErrNotAttendee = validation.Errors{{Pointer: "/staffId", Detail: "is not an attendee of this meeting"}}

// TickItem ticks (or unticks) item for the attendee staffID. Attendees
// tick their own list; business support officers may tick for them.
func (m *Meeting) TickItem(staffID string, item ChecklistItem, done bool, now time.Time, actor string) error {
	if err := m.changeable(); err != nil {
		return err
	}
	i := slices.IndexFunc(m.Attendees, func(a Attendee) bool { return a.StaffID == staffID })
	if i < 0 {
		return ErrNotAttendee
	}
	j := slices.IndexFunc(m.Attendees[i].Checklist, func(t Tick) bool { return t.Item == item })
	if j < 0 {
		return validation.Errors{{Pointer: "/item", Detail: "is not on this attendee's checklist"}}
	}
	t := &m.Attendees[i].Checklist[j]
	t.Done = done
	if done {
		at := now.UTC()
		t.At, t.By = &at, actor
	} else {
		t.At, t.By = nil, ""
	}
	m.UpdatedAt = now.UTC()
	return nil
}

// Progress returns how many checklist items are done out of all.
func (a Attendee) Progress() (done, all int) {
	for _, t := range a.Checklist {
		if t.Done {
			done++
		}
	}
	return done, len(a.Checklist)
}

// AgreedBy is who agreed an attendee may miss a meeting.
type AgreedBy string

// Who may agree (S2: the chair or the lead agency).
const (
	AgreedByChair      AgreedBy = "chair"
	AgreedByLeadAgency AgreedBy = "lead-agency"
)

// Excusal records that an attendee is excused from a meeting.
type Excusal struct {
	AgreedBy AgreedBy `json:"agreedBy"`
	// AgreedName is the name of the chair or lead agency contact who agreed.
	AgreedName string    `json:"agreedName"`
	Reason     string    `json:"reason"`
	At         time.Time `json:"at"`
	RecordedBy string    `json:"recordedBy"`
}

// AttendanceCompulsory reports whether council attendance cannot be
// excused: at the first meeting where neither the person nor the children
// are known to the council (S2).
func (m Meeting) AttendanceCompulsory() bool { return m.First() && !m.KnownToCouncil }

// Excuse records that staffID is excused, with the chair's or the lead
// agency's agreement. Refused at a first meeting where neither the person
// nor the children are known to the council.
func (m *Meeting) Excuse(staffID string, e Excusal, now time.Time) error {
	if err := m.changeable(); err != nil {
		return err
	}
	if m.AttendanceCompulsory() {
		return validation.Errors{{Pointer: "/staffId", Detail: "cannot be excused: attending the first meeting is compulsory where neither the person nor the children are known to children's services"}}
	}
	i := slices.IndexFunc(m.Attendees, func(a Attendee) bool { return a.StaffID == staffID })
	if i < 0 {
		return ErrNotAttendee
	}
	var errs validation.Errors
	if e.AgreedBy != AgreedByChair && e.AgreedBy != AgreedByLeadAgency {
		errs.Add("/agreedBy", "must be the chair or the lead agency")
	}
	errs.Required("/agreedName", strings.TrimSpace(e.AgreedName) == "")
	errs.Required("/reason", strings.TrimSpace(e.Reason) == "")
	if !errs.OK() {
		return errs
	}
	e.At = now.UTC()
	m.Attendees[i].Excused = &e
	m.History = append(m.History, Change{At: now.UTC(), Actor: e.RecordedBy, Kind: "excused", To: staffID,
		Reason: "agreed by the " + strings.ReplaceAll(string(e.AgreedBy), "-", " ") + " (" + e.AgreedName + "): " + e.Reason})
	m.UpdatedAt = now.UTC()
	return nil
}
