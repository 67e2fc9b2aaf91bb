package referral

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Status is where a referral is in its handling. The agency that posted it
// sees it through GET /v1/referrals/{id}.
type Status string

// Statuses. received -> classified -> more-information-needed | accepted |
// declined; more-information-needed -> accepted | declined |
// more-information-needed.
const (
	StatusReceived        Status = "received"
	StatusClassified      Status = "classified"
	StatusMoreInformation Status = "more-information-needed"
	StatusAccepted        Status = "accepted"
	StatusDeclined        Status = "declined"
)

// Statuses lists every status, in the order a referral moves through them.
var Statuses = []Status{StatusReceived, StatusClassified, StatusMoreInformation, StatusAccepted, StatusDeclined}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// DecisionKind is what a business support officer decides about a referral.
type DecisionKind string

// Decisions.
const (
	DecisionAccept          DecisionKind = "accept"
	DecisionMoreInformation DecisionKind = "more-information"
	DecisionDecline         DecisionKind = "decline"
	// DecisionInformation is the referring agency's answer to a request
	// for more information: the referral goes back to classified, to be
	// decided again.
	DecisionInformation DecisionKind = "information"
)

// Answer returns the status a referral moves to when the referring agency
// sends the information asked for: only a referral waiting for more
// information can be answered.
func Answer(from Status) (Status, error) {
	if from != StatusMoreInformation {
		return "", fmt.Errorf("%w: no information was asked for (the referral is %s)", ErrTransition, from)
	}
	return StatusClassified, nil
}

// InformationRequest is the body of POST /v1/referrals/{id}/information.
type InformationRequest struct {
	// Information answers what the council asked for (free text, never
	// logged).
	Information string `json:"information"`
}

// Validate implements httpapi.Validator.
func (q InformationRequest) Validate() validation.Errors {
	var errs validation.Errors
	if strings.TrimSpace(q.Information) == "" {
		errs.Add("/information", "is required")
	} else if utf8.RuneCountInString(q.Information) > MaxLongText {
		errs.Add("/information", fmt.Sprintf("is too long: at most %d characters", MaxLongText))
	}
	return errs
}

// ErrTransition is returned when a decision is not possible from the
// referral's current status (for example deciding a referral that has not
// been classified yet, or one already accepted). Callers answer 409.
var ErrTransition = errors.New("referral: decision not possible in this status")

// Decision is one recorded decision: who, when, why, and the move it made.
type Decision struct {
	ID     string       `json:"id"`
	Kind   DecisionKind `json:"decision"`
	Reason string       `json:"reason,omitempty"`
	Actor  string       `json:"actor"`
	At     time.Time    `json:"at"`
	From   Status       `json:"from"`
	To     Status       `json:"to"`
}

// CheckDecision validates a requested decision's fields: the kind must be
// known and a reason is required to ask for more information or to decline.
func CheckDecision(kind DecisionKind, reason string) validation.Errors {
	var errs validation.Errors
	switch kind {
	case DecisionAccept:
	case DecisionMoreInformation, DecisionDecline:
		if strings.TrimSpace(reason) == "" {
			errs.Add("/reason", "is required to ask for more information or to decline")
		}
	case "":
		errs.Add("/decision", "is required")
	default:
		errs.Add("/decision", "must be accept, more-information or decline")
	}
	if utf8.RuneCountInString(reason) > MaxLongText {
		errs.Add("/reason", "is too long")
	}
	return errs
}

// Decide returns the status a referral moves to when decision kind is taken
// in status from. Only a classified referral (or one waiting for more
// information) can be decided; accepted and declined are final.
func Decide(from Status, kind DecisionKind) (Status, error) {
	var to Status
	switch kind {
	case DecisionAccept:
		to = StatusAccepted
	case DecisionMoreInformation:
		to = StatusMoreInformation
	case DecisionDecline:
		to = StatusDeclined
	default:
		return "", fmt.Errorf("referral: unknown decision %q", kind)
	}
	switch from {
	case StatusClassified, StatusMoreInformation:
		return to, nil
	}
	return "", fmt.Errorf("%w: %s to %s", ErrTransition, from, to)
}

// LevelAction is what a person does with a case's level.
type LevelAction string

// Level actions: confirm the suggested level, or set another.
const (
	LevelConfirm LevelAction = "confirm"
	LevelSet     LevelAction = "set"
)

// LevelChange is one recorded change of a case's level of management.
type LevelChange struct {
	ID             string      `json:"id"`
	Action         LevelAction `json:"action"`
	Level          int         `json:"level"`
	PreviousLevel  int         `json:"previousLevel,omitempty"`
	SuggestedLevel int         `json:"suggestedLevel,omitempty"`
	Reason         string      `json:"reason,omitempty"`
	// MeetingDate is the MAPPA meeting that decided the level, when a
	// business support officer records it (the source of the level).
	MeetingDate civil.Date `json:"meetingDate,omitzero"`
	Actor       string     `json:"actor"`
	At          time.Time  `json:"at"`
}

