// Package attendance holds the rules for who replied to a meeting
// invitation, who came, and what happens when the council is not there
// (S1, S2, S3):
//
//   - each invited member of staff replies: accepted, or declined saying
//     who will go instead (a deputy) or that a written report will be sent;
//   - after the meeting the business support officer records, per
//     attendee: attended, sent a deputy (who), sent a written report,
//     apologies, or did not attend;
//   - if nobody from the council can attend, a written report is due
//     before the meeting, and it is chased until it is received;
//   - unexplained non-attendance climbs a ladder: the chair is told; if it
//     is still unexplained after LineManagerAfterWorkingDays the line
//     manager is told; a repeated failure (RepeatThreshold within
//     RepeatWindowDays) goes to the Strategic Management Board through
//     the MAPPA co-ordinator.
//
// Pure domain: no AWS, no net/http.
package attendance

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Reply is an invited person's answer.
type Reply string

// Replies.
const (
	ReplyAwaiting Reply = "awaiting"
	ReplyAccepted Reply = "accepted"
	ReplyDeclined Reply = "declined"
)

// Instead is what a person who declines offers instead.
type Instead string

// What can be offered instead of attending.
const (
	InsteadDeputy        Instead = "deputy"
	InsteadWrittenReport Instead = "written-report"
	InsteadNothing       Instead = "nothing"
)

// Valid reports whether i is known.
func (i Instead) Valid() bool {
	return slices.Contains([]Instead{InsteadDeputy, InsteadWrittenReport, InsteadNothing}, i)
}

// Outcome is what happened at the meeting for one attendee.
type Outcome string

// Outcomes recorded after a meeting.
const (
	OutcomeAttended      Outcome = "attended"
	OutcomeDeputy        Outcome = "deputy"
	OutcomeWrittenReport Outcome = "written-report"
	OutcomeApologies     Outcome = "apologies"
	OutcomeDidNotAttend  Outcome = "did-not-attend"
)

// Outcomes lists every outcome in the order a form shows them.
var Outcomes = []Outcome{OutcomeAttended, OutcomeDeputy, OutcomeWrittenReport, OutcomeApologies, OutcomeDidNotAttend}

// Valid reports whether o is known.
func (o Outcome) Valid() bool { return slices.Contains(Outcomes, o) }

// Label is the outcome as a form says it.
func (o Outcome) Label() string {
	switch o {
	case OutcomeAttended:
		return "Attended"
	case OutcomeDeputy:
		return "Sent a deputy"
	case OutcomeWrittenReport:
		return "Sent a written report"
	case OutcomeApologies:
		return "Gave apologies"
	case OutcomeDidNotAttend:
		return "Did not attend"
	}
	return string(o)
}

// Represented reports whether the outcome means the council was heard at
// the meeting (in person, by a deputy, or in writing).
func (o Outcome) Represented() bool {
	return o == OutcomeAttended || o == OutcomeDeputy || o == OutcomeWrittenReport
}

// Unexplained reports whether the outcome starts the escalation ladder.
func (o Outcome) Unexplained() bool { return o == OutcomeDidNotAttend }

// MaxDeputyLength bounds the deputy's name or role as typed.
const MaxDeputyLength = 120

// Record is one attendee's recorded attendance.
type Record struct {
	Outcome Outcome
	// Deputy names who went instead (OutcomeDeputy only).
	Deputy string
}

// Validate checks a record as entered; the errors are field messages.
func (r Record) Validate() map[string]string {
	errs := map[string]string{}
	if !r.Outcome.Valid() {
		errs["outcome"] = "Select what happened at the meeting"
	}
	d := strings.TrimSpace(r.Deputy)
	switch {
	case r.Outcome == OutcomeDeputy && d == "":
		errs["deputy"] = "Enter who went instead"
	case r.Outcome != OutcomeDeputy && d != "":
		errs["deputy"] = "Only enter a deputy if one went instead"
	case len(d) > MaxDeputyLength:
		errs["deputy"] = fmt.Sprintf("Deputy must be %d characters or fewer", MaxDeputyLength)
	}
	return errs
}

