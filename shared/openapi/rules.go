package openapi

import (
	"reflect"
	"sort"

	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/eligibilityapi"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingapi"
	"github.com/mappa-coordinator/mappa/shared/minutes"
	"github.com/mappa-coordinator/mappa/shared/minutesapi"
	"github.com/mappa-coordinator/mappa/shared/noticeapi"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/retentionapi"
	"github.com/mappa-coordinator/mappa/shared/staff"
)

// The document says exactly what the server accepts (issue 12, finding 7):
// the generated schema of each request member is tightened here with what
// its validator checks, and every check JSON Schema cannot express (a date
// after another date, a date not in the future, an id that must name
// someone in the staff directory, a length the server counts in bytes) is
// stated in words as the member's "x-rule" (and description). schemathesis
// (make hostile, in make test) then checks both directions: a request that
// breaks the schema must be refused, and one that fits it may be refused
// (422) only for a stated rule, naming only members that carry one
// (infra/hostile/hooks.py). TestRulesNameRealMembers keeps this table in
// step with the Go types.

// Characters no request string may hold (httpapi.ForbiddenRune): C0
// controls other than tab, line feed and carriage return, DEL, C1
// controls, and the bidirectional controls and marks. lineForbidden also
// refuses tab, line feed and carriage return (one-line text in referrals).
// They are written as the characters themselves, not \u escapes, so the
// pattern means the same to every regular expression dialect.
const (
	forbidden     = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
	lineForbidden = "\x00-\x1f\x7f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
)

var (
	// textPattern: any text a request may hold.
	textPattern = "^[^" + forbidden + "]*$"
	// datePattern: civil.Parse's years (format: date checks the rest).
	datePattern = `^(19[0-9]{2}|2[01][0-9]{2}|2200)-[0-9]{2}-[0-9]{2}$`
)

// nonBlank is text with something other than white space in it (the
// validators trim and then say "is required").
func nonBlank(forb string) string { return "^[^" + forb + `]*[^\s` + forb + "][^" + forb + "]*$" }

// blankOrText is "" or non-blank text ("must not be blank" otherwise).
func blankOrText(forb string) string { return "^([^" + forb + `]*[^\s` + forb + "][^" + forb + "]*)?$" }

// member is how the server checks one member of a request body beyond its
// Go type.
type member struct {
	// required: refused with "is required" when absent (or blank).
	required bool
	// schema: JSON Schema keywords the validator enforces exactly; they
	// replace the generated ones of the same name.
	schema map[string]any
	// rule: what else is checked, in words (x-rule).
	rule string
}

func (r member) apply(m map[string]any) map[string]any {
	if len(r.schema) == 0 {
		return m
	}
	if _, isRef := m["$ref"]; isRef {
		extra := map[string]any{}
		for k, v := range r.schema {
			extra[k] = v
		}
		return map[string]any{"allOf": []any{m, extra}}
	}
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for k, v := range r.schema {
		out[k] = v
	}
	return out
}

// Helpers for the table.
var (
	// need: required, non-blank text.
	need = member{required: true, schema: map[string]any{"pattern": nonBlank(forbidden)}}
	// needed: required, whatever its type.
	needed = member{required: true}
)

func x(rule string) member { return member{rule: rule} }

// with adds a rule in words to m.
func (r member) with(rule string) member { r.rule = rule; return r }

