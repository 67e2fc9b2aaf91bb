package referral

import (
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/lazyre"
	"github.com/mappa-coordinator/mappa/shared/risk"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Limits on the size of free text and lists, so a single referral stays a
// few kilobytes and fits one DynamoDB item with room to spare.
const (
	MaxShortText   = 200
	MaxLongText    = 10000
	MaxAliases     = 20
	MaxVictims     = 50
	MaxChildren    = 50
	MaxAddressLine = 5
	MaxReference   = 100
)

var (
	postcodePattern = lazyre.New(`^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$`)
	timePattern     = lazyre.New(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	phonePattern    = lazyre.New(`^\+?[0-9 ()-]{7,25}$`)
	refPattern      = lazyre.New(`^[\x21-\x7E]([\x20-\x7E]*[\x21-\x7E])?$`)
)

// Draft is what a handler decodes a referral body into: the Referral and the
// day it is checked against. It implements httpapi.Validator, so
// httpapi.Decode(w, r, limit, referral.NewDraft(today)) reports decoding and
// validation problems together.
type Draft struct {
	Referral
	today civil.Date
}

// NewDraft returns an empty Draft validated as of today (Europe/London).
func NewDraft(today civil.Date) *Draft { return &Draft{today: today} }

// Validate implements httpapi.Validator.
func (d *Draft) Validate() validation.Errors { return d.ValidateAt(d.today) }

// factsValidator is implemented by eligibility.Facts if it checks itself;
// the referral reports its problems under /facts.
type factsValidator interface{ Validate() validation.Errors }
type factsValidatorAt interface {
	ValidateAt(civil.Date) validation.Errors
}

// ValidateAt checks every field as of today and returns every problem, each
// named by its JSON pointer. Dates that cannot be in the future (dates of
// birth) are refused if after today; a meeting cannot be before today.
func (r Referral) ValidateAt(today civil.Date) validation.Errors {
	var errs validation.Errors
	text(&errs, "/agencyReference", r.AgencyReference, true, MaxReference)
	if r.AgencyReference != "" && !refPattern.MatchString(r.AgencyReference) {
		errs.Add("/agencyReference", "must be printable characters without leading or trailing spaces")
	}
	agency(&errs, "/referringAgency", r.ReferringAgency)
	agency(&errs, "/leadAgency", r.LeadAgency)
	contact(&errs, "/referrer", r.Referrer, true)
	person(&errs, r.Person, today)
	address(&errs, "/address", r.Address, true)

	if fd := r.Facts.DateOfBirth; !fd.IsZero() && !r.Person.DateOfBirth.IsZero() && fd != r.Person.DateOfBirth {
		errs.Add("/facts/dateOfBirth", "differs from /person/dateOfBirth: a referral is about one person with one date of birth")
	}
	switch f := any(&r.Facts).(type) {
	case factsValidatorAt:
		errs.Merge("/facts", f.ValidateAt(today))
	case factsValidator:
		errs.Merge("/facts", f.Validate())
	}

	riskLevel(&errs, "/currentRisk/children", r.CurrentRisk.Children)
	riskLevel(&errs, "/currentRisk/public", r.CurrentRisk.Public)
	riskLevel(&errs, "/currentRisk/knownAdult", r.CurrentRisk.KnownAdult)
	riskLevel(&errs, "/currentRisk/staff", r.CurrentRisk.Staff)
	text(&errs, "/currentRisk/toWhom", r.CurrentRisk.ToWhom, true, MaxLongText)
	text(&errs, "/reasonForReferral", r.ReasonForReferral, true, MaxLongText)

	if len(r.Victims) > MaxVictims {
		errs.Add("/victims", "must list at most 50 victims")
	}
	for i, v := range r.Victims {
		p := validation.Pointer("victims", i)
		if strings.TrimSpace(v.Name) == "" && strings.TrimSpace(v.Details) == "" {
			errs.Add(p, "needs a name or details")
		}
		text(&errs, p+"/name", v.Name, false, MaxShortText)
		text(&errs, p+"/relationship", v.Relationship, false, MaxShortText)
		text(&errs, p+"/details", v.Details, false, MaxLongText)
	}

	if len(r.AssociatedChildren) > MaxChildren {
		errs.Add("/associatedChildren", "must list at most 50 children")
	}
	for i, c := range r.AssociatedChildren {
		child(&errs, validation.Pointer("associatedChildren", i), c, today)
	}

	if r.LevelRequested < 1 || r.LevelRequested > 3 {
		errs.Add("/levelRequested", "must be 1, 2 or 3")
	}
	if m := r.MeetingInvitation; m != nil {
		meeting(&errs, "/meetingInvitation", *m, today)
	}
	return errs
}

func text(errs *validation.Errors, ptr, v string, required bool, max int) {
	if strings.TrimSpace(v) == "" {
		if required {
			errs.Add(ptr, "is required")
		} else if v != "" {
			errs.Add(ptr, "must not be blank")
		}
		return
	}
	if utf8.RuneCountInString(v) > max {
		errs.Add(ptr, "is too long")
	}
	if strings.IndexFunc(v, forbiddenRune(max <= MaxShortText)) >= 0 {
		if max <= MaxShortText {
			errs.Add(ptr, "must be one line of text without control or bidirectional-override characters")
		} else {
			errs.Add(ptr, "must not contain control or bidirectional-override characters")
		}
	}
}

// forbiddenRune refuses control characters (tab, line feed and carriage
// return only in long text) and the Unicode bidirectional embedding,
// override and isolate controls and direction marks, which can make a
// name display as something other than what it is.
func forbiddenRune(oneLine bool) func(rune) bool {
	return func(r rune) bool {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return oneLine
		case unicode.IsControl(r):
			return true
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			return true
		}
		return false
	}
}

func agency(errs *validation.Errors, ptr string, a Agency) {
	if a.Type == "" {
		errs.Add(ptr+"/type", "is required")
	} else if !slices.Contains(AgencyTypes, a.Type) {
		errs.Add(ptr+"/type", "must be one of police, probation, prison, youth-justice, other")
	}
	text(errs, ptr+"/name", a.Name, true, MaxShortText)
}

func contact(errs *validation.Errors, ptr string, c Contact, full bool) {
	text(errs, ptr+"/name", c.Name, true, MaxShortText)
	text(errs, ptr+"/role", c.Role, full, MaxShortText)
	text(errs, ptr+"/email", c.Email, full, MaxShortText)
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || a.Name != "" {
			errs.Add(ptr+"/email", "must be an email address such as name@example.gov.uk")
		}
	}
	if c.Phone != "" && !phonePattern.MatchString(c.Phone) {
		errs.Add(ptr+"/phone", "must be a telephone number of digits, spaces and an optional leading +")
	}
}

