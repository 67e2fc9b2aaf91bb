package eligibility

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Bounds on lengths, so that date arithmetic stays within the calendar.
const (
	maxMonths = 1200  // 100 years
	maxWeeks  = 5218  // 100 years
	maxDays   = 36525 // 100 years
	// maxExtensionMonths: an extension period is at most 10 years
	// (Sentencing Act 2020 s.268(4)(b)(iii) and its equivalents).
	maxExtensionMonths = 120
	maxText            = 500
	// MaxOffences is the most offences one set of facts may list.
	MaxOffences = 100
)

// Validate checks the facts on their own: known values, lengths in range,
// dates in the right order and combinations that cannot happen (a caution
// with a sentence, a restriction order without a hospital order, a
// detention and training order for an adult). Each problem is named by its
// JSON pointer. Facts that are merely missing are not errors: Classify
// reports them.
func (f Facts) Validate() validation.Errors {
	var errs validation.Errors
	if f.AgeAtConviction != nil && (*f.AgeAtConviction < 10 || *f.AgeAtConviction > 120) {
		errs.Add("/ageAtConviction", "must be between 10 (the age of criminal responsibility in England and Wales) and 120")
	}
	if len(f.Offences) > MaxOffences {
		errs.Add("/offences", fmt.Sprintf("must list at most %d offences", MaxOffences))
	}
	convictions, findings := 0, 0
	for i, o := range f.Offences {
		if i >= MaxOffences {
			break
		}
		f.validateOffence(&errs, i, o)
		switch {
		case o.Disposal == Conviction:
			convictions++
		case o.Disposal.IsFinding():
			findings++
		}
	}
	if f.Sentence != nil {
		f.validateSentence(&errs, f.Sentence, "/sentence", convictions, findings)
	}
	if !f.ContactWithChildren.Valid() {
		errs.Add("/contactWithChildren", answers.err().Error())
	}
	if p := f.PreviousManagement; p != nil {
		if p.Category < Category1 || p.Category > Category4 {
			errs.Add("/previousManagement/category", "must be 1, 2, 3 or 4")
		}
		if p.Level < NoLevel || p.Level > Level3 {
			errs.Add("/previousManagement/level", "must be 1, 2 or 3 (or left out)")
		}
	}
	f.validateDates(&errs)

	n := f.Notification
	if !n.Status.Valid() {
		errs.Add("/notification/status", answers.err().Error())
	}
	if n.Status != Yes && (!n.EndDate.IsZero() || n.Indefinite) {
		errs.Add("/notification/status", `must be "yes" when the police give the notification end date or say it is indefinite`)
	}
	if n.Indefinite && !n.EndDate.IsZero() {
		errs.Add("/notification/endDate", "must be left out when the notification period is indefinite")
	}
	if !f.DateOfBirth.IsZero() && !n.EndDate.IsZero() && !n.EndDate.After(f.DateOfBirth) {
		errs.Add("/notification/endDate", "must be after the date of birth")
	}

	t := f.Terrorism
	if !t.CTANotification.Valid() {
		errs.Add("/terrorism/ctaNotification", answers.err().Error())
	}
	if t.CTANotification != Yes && !t.CTANotificationEndDate.IsZero() {
		errs.Add("/terrorism/ctaNotification", `must be "yes" when the notification end date is given`)
	}
	if !t.RAConsidersAtRisk.Valid() {
		errs.Add("/terrorism/raConsidersAtRisk", judgements.err().Error())
	}
	if (t.TerrorismOffence || t.TerroristConnection) && convictions == 0 {
		ptr := "/terrorism/terrorismOffence"
		if !t.TerrorismOffence {
			ptr = "/terrorism/terroristConnection"
		}
		errs.Add(ptr, "needs the conviction it is about in offences")
	}
	if j := f.Category3; j != nil {
		for name, v := range map[string]Judgement{"seriousHarmCapability": j.SeriousHarmCapability, "linkToCurrentRisk": j.LinkToCurrentRisk,
			"currentRiskOfSeriousHarm": j.CurrentRiskOfSeriousHarm, "needsLevel2Or3Management": j.NeedsLevel2Or3Management} {
			if !v.Valid() {
				errs.Add("/category3/"+name, judgements.err().Error())
			}
		}
	}
	if !f.CurrentRisk.IsZero() && !f.CurrentRisk.Valid() {
		errs.Add("/currentRisk", "must be one of: low, medium, high, very-high")
	}
	if !f.Management.MeetingsAddValue.Valid() {
		errs.Add("/management/meetingsAddValue", judgements.err().Error())
	}
	sortErrors(errs)
	return errs
}