// Decline is a declined reply.
type Decline struct {
	Instead Instead
	// Deputy is who will go instead (InsteadDeputy only).
	Deputy string
}

// Validate checks a decline as entered.
func (d Decline) Validate() map[string]string {
	errs := map[string]string{}
	if !d.Instead.Valid() {
		errs["instead"] = "Select who will go instead, or whether a written report will be sent"
	}
	dep := strings.TrimSpace(d.Deputy)
	if d.Instead == InsteadDeputy && dep == "" {
		errs["deputy"] = "Enter who will go instead"
	}
	if len(dep) > MaxDeputyLength {
		errs["deputy"] = fmt.Sprintf("Name must be %d characters or fewer", MaxDeputyLength)
	}
	return errs
}

// Invitee is what the rules need to know about one invited person.
type Invitee struct {
	Reply   Reply
	Instead Instead // when declined
}

// Covered reports whether the invitee's reply means the council will be at
// the meeting or heard in writing.
func (i Invitee) Covered() bool {
	switch i.Reply {
	case ReplyAccepted, ReplyAwaiting:
		return true
	case ReplyDeclined:
		return i.Instead == InsteadDeputy || i.Instead == InsteadWrittenReport
	}
	return false
}

// ReportDue reports whether a written report is due before the meeting:
// every council invitee has declined and nobody is going in their place
// (S1: if nobody can attend, a written report must be sent). An invitee
// who offers a written report themselves makes it due too (it is then
// chased like any other).
func ReportDue(invitees []Invitee) bool {
	if len(invitees) == 0 {
		return false
	}
	anyoneGoing := false
	for _, i := range invitees {
		if i.Reply != ReplyDeclined || i.Instead == InsteadDeputy {
			anyoneGoing = true
		}
	}
	if !anyoneGoing {
		return true
	}
	for _, i := range invitees {
		if i.Reply == ReplyDeclined && i.Instead == InsteadWrittenReport {
			return true
		}
	}
	return false
}

// Step is a rung of the escalation ladder for unexplained non-attendance.
type Step int

// The ladder (S3): the chair asks the agency, then the line manager, then
// repeated failure goes to the Strategic Management Board through the
// MAPPA co-ordinator.
const (
	StepNone Step = iota
	StepChair
	StepLineManager
	StepBoard
)

// String names the step as pages and emails say it.
func (s Step) String() string {
	switch s {
	case StepChair:
		return "Chair told"
	case StepLineManager:
		return "Line manager told"
	case StepBoard:
		return "Referred to the Strategic Management Board"
	}
	return "Not escalated"
}

// Escalation settings (product policy; S3 gives the order, not the times).
const (
	// LineManagerAfterWorkingDays: the line manager is told when the
	// non-attendance is still unexplained this many working days after the
	// meeting.
	LineManagerAfterWorkingDays = 5
	// RepeatThreshold unexplained non-attendances by the same person
	// within RepeatWindowDays go to the Board.
	RepeatThreshold  = 2
	RepeatWindowDays = 365
)

// ErrNotEscalating is returned by Next for an attendee who was not
// unexplained-absent.
var ErrNotEscalating = errors.New("attendance: nothing to escalate")

// Next is the step after current for an unexplained non-attendance, given
// how many unexplained non-attendances (this one included) the same person
// has within the repeat window. From nothing the chair is told; after the
// chair, the line manager; after the line manager, the Board if the
// failure is repeated. StepNone means the ladder has ended.
func Next(current Step, repeats int) Step {
	switch current {
	case StepNone:
		return StepChair
	case StepChair:
		return StepLineManager
	case StepLineManager:
		if repeats >= RepeatThreshold {
			return StepBoard
		}
	}
	return StepNone
}