// keywords adds schema keywords to m.
func (r member) keywords(kv ...any) member {
	s := map[string]any{}
	for k, v := range r.schema {
		s[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		s[kv[i].(string)] = kv[i+1]
	}
	r.schema = s
	return r
}

// oneLine is referral text on one line of at most max characters
// (referral.text).
func oneLine(required bool, max int) member {
	p := blankOrText(lineForbidden)
	if required {
		p = nonBlank(lineForbidden)
	}
	return member{required: required, schema: map[string]any{"pattern": p, "maxLength": max}}
}

// longText is referral text of several lines, at most max characters.
func longText(required bool, max int) member {
	p := blankOrText(forbidden)
	if required {
		p = nonBlank(forbidden)
	}
	return member{required: required, schema: map[string]any{"pattern": p, "maxLength": max}}
}

// staffRef is the id of a member of staff.
var staffRef = x("must be the id of someone in the staff directory (GET /v1/staff/people)")

// rules: per request type, per JSON member.
var rules = map[reflect.Type]map[string]member{
	// ---------------------------------------------------------- referrals
	t[referral.Referral](): {
		"agencyReference":    oneLine(true, referral.MaxReference).with("printable ASCII without leading or trailing spaces; the same reference from the same agency is the same referral (a different body under it is a 409)"),
		"referringAgency":    needed.with("the referring agency is the one the API client is registered to; the body may name the unit within it"),
		"leadAgency":         needed,
		"referrer":           needed,
		"person":             needed,
		"address":            needed.with("a postal address (lines, town, postcode), or noFixedAbode with the area of closest links, not both"),
		"facts":              x("as POST /v1/eligibility's facts; their dateOfBirth, if given, must be the person's"),
		"currentRisk":        needed,
		"reasonForReferral":  longText(true, referral.MaxLongText),
		"victims":            member{schema: map[string]any{"maxItems": referral.MaxVictims}},
		"associatedChildren": member{schema: map[string]any{"maxItems": referral.MaxChildren}},
		"levelRequested":     member{required: true, schema: map[string]any{"minimum": 1, "maximum": 3}},
	},
	t[referral.Agency](): {
		"type": needed,
		"name": oneLine(true, referral.MaxShortText),
	},
	t[referral.Contact](): {
		"name":  oneLine(true, referral.MaxShortText),
		"role":  oneLine(false, referral.MaxShortText).with("required for the referrer"),
		"email": oneLine(false, referral.MaxShortText).with("an email address such as name@example.gov.uk (nothing else around it); required for the referrer"),
		"phone": x("a telephone number of digits, spaces, brackets and hyphens (7 to 25) with an optional leading +"),
	},
	t[referral.Alias](): {
		"givenNames": oneLine(false, referral.MaxShortText),
		"familyName": oneLine(true, referral.MaxShortText),
	},
	t[referral.Person](): {
		"givenNames":  oneLine(true, referral.MaxShortText),
		"familyName":  oneLine(true, referral.MaxShortText),
		"aliases":     member{schema: map[string]any{"maxItems": referral.MaxAliases}},
		"dateOfBirth": needed.with("not in the future"),
		"gender":      needed,
		"ethnicity":   oneLine(false, referral.MaxShortText),
		"identifiers": x("each identifier, if given, in its own form: crn an nDelius CRN (a letter and six digits), pnc a PNC number (98/1234567A), councilNumber up to 30 letters and digits"),
	},
	t[referral.Identifiers](): {
		"crn":           x("an nDelius CRN: a letter and six digits, such as X123456"),
		"pnc":           x("a PNC number such as 98/1234567A"),
		"councilNumber": x("up to 30 letters and digits"),
	},
	t[referral.Address](): {
		"lines": member{schema: map[string]any{"maxItems": referral.MaxAddressLine,
			"items": map[string]any{"type": "string", "pattern": nonBlank(lineForbidden), "maxLength": referral.MaxShortText}}}.with("required with a postal address: at least the first line"),
		"town":               x("required with a postal address: one line, at most 200 characters"),
		"postcode":           x("required with a postal address: a UK postcode such as RG1 1AA"),
		"areaOfClosestLinks": x("only, and then required, with noFixedAbode: one line, at most 200 characters"),
	},
	t[referral.CurrentRisk](): {
		"children":   needed,
		"public":     needed,
		"knownAdult": needed,
		"staff":      needed,
		"toWhom":     longText(true, referral.MaxLongText),
	},
	t[referral.Victim](): {
		"name":         oneLine(false, referral.MaxShortText).with("a name or details are required"),
		"relationship": oneLine(false, referral.MaxShortText),
		"details":      longText(false, referral.MaxLongText).with("a name or details are required"),
	},
	t[referral.Child](): {
		"givenNames":                oneLine(true, referral.MaxShortText),
		"familyName":                oneLine(true, referral.MaxShortText),
		"dateOfBirth":               needed.with("not in the future; under 18 today (an associated child)"),
		"address":                   x("if given, a full postal address or noFixedAbode with the area of closest links"),
		"school":                    oneLine(false, referral.MaxShortText),
		"openToChildrensSocialCare": needed,
	},
	t[referral.MeetingInvitation](): {
		"date":        needed.with("not in the past"),
		"time":        member{required: true, schema: map[string]any{"pattern": `^([01][0-9]|2[0-3]):[0-5][0-9]$`}},
		"place":       oneLine(false, referral.MaxShortText).with("a place or a link is required"),
		"link":        x("an https:// link of at most 2000 characters; a place or a link is required"),
		"chair":       oneLine(false, referral.MaxShortText),
		"meetingType": needed,
	},
	t[referral.InformationRequest](): {"information": x("required: the information asked for, non-blank text")},
	t[referral.DecisionRequest](): {"decision": member{required: true, schema: map[string]any{"enum": []any{"accept", "more-information", "decline"}}},
		"reason":  x("required to decline or to ask for more information"),
		"version": member{schema: map[string]any{"minimum": 0}}.with("the referral's current version (optimistic locking)")},
	t[referral.MatchRequest](): {"decision": needed, "caseId": x("required for same-person (the case it is the same person as), and only then")},
	t[referral.LevelRequest](): {"action": needed.with("confirm needs a suggested level to confirm"),
		"level":       member{schema: map[string]any{"minimum": 0, "maximum": 3}}.with("required to set a level; confirm takes the suggested level; never 1 for a Category 3 case"),
		"reason":      x("required when the level differs from the suggested level; at most 10000 characters"),
		"meetingDate": x("business support officers record the level a MAPPA meeting decided, with the meeting's date"),
		"version":     member{schema: map[string]any{"minimum": 0}}.with("the case's current version (optimistic locking)")},
	t[referral.RAGRequest](): {"rag": needed, "reason": need.keywords("maxLength", referral.MaxLongText),
		"version": member{schema: map[string]any{"minimum": 0}}.with("the case's current version (optimistic locking)")},

	// -------------------------------------------------------- eligibility
	t[eligibilityapi.Request](): {
		"offences": x("at least one offence, or the notification status, the terrorism facts, the Category 3 judgements or previous management, or a review or notice question: otherwise there is nothing to assess; at most 100"),
		"asOf":     x("between 1900 and 100 years from today"),
	},
	t[eligibility.Facts](): {
		"dateOfBirth":     x("not in the future"),
		"ageAtConviction": member{schema: map[string]any{"minimum": 10, "maximum": 120}},
		"offences":        member{schema: map[string]any{"maxItems": eligibility.MaxOffences}},
		"terrorism":       x("terrorismOffence and terroristConnection need the conviction they are about in offences; ctaNotification must be yes when its end date is given"),
		"notification":    x("status must be yes when endDate or indefinite is given; endDate is left out when indefinite, and after the date of birth"),
		"sentence":        x("needs the conviction or finding it was for in offences; see Sentence"),
		"dates":           x("each date after the date of birth and, for the sentence date, not in the future"),
	},
	t[eligibility.Terrorism](): {
		"ctaNotification":        x(`must be "yes" when ctaNotificationEndDate is given`),
		"ctaNotificationEndDate": x("only with ctaNotification yes"),
		"terrorismOffence":       x("needs the conviction it is about in offences"),
		"terroristConnection":    x("needs the conviction it is about in offences"),
	},
	t[eligibility.Notification](): {
		"status":     x("must be yes when endDate or indefinite is given"),
		"endDate":    x("left out when indefinite; after the date of birth"),
		"indefinite": x("only with status yes"),
	},
	t[eligibility.Dates](): {
		"sentenceDate":          x("not in the future; after the date of birth"),
		"releaseDate":           x("after the date of birth"),
		"paroleEligibilityDate": x("after the date of birth"),
		"licenceEndDate":        x("after the date of birth"),
		"orderEndDate":          x("after the date of birth"),
	},
	t[eligibility.Offence](): {
		"code":        member{schema: map[string]any{"maxLength": 500}}.with("the code, statute or description is required (at most 500 bytes each); a code must be on the offence list"),
		"statute":     x("the code, statute or description is required (at most 500 bytes each)"),
		"description": x("the code, statute or description is required (at most 500 bytes each)"),
		"disposal":    needed,
		"date":        x("after the date of birth, not in the future, the person at least 10 on it (in England and Wales), and not after the sentence date when the offence carries no sentence of its own"),
		"where":       x("contradicts outsideEnglandAndWales when england-and-wales"),
		"country":     x("at most 500 bytes"),
		"sentence":    x("see Sentence; its date not before the offence's"),
	},
	t[eligibility.Sentence](): {
		"type":             needed.with("after a finding of insanity or disability only a hospital order, guardianship order or absolute discharge"),
		"lengthMonths":     x("0 to 1200; the whole term more than zero; a detention and training order is 4 to 24 months"),
		"lengthWeeks":      x("0 to 5218"),
		"lengthDays":       x("0 to 36525"),
		"extensionMonths":  x("0 to 120, and only for an extended sentence"),
		"life":             x("a life sentence is imprisonment, s.250 detention, custody for life or detention at His Majesty's pleasure"),
		"restrictionOrder": x("only with a hospital order"),
		"suspended":        x("only imprisonment or YOI detention, not for life, and at most 2 years"),
		"date":             x("not in the future, and after the date of birth"),
	},
	t[eligibility.PreviousManagement](): {
		"category": member{required: true, schema: map[string]any{"minimum": 1, "maximum": 4}},
		"level":    member{schema: map[string]any{"minimum": 0, "maximum": 3}},
	},
	t[eligibilityapi.ReviewQuery](): {
		"level":       member{required: true, schema: map[string]any{"minimum": 2, "maximum": 3}},
		"lastMeeting": needed,
	},
	t[eligibilityapi.NoticeQuery](): {"meeting": needed, "received": needed},

	// ----------------------------------------------------------- meetings
	t[meeting.Input](): {
		"level":              member{required: true, schema: map[string]any{"minimum": 1, "maximum": 3}},
		"date":               needed.with("within the last year or in the future"),
		"time":               member{required: true}.with("a time of day HH:MM (Europe/London) that exists on the date (not in the hour the clocks go forward)"),
		"durationMinutes":    x("15 to 480 (0 or absent: 90)"),
		"place":              x("a place (at most 200 bytes) or a link is required"),
		"link":               x("an https:// link"),
		"chair":              x("at most 120 bytes"),
		"leadAgency":         x("at most 120 bytes"),
		"releaseDate":        x("for a person in custody, the release date or the parole eligibility date is required"),
		"invitationReceived": x("today or in the past"),
	},
	t[meeting.ChildInput](): {
		"givenNames":     need.with("at most 100 bytes"),
		"familyName":     need.with("at most 100 bytes"),
		"dateOfBirth":    x("in the past and under 18 today"),
		"councilNumber":  x("letters, numbers and hyphens, up to 20"),
		"relationship":   need.with("at most 100 bytes"),
		"socialWorkerId": staffRef.with("the id of an active person in the staff directory; a child open to children's social care needs an allocated social worker or supervisor"),
		"supervisorId":   staffRef.with("the id of an active person in the staff directory"),
		"team":           x("at most 120 bytes"),
		"version":        x("the version last read (optimistic locking)"),
	},
	t[meeting.ActionInput](): {
		"text":        need.with("at most 1000 bytes"),
		"ownerId":     x("a member of staff or an owning agency is required"),
		"ownerAgency": x("a member of staff or an owning agency is required"),
		"due":         needed,
	},
	t[meeting.MarkerInput](): {
		"caseNumber": need.with("the adult's council case number: letters, numbers and hyphens, up to 20"),
		"reason":     need.with("at most 500 bytes"),
	},
	t[meetingapi.MoveRequest](): {
		"date":   needed.with("within the last year or in the future"),
		"time":   member{required: true}.with("a time of day HH:MM (Europe/London) that exists on the date"),
		"place":  x("a place (at most 200 bytes) or a link is required"),
		"link":   x("an https:// link"),
		"reason": need,
	},
	t[meetingapi.ReasonRequest]():   {"reason": need},
	t[meetingapi.ReassignRequest](): {"slot": needed, "staffId": staffRef.with("required: the id of someone in the staff directory"), "reason": need},
	t[meetingapi.TickRequest]():     {"item": needed.with("an item of the attendee's checklist"), "staffId": x("an attendee of the meeting (empty: yourself)")},
	t[meetingapi.ExcuseRequest](): {
		"staffId":    x("required: an attendee of the meeting"),
		"agreedBy":   needed,
		"agreedName": need,
		"reason":     need,
	},
	t[meetingapi.CloseRequest](): {"reason": needed.with("the action or task must still be open")},
	t[meetingapi.LeaveRequest](): {
		"from": needed,
		"to":   needed.with("on or after from, and at most a year later"),
		"kind": x("annual leave, sickness, training or other"),
	},
	t[meetingapi.RotaRequest](): {
		"position":  member{schema: map[string]any{"minimum": 0, "maximum": 999}},
		"backupFor": x("not the person themselves"),
	},
	t[meetingapi.PanelDaysBody](): {"days": member{schema: map[string]any{"maxItems": 200}}},
	t[staff.Input](): {
		"name":          need.with("at most 120 bytes"),
		"email":         need.with("a work email address, like name@example.gov.uk"),
		"role":          needed,
		"team":          x("at most 120 bytes"),
		"lineManagerId": x("not the person themselves"),
		"dbsCheckedOn":  x("today or in the past"),
		"dbsNextDue":    x("after dbsCheckedOn"),
	},

	// ------------------------------------------------------------ minutes
	t[minutesapi.StepRequest](): {
		"step":        member{required: true, schema: map[string]any{"enum": []any{"received", "shared", "destroyed", "filed"}}},
		"on":          needed.with("not in the future, not before the minutes were received (received: not before the meeting); the step must fit the record (409 otherwise)"),
		"from":        oneLine(false, 200).with("required for step received, refused for the others"),
		"to":          oneLine(false, 200).with("required for step shared, refused for the others"),
		"approvedBy":  oneLine(false, 200).with("the chair who agreed: required for step shared, refused for the others"),
		"destroyedBy": oneLine(false, 200).with("required for step destroyed, refused for the others"),
		"where":       oneLine(false, 200).with("required for step filed (only where the offender is a child), refused for the others"),
	},
	t[minutesapi.ExtractRequest](): {
		"text": longText(true, minutes.MaxExtract),
	},
	// ---------------------------------------------------------- retention
	t[retentionapi.CloseRequest](): {"reason": longText(true, 500)},
	t[retentionapi.HoldRequest](): {
		"held":   needed,
		"reason": longText(true, 500),
	},
	// ------------------------------------------------------------ notices
	t[noticeapi.AttendanceInput](): {
		"invitationId": x("required: an invitation of this meeting"),
		"outcome":      x("required: attended, deputy, report or absent"),
		"deputy":       x("the deputy's name, when the outcome is deputy"),
	},
}

// objectRules: rules about a whole object (the pointer of the answer is
// the object's).
var objectRules = map[reflect.Type]string{
	t[referral.Victim]():      "a name or details are required",
	t[referral.Address]():     "a postal address (lines, town, postcode), or noFixedAbode with the area of closest links, not both",
	t[eligibility.Offence]():  "the offence's code from the offence list, its statute reference or a description is required",
	t[eligibility.Sentence](): "needs the conviction or finding it was for in offences (a caution carries no sentence)",
}

// ruleTypes lists the types with rules, for the test.
func ruleTypes() []reflect.Type {
	var out []reflect.Type
	for t := range rules {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}