// ValidateAt is Validate plus the checks that need today's date: a date of
// birth, a conviction, finding or caution, or a sentence cannot be in the
// future.
func (f Facts) ValidateAt(today civil.Date) validation.Errors {
	errs := f.Validate()
	future := func(ptr string, d civil.Date) {
		if !d.IsZero() && d.After(today) {
			errs.Add(ptr, "cannot be in the future")
		}
	}
	future("/dateOfBirth", f.DateOfBirth)
	for i, o := range f.Offences {
		if i >= MaxOffences {
			break
		}
		future(validation.Pointer("offences", i, "date"), o.Date)
	}
	future("/dates/sentenceDate", f.Dates.SentenceDate)
	for i, o := range f.Offences {
		if i < MaxOffences && o.Sentence != nil {
			future(validation.Pointer("offences", i, "sentence", "date"), o.Sentence.Date)
		}
	}
	sortErrors(errs)
	return errs
}

func (f Facts) validateOffence(errs *validation.Errors, i int, o Offence) {
	p := func(parts ...any) string { return validation.Pointer(append([]any{"offences", i}, parts...)...) }
	if o.Code == "" && o.Statute == "" && o.Description == "" {
		errs.Add(p(), "give the offence's code from the offence list, its statute reference or a description")
	}
	for name, v := range map[string]string{"code": o.Code, "statute": o.Statute, "description": o.Description} {
		if len(v) > maxText {
			errs.Add(p(name), fmt.Sprintf("must be at most %d characters", maxText))
		}
	}
	switch {
	case o.Disposal == "":
		errs.Add(p("disposal"), "is required: "+disposals.err().Error())
	case !o.Disposal.Valid():
		errs.Add(p("disposal"), disposals.err().Error())
	}
	if !o.Inchoate.Valid() {
		errs.Add(p("inchoate"), inchoates.err().Error())
	}
	if !o.Date.IsZero() && !f.DateOfBirth.IsZero() {
		if !o.Date.After(f.DateOfBirth) {
			errs.Add(p("date"), "must be after the date of birth")
		} else if o.inEnglandAndWales() && f.DateOfBirth.AgeOn(o.Date) < 10 {
			errs.Add(p("date"), "the person was under 10, the age of criminal responsibility in England and Wales, on this date")
		}
	}
	if !o.Date.IsZero() && !f.Dates.SentenceDate.IsZero() && o.Disposal != Caution && o.Sentence == nil && o.Date.After(f.Dates.SentenceDate) {
		errs.Add(p("date"), "must not be after the sentence date: a sentence follows the conviction or finding")
	}
	if !o.Where.Valid() {
		errs.Add(p("where"), jurisdictions.err().Error())
	}
	if o.Where == EnglandAndWales && o.OutsideEnglandAndWales {
		errs.Add(p("where"), "contradicts outsideEnglandAndWales")
	}
	if len(o.Country) > maxText {
		errs.Add(p("country"), fmt.Sprintf("must be at most %d characters", maxText))
	}
	for name, a := range map[string]Answer{"victimUnder18": o.VictimUnder18, "subjectOn1September1997": o.SubjectOn1September1997} {
		if !a.Valid() {
			errs.Add(p(name), answers.err().Error())
		}
	}
	if s := o.Sentence; s != nil {
		c, fd := 0, 0
		switch {
		case o.Disposal == Conviction:
			c = 1
		case o.Disposal.IsFinding():
			fd = 1
		}
		f.validateSentence(errs, s, p("sentence"), c, fd)
		if !s.Date.IsZero() && !o.Date.IsZero() && s.Date.Before(o.Date) {
			errs.Add(p("sentence", "date"), "must not be before the conviction or finding")
		}
	}
}