// LevelRequest is a request to confirm or set a case's level.
type LevelRequest struct {
	Action LevelAction `json:"action"`
	// Level is required to set; to confirm it may be left out (the
	// suggested level) or must equal the suggested level.
	Level  int    `json:"level,omitempty"`
	Reason string `json:"reason,omitempty"`
	// MeetingDate is the date of the MAPPA meeting that decided the level.
	// Business support officers must give it: they record what a meeting
	// decided and cannot overrule it.
	MeetingDate civil.Date `json:"meetingDate,omitzero"`
	// Version, if given, must be the case's current version (as the
	// If-Match header would carry it).
	Version int `json:"version,omitempty"`
}

// Validate checks the request's own fields (httpapi.Validator).
func (q LevelRequest) Validate() validation.Errors {
	var errs validation.Errors
	switch q.Action {
	case LevelConfirm, LevelSet:
	case "":
		errs.Add("/action", "is required")
	default:
		errs.Add("/action", "must be confirm or set")
	}
	if q.Level != 0 && (q.Level < 1 || q.Level > 3) {
		errs.Add("/level", "must be 1, 2 or 3")
	}
	if q.Action == LevelSet && q.Level == 0 {
		errs.Add("/level", "is required to set a level")
	}
	if utf8.RuneCountInString(q.Reason) > MaxLongText {
		errs.Add("/reason", "is too long")
	}
	if q.Version < 0 {
		errs.Add("/version", "must be a positive whole number")
	}
	return errs
}

// ResolveLevel applies q to a case whose suggested level is suggested (0 if
// the case has not been classified) and returns the level to record.
// Confirming needs a suggestion; setting a level other than the suggested
// one needs a reason. neverLevel1 is true for a case whose only basis is
// Category 3, which is never managed at level 1.
func ResolveLevel(q LevelRequest, suggested int, neverLevel1 bool) (int, validation.Errors) {
	errs := q.Validate()
	if !errs.OK() {
		return 0, errs
	}
	level := q.Level
	switch q.Action {
	case LevelConfirm:
		if suggested == 0 {
			errs.Add("/action", "there is no suggested level to confirm yet: set a level with a reason")
			return 0, errs
		}
		if level == 0 {
			level = suggested
		} else if level != suggested {
			errs.Add("/level", fmt.Sprintf("confirm takes the suggested level (%d); use set with a reason for another", suggested))
		}
	case LevelSet:
		if level != suggested && strings.TrimSpace(q.Reason) == "" {
			errs.Add("/reason", "is required when the level differs from the suggested level")
		}
	}
	if neverLevel1 && level == 1 {
		errs.Add("/level", "a Category 3 case is never managed at level 1")
	}
	return level, errs
}

// MatchDecision is a business support officer's answer to a possible match.
type MatchDecision string

// Match decisions.
const (
	MatchSamePerson      MatchDecision = "same-person"
	MatchDifferentPerson MatchDecision = "different-person"
)

// MatchState says whether a referral's possible matches wait for a person.
type MatchState string

// Match states ("" when there was no possible match).
const (
	MatchPending         MatchState = "pending"
	MatchResolvedSame    MatchState = "same-person"
	MatchResolvedDiffers MatchState = "different-person"
)

// MatchRequest is POST /v1/staff/referrals/{id}/match.
type MatchRequest struct {
	Decision MatchDecision `json:"decision"`
	// CaseID is the case the referral's person is, for same-person.
	CaseID string `json:"caseId,omitempty"`
}

// Validate checks the request's fields (httpapi.Validator).
func (q MatchRequest) Validate() validation.Errors {
	var errs validation.Errors
	switch q.Decision {
	case MatchSamePerson:
		if q.CaseID == "" {
			errs.Add("/caseId", "is required for same-person")
		}
	case MatchDifferentPerson:
		if q.CaseID != "" {
			errs.Add("/caseId", "is only for same-person")
		}
	case "":
		errs.Add("/decision", "is required")
	default:
		errs.Add("/decision", "must be same-person or different-person")
	}
	return errs
}

// DecisionRequest is POST /v1/staff/referrals/{id}/decisions.
type DecisionRequest struct {
	Decision DecisionKind `json:"decision"`
	Reason   string       `json:"reason,omitempty"`
	// Version, if given, must be the referral's current version (as the
	// If-Match header would carry it).
	Version int `json:"version,omitempty"`
}

// Validate checks the request's fields (httpapi.Validator).
func (q DecisionRequest) Validate() validation.Errors {
	errs := CheckDecision(q.Decision, q.Reason)
	if q.Version < 0 {
		errs.Add("/version", "must be a positive whole number")
	}
	return errs
}