func person(errs *validation.Errors, p Person, today civil.Date) {
	text(errs, "/person/givenNames", p.GivenNames, true, MaxShortText)
	text(errs, "/person/familyName", p.FamilyName, true, MaxShortText)
	if len(p.Aliases) > MaxAliases {
		errs.Add("/person/aliases", "must list at most 20 aliases")
	}
	for i, a := range p.Aliases {
		ptr := validation.Pointer("person", "aliases", i)
		text(errs, ptr+"/givenNames", a.GivenNames, false, MaxShortText)
		text(errs, ptr+"/familyName", a.FamilyName, true, MaxShortText)
	}
	birthDate(errs, "/person/dateOfBirth", p.DateOfBirth, today, true)
	if p.Gender == "" {
		errs.Add("/person/gender", "is required")
	} else if !slices.Contains(Genders, p.Gender) {
		errs.Add("/person/gender", "must be one of female, male, other, not-known")
	}
	text(errs, "/person/ethnicity", p.Ethnicity, false, MaxShortText)
	ids := p.Identifiers
	if ids.CRN != "" {
		if _, ok := NormaliseCRN(ids.CRN); !ok {
			errs.Add("/person/identifiers/crn", "must be an nDelius CRN: a letter and six digits, such as X123456")
		}
	}
	if ids.PNC != "" {
		if _, ok := NormalisePNC(ids.PNC); !ok {
			errs.Add("/person/identifiers/pnc", "must be a PNC number such as 98/1234567A")
		}
	}
	if ids.CouncilNumber != "" {
		if _, ok := NormaliseCouncilNumber(ids.CouncilNumber); !ok {
			errs.Add("/person/identifiers/councilNumber", "must be up to 30 letters and digits")
		}
	}
}

func birthDate(errs *validation.Errors, ptr string, d, today civil.Date, required bool) {
	switch {
	case d.IsZero():
		if required {
			errs.Add(ptr, "is required")
		}
	case !today.IsZero() && d.After(today):
		errs.Add(ptr, "must not be in the future")
	case d.Year < 1900:
		errs.Add(ptr, "must be after 1900")
	}
}