func (f Facts) validateSentence(errs *validation.Errors, s *Sentence, at string, convictions, findings int) {
	switch {
	case s.Type == "":
		errs.Add(at+"/type", "is required: "+sentenceTypes.err().Error())
	case !s.Type.Valid():
		errs.Add(at+"/type", sentenceTypes.err().Error())
	}
	if !s.Runs.Valid() {
		errs.Add(at+"/runs", runsEnum.err().Error())
	}
	if convictions+findings == 0 {
		errs.Add(at, "needs the conviction or finding it was for in offences (a caution carries no sentence)")
	}
	if convictions == 0 && findings > 0 && s.Type.Valid() {
		switch s.Type {
		case HospitalOrder, GuardianshipOrder, AbsoluteDischarge:
		default:
			errs.Add(at+"/type", "after a finding of insanity or disability the court can make only a hospital order, a guardianship order, a supervision order or an absolute discharge")
		}
	}
	length := func(name string, v *int, most int) {
		if v == nil {
			return
		}
		if *v < 0 {
			errs.Add(at+"/"+name, "must not be negative")
		} else if *v > most {
			errs.Add(at+"/"+name, fmt.Sprintf("must be at most %d", most))
		}
	}
	length("lengthMonths", s.LengthMonths, maxMonths)
	length("lengthWeeks", s.LengthWeeks, maxWeeks)
	length("lengthDays", s.LengthDays, maxDays)
	length("extensionMonths", s.ExtensionMonths, maxExtensionMonths)
	if s.ExtensionMonths != nil && s.Type != Extended {
		errs.Add(at+"/extensionMonths", "only an extended sentence has an extension period")
	}
	term, hasTerm := s.Term()
	if hasTerm && term.Months == 0 && term.Weeks == 0 && term.Days == 0 {
		errs.Add(at+"/lengthMonths", "must be more than zero")
	}
	if s.Life {
		switch s.Type {
		case Imprisonment, SeriousOffenceDetention, CustodyForLife, HMPDetention, "":
		default:
			errs.Add(at+"/life", "a life sentence is imprisonment, s.250 detention, custody for life or detention at His Majesty's pleasure; not "+string(s.Type))
		}
	}
	if s.RestrictionOrder && s.Type != HospitalOrder {
		errs.Add(at+"/restrictionOrder", "a restriction order is made only with a hospital order (Mental Health Act 1983 s.41)")
	}
	if s.Suspended {
		switch {
		case s.Type != Imprisonment && s.Type != YOIDetention:
			errs.Add(at+"/suspended", "only imprisonment or detention in a young offender institution can be suspended")
		case s.Life:
			errs.Add(at+"/suspended", "a life sentence cannot be suspended")
		case hasTerm && wholeMonthsOver(term, 24):
			errs.Add(at+"/suspended", "a suspended sentence is at most 2 years")
		}
	}
	if s.Type == DTO && hasTerm && term.Weeks == 0 && term.Days == 0 && (term.Months < 4 || term.Months > 24) {
		errs.Add(at+"/lengthMonths", "a detention and training order is 4 to 24 months")
	}
	if at == "/sentence" && s.isLife() && !f.Dates.LicenceEndDate.IsZero() {
		errs.Add("/dates/licenceEndDate", "a life licence does not end: leave the licence end date out")
	}
	if age, ok := f.ageAtSentence(); ok {
		switch {
		case s.Type == DTO && age >= 18:
			errs.Add(at+"/type", "a detention and training order is only for people under 18 when convicted")
		case (s.Type == YouthRehabOrder || s.Type == ReferralOrder || s.Type == HMPDetention) && age >= 18:
			errs.Add(at+"/type", string(s.Type)+" is only for people under 18 when convicted")
		case (s.Type == YOIDetention || s.Type == CustodyForLife) && (age < 18 || age > 20):
			errs.Add(at+"/type", string(s.Type)+" is only for people aged 18 to 20 when convicted")
		}
	}
}

// wholeMonthsOver reports a term that is certainly over n months.
func wholeMonthsOver(t Term, n int) bool {
	over, decided := t.MoreThanMonths(n, civil.Date{})
	return decided && over
}

// ageAtSentence is the age on the date of the (latest) conviction or
// finding, from the date of birth or the age given.
func (f Facts) ageAtSentence() (int, bool) {
	var latest civil.Date
	for _, o := range f.Offences {
		if o.Disposal != Caution && o.Date.After(latest) {
			latest = o.Date
		}
	}
	if !f.DateOfBirth.IsZero() && !latest.IsZero() {
		return f.DateOfBirth.AgeOn(latest), true
	}
	if f.AgeAtConviction != nil {
		return *f.AgeAtConviction, true
	}
	return 0, false
}

func (f Facts) validateDates(errs *validation.Errors) {
	d := f.Dates
	order := func(ptr string, later, earlier civil.Date, what string) {
		if !later.IsZero() && !earlier.IsZero() && later.Before(earlier) {
			errs.Add(ptr, "must not be before the "+what)
		}
	}
	order("/dates/releaseDate", d.ReleaseDate, d.SentenceDate, "sentence date")
	order("/dates/paroleEligibilityDate", d.ParoleEligibilityDate, d.SentenceDate, "sentence date")
	order("/dates/licenceEndDate", d.LicenceEndDate, d.SentenceDate, "sentence date")
	order("/dates/licenceEndDate", d.LicenceEndDate, d.ReleaseDate, "release date")
	order("/dates/orderEndDate", d.OrderEndDate, d.SentenceDate, "sentence date")
	if !f.DateOfBirth.IsZero() && !d.SentenceDate.IsZero() && !d.SentenceDate.After(f.DateOfBirth) {
		errs.Add("/dates/sentenceDate", "must be after the date of birth")
	}
	if f.Sentence == nil && !d.SentenceDate.IsZero() {
		errs.Add("/dates/sentenceDate", "needs the sentence it is the date of")
	}
}

func sortErrors(errs validation.Errors) {
	// A stable order by pointer keeps answers reproducible (some checks
	// above walk maps).
	slices.SortStableFunc(errs, func(a, b validation.FieldError) int { return strings.Compare(a.Pointer, b.Pointer) })
}

// isLife reports a sentence that always carries a life licence.
func (s *Sentence) isLife() bool {
	return s != nil && (s.Life || s.Type == CustodyForLife || s.Type == HMPDetention)
}
