// Package minutes is the record the council keeps ABOUT the minutes of a
// MAPPA meeting, never the minutes themselves. MAPPA minutes (MAPPA C) are
// OFFICIAL-SENSITIVE under a confidentiality statement (MAPPA D): they are
// not copied or shared outside the meeting without the chair's agreement.
// Children's social care never files them on a child's record and does not
// use them to inform assessments: the worker copies only what concerns the
// child into the child's case notes and then destroys the minutes. Where
// the offender is the child, the minutes may go on that child's record
// (and are never released under an access-to-records request).
//
// So for each meeting the Record says: that the minutes were received
// (date, from whom); the child-relevant extract (its text, who made it and
// when); any onward sharing, each with the chair's authority (to whom, when,
// approved by); that the minutes were destroyed (date, by whom); and, where
// the offender is the child, that they were filed (where). Each step is
// recorded by whom and when. The extract text is not part of the Record: it
// is kept apart (Extract), visible only to those who may see the child's
// record (docs/security.md), and never copied into a child's or a case's
// items.
//
// Domain code: no AWS, no net/http; time comes from the caller.
package minutes

import (
	"errors"
	"strings"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

// Errors the rules return; none carries personal data.
var (
	ErrNotReceived      = errors.New("minutes: the minutes have not been recorded as received")
	ErrAlreadyReceived  = errors.New("minutes: the minutes are already recorded as received")
	ErrDestroyed        = errors.New("minutes: the minutes are recorded as destroyed; nothing more can be done with them")
	ErrNotChildOffender = errors.New("minutes: the minutes may be filed only where the offender is the child")
	ErrAlreadyFiled     = errors.New("minutes: the minutes are already recorded as filed")
	ErrFiled            = errors.New("minutes: filed minutes stay on the child's record; they are not destroyed")
	ErrBeforeReceived   = errors.New("minutes: the date is before the minutes were received")
	ErrFuture           = errors.New("minutes: the date is in the future")
	ErrBeforeMeeting    = errors.New("minutes: minutes cannot be received before the meeting")
)

// MaxExtract is the longest extract (characters): what concerns the child,
// not the minutes retyped.
const MaxExtract = 10000

// Step is who recorded a step and when.
type Step struct {
	By string    `dynamodbav:"by" json:"recordedBy"`
	At time.Time `dynamodbav:"at" json:"recordedAt"`
}

// Receipt says the minutes arrived.
type Receipt struct {
	On   civil.Date `dynamodbav:"on" json:"on"`
	From string     `dynamodbav:"from" json:"from"`
	Step
}

// Share is one onward sharing, with the chair's authority.
type Share struct {
	To         string     `dynamodbav:"to" json:"to"`
	On         civil.Date `dynamodbav:"on" json:"on"`
	ApprovedBy string     `dynamodbav:"approvedBy" json:"approvedBy"`
	Step
}

// Destruction says the minutes were destroyed.
type Destruction struct {
	On civil.Date `dynamodbav:"on" json:"on"`
	// DestroyedBy is the person who destroyed them (name or role as typed).
	DestroyedBy string `dynamodbav:"destroyedBy" json:"destroyedBy"`
	Step
}

// Filing says the minutes were filed on the child's record (the offender
// is the child).
type Filing struct {
	On    civil.Date `dynamodbav:"on" json:"on"`
	Where string     `dynamodbav:"where" json:"where"`
	Step
}

// ExtractMade says who made the extract and when; its text is apart.
type ExtractMade struct {
	// Chars is the extract's length, so the record shows one exists.
	Chars int `dynamodbav:"chars" json:"chars"`
	Step
}

// Record is what the council records about one meeting's minutes.
type Record struct {
	MeetingID string `dynamodbav:"meetingId" json:"meetingId"`
	CaseID    string `dynamodbav:"caseId" json:"caseId"`
	// MeetingDate is the meeting's day (Europe/London).
	MeetingDate civil.Date `dynamodbav:"meetingDate" json:"meetingDate"`
	// OffenderIsChild: the person the meeting is about was under 18 on
	// the meeting's day (from the case's date of birth).
	OffenderIsChild bool         `dynamodbav:"offenderIsChild" json:"offenderIsChild"`
	Received        *Receipt     `dynamodbav:"received,omitempty" json:"received,omitempty"`
	Extract         *ExtractMade `dynamodbav:"extract,omitempty" json:"extract,omitempty"`
	Shared          []Share      `dynamodbav:"shared,omitempty" json:"shared"`
	Destroyed       *Destruction `dynamodbav:"destroyed,omitempty" json:"destroyed,omitempty"`
	Filed           *Filing      `dynamodbav:"filed,omitempty" json:"filed,omitempty"`
}

// Extract is the child-relevant extract, kept apart from the Record.
type Extract struct {
	MeetingID string `dynamodbav:"meetingId"`
	CaseID    string `dynamodbav:"caseId"`
	Text      string `dynamodbav:"text"`
	Step
}

// New starts the record of a meeting's minutes. dateOfBirth may be zero
// (not known): then the offender is not taken to be a child.
func New(meetingID, caseID string, meetingDate, dateOfBirth civil.Date) Record {
	child := !dateOfBirth.IsZero() && dateOfBirth.AgeOn(meetingDate) < 18
	return Record{MeetingID: meetingID, CaseID: caseID, MeetingDate: meetingDate, OffenderIsChild: child}
}

func checkDay(on, today civil.Date) error {
	if on.After(today) {
		return ErrFuture
	}
	return nil
}

func (r *Record) open() error {
	if r.Received == nil {
		return ErrNotReceived
	}
	if r.Destroyed != nil {
		return ErrDestroyed
	}
	return nil
}

func (r *Record) sinceReceipt(on, today civil.Date) error {
	if err := checkDay(on, today); err != nil {
		return err
	}
	if on.Before(r.Received.On) {
		return ErrBeforeReceived
	}
	return nil
}

// Receive records that the minutes arrived on a day, from whom (the MAPPA
// co-ordinator's unit, the chair's office: words, not a person's details).
func (r *Record) Receive(on civil.Date, from, actor string, now time.Time) error {
	if r.Received != nil {
		return ErrAlreadyReceived
	}
	if err := checkDay(on, civil.Today(now)); err != nil {
		return err
	}
	if on.Before(r.MeetingDate) {
		return ErrBeforeMeeting
	}
	r.Received = &Receipt{On: on, From: strings.TrimSpace(from), Step: Step{By: actor, At: now}}
	return nil
}

// SetExtract records (or replaces, until the minutes are destroyed) the
// child-relevant extract and returns it to be kept apart.
func (r *Record) SetExtract(text, actor string, now time.Time) (Extract, error) {
	if err := r.open(); err != nil {
		return Extract{}, err
	}
	text = strings.TrimSpace(text)
	r.Extract = &ExtractMade{Chars: len([]rune(text)), Step: Step{By: actor, At: now}}
	return Extract{MeetingID: r.MeetingID, CaseID: r.CaseID, Text: text, Step: Step{By: actor, At: now}}, nil
}

// AddShare records an onward sharing with the chair's authority.
func (r *Record) AddShare(to string, on civil.Date, approvedBy, actor string, now time.Time) error {
	if err := r.open(); err != nil {
		return err
	}
	if err := r.sinceReceipt(on, civil.Today(now)); err != nil {
		return err
	}
	r.Shared = append(r.Shared, Share{To: strings.TrimSpace(to), On: on, ApprovedBy: strings.TrimSpace(approvedBy), Step: Step{By: actor, At: now}})
	return nil
}

// Destroy records that the minutes were destroyed, on a day, by whom.
// Filed minutes (the offender is the child) stay on the child's record.
func (r *Record) Destroy(on civil.Date, destroyedBy, actor string, now time.Time) error {
	if err := r.open(); err != nil {
		return err
	}
	if r.Filed != nil {
		return ErrFiled
	}
	if err := r.sinceReceipt(on, civil.Today(now)); err != nil {
		return err
	}
	r.Destroyed = &Destruction{On: on, DestroyedBy: strings.TrimSpace(destroyedBy), Step: Step{By: actor, At: now}}
	return nil
}

// File records that the minutes were filed on the child's record, where
// the offender is the child.
func (r *Record) File(on civil.Date, where, actor string, now time.Time) error {
	if err := r.open(); err != nil {
		return err
	}
	if !r.OffenderIsChild {
		return ErrNotChildOffender
	}
	if r.Filed != nil {
		return ErrAlreadyFiled
	}
	if err := r.sinceReceipt(on, civil.Today(now)); err != nil {
		return err
	}
	r.Filed = &Filing{On: on, Where: strings.TrimSpace(where), Step: Step{By: actor, At: now}}
	return nil
}
