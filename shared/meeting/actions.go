package meeting

import (
	"slices"
	"strings"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Action is an action agreed at a meeting: owned by someone (whoever
// attends owns the actions, S2), due by a date, listed at the next meeting
// until closed with a reason.
type Action struct {
	ID        string `json:"id"`
	CaseID    string `json:"caseId"`
	MeetingID string `json:"meetingId"`
	Text      string `json:"text"`
	OwnerID   string `json:"ownerId,omitempty"`
	// OwnerAgency names an owner outside the council ("Probation").
	OwnerAgency string      `json:"ownerAgency,omitempty"`
	Due         civil.Date  `json:"due"`
	Status      ItemStatus  `json:"status"`
	CloseReason CloseReason `json:"closeReason,omitempty"`
	CloseNote   string      `json:"closeNote,omitempty"`
	ClosedAt    *time.Time  `json:"closedAt,omitempty"`
	ClosedBy    string      `json:"closedBy,omitempty"`
	CreatedAt   time.Time   `json:"createdAt"`
	CreatedBy   string      `json:"createdBy"`
	Version     int         `json:"version"`
}

// ItemStatus is the status of an action or task: open or closed.
type ItemStatus string

// Statuses of actions and tasks.
const (
	Open   ItemStatus = "open"
	Closed ItemStatus = "closed"
)

// CloseReason is why an action or task was closed.
type CloseReason string

// Close reasons.
const (
	ClosedDone                 CloseReason = "done"
	ClosedCircumstancesChanged CloseReason = "circumstances-changed"
	ClosedNotDoneByAgency      CloseReason = "not-done-by-agency"
)

// CloseReasons lists them.
var CloseReasons = []CloseReason{ClosedDone, ClosedCircumstancesChanged, ClosedNotDoneByAgency}

// ActionInput is what staff enter for an action.
type ActionInput struct {
	Text        string     `json:"text"`
	OwnerID     string     `json:"ownerId,omitempty"`
	OwnerAgency string     `json:"ownerAgency,omitempty"`
	Due         civil.Date `json:"due"`
}

// NewAction checks in and makes an action.
func NewAction(id, caseID, meetingID string, in ActionInput, now time.Time, actor string) (Action, validation.Errors) {
	var errs validation.Errors
	if errs.Required("/text", strings.TrimSpace(in.Text) == "") && len(in.Text) > 1000 {
		errs.Add("/text", "must be 1000 characters or fewer")
	}
	if in.OwnerID == "" && strings.TrimSpace(in.OwnerAgency) == "" {
		errs.Add("/ownerId", "choose who owns the action (a member of staff or another agency)")
	}
	errs.Required("/due", in.Due.IsZero())
	if !errs.OK() {
		return Action{}, errs
	}
	return Action{ID: id, CaseID: caseID, MeetingID: meetingID, Text: strings.TrimSpace(in.Text), OwnerID: in.OwnerID,
		OwnerAgency: strings.TrimSpace(in.OwnerAgency), Due: in.Due, Status: Open, CreatedAt: now.UTC(), CreatedBy: actor}, nil
}

// Close closes an action or task with a reason.
func closeWith(status *ItemStatus, reason *CloseReason, note *string, at **time.Time, by *string, r CloseReason, n string, now time.Time, actor string) error {
	if *status == Closed {
		return validation.Errors{{Pointer: "/reason", Detail: "is already closed"}}
	}
	if !slices.Contains(CloseReasons, r) {
		return validation.Errors{{Pointer: "/reason", Detail: "must be done, circumstances changed, or not done by the agency"}}
	}
	t := now.UTC()
	*status, *reason, *note, *at, *by = Closed, r, strings.TrimSpace(n), &t, actor
	return nil
}

// Close closes the action with a reason.
func (a *Action) Close(r CloseReason, note string, now time.Time, actor string) error {
	return closeWith(&a.Status, &a.CloseReason, &a.CloseNote, &a.ClosedAt, &a.ClosedBy, r, note, now, actor)
}

// OpenBefore returns the open actions to list at a meeting (every action
// of the case still open when the meeting starts).
func OpenBefore(actions []Action) []Action {
	return slices.DeleteFunc(slices.Clone(actions), func(a Action) bool { return a.Status != Open })
}

// TaskKind is the kind of task.
type TaskKind string

// Kinds of task.
const (
	// TaskMarker: a MAPPA marker request for the adult's council file
	// (S2: the council case number and the reason, sent to the BSO
	// mailbox).
	TaskMarker TaskKind = "mappa-marker"
	// TaskHandover: the case moved from level 2 to 3; the service manager
	// hands over to a head of service.
	TaskHandover TaskKind = "handover"
	// TaskFrontDoorContact: a child at risk is not open to children's
	// social care; the front door creates a contact, with the actions
	// agreed (S2).
	TaskFrontDoorContact TaskKind = "front-door-contact"
	// TaskNotify: someone is told of a change (level 1 to 2 to the service
	// manager; a rise in risk to the head of service).
	TaskNotify TaskKind = "notify"
	// TaskCover: nobody could be found for a place at a meeting; the
	// business support officers arrange cover.
	TaskCover TaskKind = "arrange-cover"
	// TaskConsiderChildProtection: a referral's person is not a MAPPA
	// offender, but a Schedule 15 offence, an offence against a child or
	// contact with children is recorded: the front door considers child
	// protection procedures (the Persons Posing a Risk to Children route,
	// S4). Created by classification.
	TaskConsiderChildProtection TaskKind = "consider-child-protection"
	// TaskSupervision: a case was accepted; its manager supervises it
	// within 4 weeks (S0). Created by the rota from the cases stream.
	TaskSupervision TaskKind = "supervision"
	// TaskRiskMeeting: this month's internal risk meeting of a high or
	// very high risk case (S0). Created by the reminders sweep, month by
	// month while the risk stays high.
	TaskRiskMeeting TaskKind = "risk-meeting"
	// TaskRiskEmergency: the risk rose; an emergency internal risk meeting
	// is called at once (S0). Created by the rota from the cases stream.
	TaskRiskEmergency TaskKind = "risk-emergency"
)

// OwnReminder reports whether tasks of kind k carry their own reminder
// (a due item of the same name), so the generic "coming due" reminder of
// tasks is not sent for them as well; the overdue reminder still is.
func (k TaskKind) OwnReminder() bool {
	return k == TaskSupervision || k == TaskRiskMeeting || k == TaskRiskEmergency
}

// ChildProtectionTask is the front door's task for a referral whose person
// is not a MAPPA offender but may pose a risk to children. Its id is
// derived from the referral, so classifying twice gives the same task.
func ChildProtectionTask(referralID, caseID, why string, now time.Time, actor string) Task {
	return Task{ID: "pprc-" + referralID, CaseID: caseID, Kind: TaskConsiderChildProtection,
		Title:     "Consider child protection procedures (Persons Posing a Risk to Children)",
		Detail:    why + " The referral is not eligible for MAPPA; consider child protection procedures.",
		OwnerRole: "front-door", Due: civil.Today(now).AddDays(1), Status: Open, CreatedAt: now.UTC(), CreatedBy: actor}
}

// Task is work for one person (or the business support officers) with a
// due date.
type Task struct {
	ID        string   `json:"id"`
	CaseID    string   `json:"caseId"`
	MeetingID string   `json:"meetingId,omitempty"`
	Kind      TaskKind `json:"kind"`
	Title     string   `json:"title"`
	Detail    string   `json:"detail,omitempty"`
	// OwnerID is who does it ("" with OwnerRole: anyone in that role, such
	// as the business support officers). FromID hands over from.
	OwnerID   string `json:"ownerId,omitempty"`
	OwnerRole string `json:"ownerRole,omitempty"`
	FromID    string `json:"fromId,omitempty"`
	// CaseNumber and Reason are the MAPPA marker request's.
	CaseNumber  string      `json:"caseNumber,omitempty"`
	Reason      string      `json:"reason,omitempty"`
	Due         civil.Date  `json:"due"`
	Status      ItemStatus  `json:"status"`
	CloseReason CloseReason `json:"closeReason,omitempty"`
	CloseNote   string      `json:"closeNote,omitempty"`
	ClosedAt    *time.Time  `json:"closedAt,omitempty"`
	ClosedBy    string      `json:"closedBy,omitempty"`
	CreatedAt   time.Time   `json:"createdAt"`
	CreatedBy   string      `json:"createdBy"`
	Version     int         `json:"version"`
}

// Close closes the task with a reason.
func (t *Task) Close(r CloseReason, note string, now time.Time, actor string) error {
	return closeWith(&t.Status, &t.CloseReason, &t.CloseNote, &t.ClosedAt, &t.ClosedBy, r, note, now, actor)
}

// MarkerInput is a MAPPA marker request.
type MarkerInput struct {
	CaseNumber string     `json:"caseNumber"`
	Reason     string     `json:"reason"`
	OwnerID    string     `json:"ownerId,omitempty"`
	Due        civil.Date `json:"due,omitzero"`
}

// NewMarkerTask makes a MAPPA marker request for the adult's council file.
// Due defaults to 5 days from today (product policy).
func NewMarkerTask(id, caseID string, in MarkerInput, now time.Time, actor string) (Task, validation.Errors) {
	var errs validation.Errors
	cn := NormaliseCouncilNumber(in.CaseNumber)
	if errs.Required("/caseNumber", cn == "") && !councilNumberRE.MatchString(cn) {
		errs.Add("/caseNumber", "must be the adult's council case number: letters, numbers and hyphens, up to 20")
	}
	if errs.Required("/reason", strings.TrimSpace(in.Reason) == "") && len(in.Reason) > 500 {
		errs.Add("/reason", "must be 500 characters or fewer")
	}
	if !errs.OK() {
		return Task{}, errs
	}
	due := in.Due
	if due.IsZero() {
		due = civil.Today(now).AddDays(5)
	}
	t := Task{ID: id, CaseID: caseID, Kind: TaskMarker, Title: "Put a MAPPA marker on the adult's council file",
		CaseNumber: cn, Reason: strings.TrimSpace(in.Reason), OwnerID: in.OwnerID, Due: due, Status: Open,
		CreatedAt: now.UTC(), CreatedBy: actor}
	if t.OwnerID == "" {
		t.OwnerRole = "business-support-officer"
	}
	return t, nil
}

// FrontDoorTasks returns, for each child at risk who is not open to
// children's social care, a task to the front door to create a contact,
// with the actions agreed (S2). The id is derived from the meeting and the
// child, so asking twice gives the same task.
func FrontDoorTasks(m Meeting, children []Child, actions []Action, now time.Time, actor string) []Task {
	var out []Task
	var texts []string
	for _, a := range actions {
		if a.MeetingID == m.ID {
			texts = append(texts, "- "+a.Text)
		}
	}
	for _, c := range children {
		if c.OpenToCSC {
			continue
		}
		detail := "A child associated with this case is not open to children's social care: create a contact."
		if len(texts) > 0 {
			detail += " Actions agreed:\n" + strings.Join(texts, "\n")
		}
		out = append(out, Task{ID: "frontdoor-" + m.ID + "-" + c.ID, CaseID: m.CaseID, MeetingID: m.ID, Kind: TaskFrontDoorContact,
			Title: "Create a contact at the front door for " + c.Name(), Detail: detail, OwnerRole: "front-door",
			Due: civil.Today(now).AddDays(1), Status: Open, CreatedAt: now.UTC(), CreatedBy: actor})
	}
	return out
}