func address(errs *validation.Errors, ptr string, a Address, required bool) {
	if a.NoFixedAbode {
		text(errs, ptr+"/areaOfClosestLinks", a.AreaOfClosestLinks, true, MaxShortText)
		if len(a.Lines) > 0 || a.Postcode != "" || a.Town != "" {
			errs.Add(ptr, "give either a postal address or, with noFixedAbode, the area of closest links, not both")
		}
		return
	}
	if a.AreaOfClosestLinks != "" {
		errs.Add(ptr+"/areaOfClosestLinks", "is only for someone of no fixed abode (set noFixedAbode)")
	}
	if !required && len(a.Lines) == 0 && a.Town == "" && a.Postcode == "" {
		return
	}
	if len(a.Lines) == 0 {
		errs.Add(ptr+"/lines", "is required: at least the first line of the address")
	} else if len(a.Lines) > MaxAddressLine {
		errs.Add(ptr+"/lines", "must have at most 5 lines")
	}
	for i, l := range a.Lines {
		text(errs, ptr+validation.Pointer("lines", i), l, true, MaxShortText)
	}
	text(errs, ptr+"/town", a.Town, true, MaxShortText)
	if a.Postcode == "" {
		errs.Add(ptr+"/postcode", "is required")
	} else if _, ok := NormalisePostcode(a.Postcode); !ok {
		errs.Add(ptr+"/postcode", "must be a UK postcode such as RG1 1AA")
	}
}

// NormalisePostcode upper-cases a UK postcode and puts one space before the
// inward code ("rg11aa" -> "RG1 1AA"). ok is false if it is not a postcode.
func NormalisePostcode(s string) (string, bool) {
	v := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(v) < 5 || len(v) > 7 {
		return v, false
	}
	v = v[:len(v)-3] + " " + v[len(v)-3:]
	return v, postcodePattern.MatchString(v)
}

func child(errs *validation.Errors, ptr string, c Child, today civil.Date) {
	text(errs, ptr+"/givenNames", c.GivenNames, true, MaxShortText)
	text(errs, ptr+"/familyName", c.FamilyName, true, MaxShortText)
	birthDate(errs, ptr+"/dateOfBirth", c.DateOfBirth, today, true)
	if !c.DateOfBirth.IsZero() && !today.IsZero() && !c.DateOfBirth.After(today) && c.DateOfBirth.AgeOn(today) >= 18 {
		errs.Add(ptr+"/dateOfBirth", "is of an adult: associated children are under 18")
	}
	if c.Address != nil {
		address(errs, ptr+"/address", *c.Address, false)
	}
	text(errs, ptr+"/school", c.School, false, MaxShortText)
	if c.OpenToChildrensSocialCare == nil {
		errs.Add(ptr+"/openToChildrensSocialCare", "is required: true or false")
	}
	if c.AllocatedWorker != nil {
		contact(errs, ptr+"/allocatedWorker", *c.AllocatedWorker, false)
	}
}

func meeting(errs *validation.Errors, ptr string, m MeetingInvitation, today civil.Date) {
	switch {
	case m.Date.IsZero():
		errs.Add(ptr+"/date", "is required")
	case !today.IsZero() && m.Date.Before(today):
		errs.Add(ptr+"/date", "must not be in the past")
	}
	if m.Time == "" {
		errs.Add(ptr+"/time", "is required")
	} else if !timePattern.MatchString(m.Time) {
		errs.Add(ptr+"/time", "must be a 24-hour time HH:MM (Europe/London)")
	}
	if strings.TrimSpace(m.Place) == "" && strings.TrimSpace(m.Link) == "" {
		errs.Add(ptr+"/place", "give a place or a link")
	}
	text(errs, ptr+"/place", m.Place, false, MaxShortText)
	if m.Link != "" {
		if u, err := url.Parse(m.Link); err != nil || u.Scheme != "https" || u.Host == "" || len(m.Link) > 2000 {
			errs.Add(ptr+"/link", "must be an https:// link")
		}
	}
	text(errs, ptr+"/chair", m.Chair, false, MaxShortText)
	switch m.MeetingType {
	case MeetingInitial, MeetingReview:
	case "":
		errs.Add(ptr+"/meetingType", "is required")
	default:
		errs.Add(ptr+"/meetingType", "must be initial or review")
	}
}

func riskLevel(errs *validation.Errors, ptr string, v risk.Level) {
	if v == "" {
		errs.Add(ptr, "is required: low, medium, high or very-high")
	} else if !v.Valid() {
		errs.Add(ptr, "must be low, medium, high or very-high")
	}
}
