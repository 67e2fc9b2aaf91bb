package eligibility

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Classify decides whether the person described by f is a MAPPA offender
// on today, in which categories, until when and why, using the embedded
// offence list. It never panics and never guesses: invalid facts and
// missing facts both give "cannot decide" with the list of what is needed.
func Classify(f Facts, today civil.Date) Result { return defaultList.Classify(f, today) }

// Classify is the package-level Classify with this offence list.
func (l *OffenceList) Classify(f Facts, today civil.Date) Result {
	c := &classifier{f: f, today: today, list: l, undecided: map[Category]bool{}}
	return c.run()
}

type classifier struct {
	f         Facts
	today     civil.Date
	list      *OffenceList
	offences  []lookupResult
	reasons   []Reason
	missing   []Missing
	bases     []Basis
	undecided map[Category]bool
	human     bool
	// compared caches comparisons of the (single) sentence's term with a
	// number of months, which can be slow without a sentence date.
	compared map[string][2]bool
}

// atLeast and moreThan compare the sentence's term t with n months,
// anchored on the sentence date; cached because every offence shares the
// sentence.
func (c *classifier) atLeast(t Term, n int) (bool, bool) {
	return c.cached(fmt.Sprintf(">=%d", n), func(a civil.Date) (bool, bool) { return t.AtLeastMonths(n, a) })
}

func (c *classifier) moreThan(t Term, n int) (bool, bool) {
	return c.cached(fmt.Sprintf(">%d", n), func(a civil.Date) (bool, bool) { return t.MoreThanMonths(n, a) })
}

func (c *classifier) cached(key string, f func(civil.Date) (bool, bool)) (bool, bool) {
	if v, ok := c.compared[key]; ok {
		return v[0], v[1]
	}
	yes, decided := f(c.f.Dates.SentenceDate)
	if c.compared == nil {
		c.compared = map[string][2]bool{}
	}
	c.compared[key] = [2]bool{yes, decided}
	return yes, decided
}

func (c *classifier) say(id string, cat Category, ptr, format string, args ...any) {
	c.reasons = append(c.reasons, newReason(id, cat, ptr, fmt.Sprintf(format, args...)))
}

func (c *classifier) need(ptr, fact string) {
	if !slices.ContainsFunc(c.missing, func(m Missing) bool { return m.Pointer == ptr }) {
		c.missing = append(c.missing, Missing{Pointer: ptr, Fact: fact})
	}
}

func (c *classifier) run() Result {
	res := Result{DecidedOn: c.today, OffenceListVersion: c.list.Version,
		Bases: []Basis{}, Missing: []Missing{}, Reasons: []Reason{}}
	if errs := c.f.ValidateAt(c.today); !errs.OK() {
		for _, e := range errs {
			res.Missing = append(res.Missing, Missing{Pointer: e.Pointer, Fact: e.Detail})
		}
		res.Outcome = CannotDecide
		res.Reasons = append(res.Reasons, newReason("INPUT-INVALID", NoCategory, "",
			fmt.Sprintf("Some facts are contradictory or out of range (%d %s). Correct them and ask again; no decision is made until then.",
				len(errs), plural(len(errs), "problem", "problems"))))
		return res
	}
	c.resolveOffences()
	if c.f.DisqualifiedFromWorkingWithChildren {
		c.say("DWC-NOT-A-ROUTE", Category2, "/disqualifiedFromWorkingWithChildren",
			"A disqualification from working with children is recorded. Since December 2012 it is not a route into MAPPA, so it does not change the category (local documents that say otherwise are out of date).")
	}
	c.category1()
	c.category2()
	c.category4()
	c.category3()
	return c.compose(res)
}

// resolveOffences looks every offence up in the list; an unknown or
// ambiguous one is a missing fact.
func (c *classifier) resolveOffences() {
	c.offences = make([]lookupResult, len(c.f.Offences))
	for i, o := range c.f.Offences {
		lr := c.list.lookup(o)
		c.offences[i] = lr
		if lr.found {
			continue
		}
		ptr := validation.Pointer("offences", i)
		if len(lr.ambiguous) > 0 {
			c.say("OFFENCE-UNKNOWN", NoCategory, ptr,
				"Offence %d (%q) matches more than one offence in the list (%s), which the rules treat differently, so it is not known which it is.",
				i+1, lr.given, strings.Join(lr.ambiguous, ", "))
			c.need(ptr+"/code", fmt.Sprintf("which offence %q is: give one of the codes %s", lr.given, strings.Join(lr.ambiguous, ", ")))
			continue
		}
		c.say("OFFENCE-UNKNOWN", NoCategory, ptr,
			"Offence %d (%q) is not in the offence list, so it is not known whether it is in Schedule 15 or carries notification.",
			i+1, lr.given)
		c.need(ptr+"/code", fmt.Sprintf("the offence %q as a code from the offence list, or its statute reference", lr.given))
	}
}

func (c *classifier) info(i int) (OffenceInfo, bool) { return c.offences[i].info, c.offences[i].found }

// offenceName is "Wounding or causing grievous bodily harm with intent
// (Offences against the Person Act 1861 s.18)".
func (c *classifier) offenceName(i int) string {
	if info, ok := c.info(i); ok {
		title := inchoatePrefix[c.f.Offences[i].Inchoate] + lowerFirst(info.Title)
		if info.Section == "" {
			return title
		}
		return title + " (" + info.Reference() + ")"
	}
	return fmt.Sprintf("%q", c.offences[i].given)
}

func (c *classifier) has(cat Category) bool {
	return slices.ContainsFunc(c.bases, func(b Basis) bool { return b.Category == cat })
}

// addBasis records a qualifying basis, unless its end date has passed.
// It reports whether the basis is current.
func (c *classifier) addBasis(b Basis) bool {
	b.CategoryCode = b.Category.Code()
	if b.Until.Kind == EndsOn && b.Until.Date.Before(c.today) {
		return false
	}
	if !slices.ContainsFunc(c.bases, func(x Basis) bool { return x.Category == b.Category && x.Rule == b.Rule && x.Until == b.Until }) {
		c.bases = append(c.bases, b)
	}
	return true
}

// ---- Category 1: registered sexual offenders

func (c *classifier) category1() {
	n := c.f.Notification
	var always, conditional []int
	for i, o := range c.f.Offences {
		info, ok := c.info(i)
		if !ok || info.Notification == nil || o.OutsideEnglandAndWales {
			continue
		}
		if info.Notification.Conditional {
			conditional = append(conditional, i)
		} else {
			always = append(always, i)
		}
	}
	switch n.Status {
	case Yes:
		c.cat1Basis("CAT1-NOTIFICATION", "/notification/status", append(always, conditional...),
			"The police record that the person is subject to the notification requirements of the Sexual Offences Act 2003 (the sex offenders register)")
	case No:
		if len(always) > 0 {
			c.say("CAT1-NOT-SUBJECT", Category1, "/notification/status",
				"The police record that the person is not subject to the notification requirements, so Category 1 does not apply. (%s normally brings notification; the police's record stands, but it may be worth checking with them.)",
				capitalise(c.offenceName(always[0])))
		} else {
			c.say("CAT1-NOT-SUBJECT", Category1, "/notification/status",
				"The police record that the person is not subject to the notification requirements, so Category 1 does not apply.")
		}
	default:
		switch {
		case len(always) > 0:
			i := always[0]
			c.cat1Basis("CAT1-SCHEDULE3-ALWAYS", validation.Pointer("offences", i), always,
				fmt.Sprintf("The notification status is not recorded, but a %s for %s brings the notification requirements by law (Schedule 3 sets no age or sentence condition for it)",
					disposalNoun(c.f.Offences[i].Disposal), c.offenceName(i)))
		case len(conditional) > 0:
			i := conditional[0]
			c.undecided[Category1] = true
			c.say("CAT1-ASK-POLICE", Category1, validation.Pointer("offences", i),
				"%s carries notification only in some cases. %s Whether the person is subject to notification is not recorded.",
				capitalise(c.offenceName(i)), c.offences[i].info.Notification.Condition)
			c.need("/notification/status", "whether the person is subject to the Sexual Offences Act 2003 notification requirements (ask the police)")
		case c.anyUnknownOffence():
			c.undecided[Category1] = true
		default:
			c.say("CAT1-NO-SCHEDULE3", Category1, "/notification/status",
				"None of the offences given carries notification under the Sexual Offences Act 2003 and no notification is recorded, so Category 1 does not apply.")
		}
	}
}

func (c *classifier) anyUnknownOffence() bool {
	return slices.ContainsFunc(c.offences, func(lr lookupResult) bool { return !lr.found })
}

func (c *classifier) cat1Basis(rule, ptr string, sch3 []int, lead string) {
	n := c.f.Notification
	var end End
	switch {
	case n.Indefinite:
		end = End{Kind: Indefinite, Source: FromPolice}
		c.say("CAT1-PERIOD-POLICE", Category1, "/notification/indefinite", "The police say the notification period is indefinite.")
	case !n.EndDate.IsZero():
		end = End{Kind: EndsOn, Date: n.EndDate, Source: FromPolice}
		c.say("CAT1-PERIOD-POLICE", Category1, "/notification/endDate", "The police say the notification period ends on %s.", long(n.EndDate))
	default:
		var ok bool
		end, ok = c.computeNotificationEnd(sch3)
		if !ok {
			end = End{Kind: WhileNotification}
			c.say("CAT1-PERIOD-UNKNOWN", Category1, "/notification/endDate",
				"The end of the notification period cannot be worked out from the facts given; ask the police for it.")
			c.need("/notification/endDate", "the date the notification period ends (the police know it)")
		}
	}
	if !c.addBasis(Basis{Category: Category1, Rule: rule, Until: end, Pointer: ptr}) {
		how := "as the police say"
		if end.Source == Computed {
			how = "as worked out from the facts; confirm with the police"
		}
		c.say("CAT1-ENDED", Category1, "/notification", "The notification period ended on %s (%s), so Category 1 no longer applies.",
			long(end.Date), how)
		return
	}
	confirm := ""
	if rule == "CAT1-SCHEDULE3-ALWAYS" {
		confirm = " Confirm the notification with the police."
	}
	c.say(rule, Category1, ptr, "%s, so they are Category 1 (registered sexual offenders) until %s.%s", lead, untilPhrase(end), confirm)
}

// computeNotificationEnd works out the notification period (SOA 2003
// s.82) from each Schedule 3 offence and returns the latest end.
func (c *classifier) computeNotificationEnd(sch3 []int) (End, bool) {
	if len(sch3) == 0 {
		return End{}, false
	}
	var best End
	bestIdx, complete := -1, true
	var bestWhy string
	var bestHalved bool
	for _, i := range sch3 {
		end, why, halved, ok := c.notificationPeriod(i)
		if !ok {
			complete = false
			continue
		}
		if end.Kind == Indefinite {
			c.say("CAT1-PERIOD-COMPUTED", Category1, validation.Pointer("offences", i),
				"Worked out from %s: %s, so the notification period is indefinite (a review is possible after 15 years, or 8 years for someone under 18; Sexual Offences Act 2003 s.91A). Confirm with the police.",
				c.offenceName(i), why)
			return end, true
		}
		if bestIdx < 0 || end.Date.After(best.Date) {
			best, bestIdx, bestWhy, bestHalved = end, i, why, halved
		}
	}
	if !complete || bestIdx < 0 {
		return End{}, false
	}
	c.say("CAT1-PERIOD-COMPUTED", Category1, validation.Pointer("offences", bestIdx),
		"Worked out from %s on %s: %s, so the notification period ends on %s. Confirm with the police.",
		c.offenceName(bestIdx), long(c.f.Offences[bestIdx].Date), bestWhy, long(best.Date))
	if bestHalved {
		c.say("CAT1-PERIOD-HALVED", Category1, "/dateOfBirth",
			"The person was under 18 on that date, so the period is halved.")
	}
	return best, true
}

// notificationPeriod returns the end of the notification period from
// offence i, why, and whether it was halved.
func (c *classifier) notificationPeriod(i int) (end End, why string, halved, ok bool) {
	o := c.f.Offences[i]
	ptr := validation.Pointer("offences", i)
	if o.Date.IsZero() {
		c.need(ptr+"/date", "the date of the conviction, finding or caution for "+c.offenceName(i))
		return End{}, "", false, false
	}
	months := 0
	if o.Disposal == Caution {
		months, why = 24, "2 years for a caution"
	} else {
		s := c.f.Sentence
		if s == nil {
			c.need("/sentence", "the sentence or order made")
			return End{}, "", false, false
		}
		switch {
		case s.isLife():
			return End{Kind: Indefinite, Source: Computed}, "a life sentence", false, true
		case s.Type == PublicProtection:
			return End{Kind: Indefinite, Source: Computed}, "imprisonment or detention for public protection", false, true
		case s.Type == HospitalOrder && s.RestrictionOrder:
			return End{Kind: Indefinite, Source: Computed}, "a hospital order with a restriction order", false, true
		case s.Type == HospitalOrder:
			months, why = 84, "7 years for a hospital order without a restriction order"
		case s.Type.custodialTerm():
			t, has := s.Term()
			if !has {
				c.need("/sentence/lengthMonths", "the length of the sentence")
				return End{}, "", false, false
			}
			at30, ok30 := c.atLeast(t, 30)
			over6, ok6 := c.moreThan(t, 6)
			if !ok30 || !ok6 {
				c.need("/dates/sentenceDate", "the sentence date: the length given is too close to a threshold to compare without it")
				return End{}, "", false, false
			}
			switch {
			case at30:
				return End{Kind: Indefinite, Source: Computed}, fmt.Sprintf("a sentence of %s (30 months or more)", t), false, true
			case over6:
				months, why = 120, fmt.Sprintf("10 years for a sentence of %s (more than 6 and under 30 months)", t)
			default:
				months, why = 84, fmt.Sprintf("7 years for a sentence of %s (6 months or less)", t)
			}
		case s.Type == ConditionalDischarge:
			t, has := s.Term()
			if !has {
				c.need("/sentence/lengthMonths", "the length of the conditional discharge")
				return End{}, "", false, false
			}
			return End{Kind: EndsOn, Date: t.end(o.Date), Source: Computed},
				fmt.Sprintf("the length of the conditional discharge (%s)", t), false, true
		default:
			months, why = 60, "5 years for a "+s.Type.words()
		}
	}
	under18, known := c.under18On(i)
	if !known {
		c.need("/dateOfBirth", "the date of birth (or age at conviction): the notification period is halved for someone under 18")
		return End{}, "", false, false
	}
	if under18 {
		months /= 2
	}
	return End{Kind: EndsOn, Date: o.Date.AddMonths(months).AddDays(-1), Source: Computed}, why, under18, true
}

func (c *classifier) under18On(i int) (bool, bool) {
	if !c.f.DateOfBirth.IsZero() {
		return c.f.DateOfBirth.AgeOn(c.f.Offences[i].Date) < 18, true
	}
	if c.f.AgeAtConviction != nil {
		return *c.f.AgeAtConviction < 18, true
	}
	return false, false
}

// ---- Category 2: violent and other sexual offenders

func (c *classifier) category2() {
	for i, o := range c.f.Offences {
		ptr := validation.Pointer("offences", i)
		info, known := c.info(i)
		if !known {
			if o.Disposal != Caution && !o.OutsideEnglandAndWales {
				c.undecided[Category2] = true
			}
			continue
		}
		if !info.Specified() && info.Terrorism {
			c.say("CAT2-NOT-SPECIFIED", Category2, ptr,
				"%s is a terrorism offence: the product considers it under Category 4, not Category 2.", capitalise(c.offenceName(i)))
			continue
		}
		if !info.Specified() {
			c.say("CAT2-NOT-SPECIFIED", Category2, ptr,
				"%s is not murder and not in Schedule 15, so it cannot make the person Category 2.", capitalise(c.offenceName(i)))
			continue
		}
		what := c.specifiedAs(i, info)
		switch {
		case o.Disposal == Caution:
			c.say("CAT2-CAUTION", Category2, ptr, "%s was dealt with by a caution, not a conviction, so it cannot make the person Category 2.", capitalise(c.offenceName(i)))
			continue
		case o.OutsideEnglandAndWales:
			c.say("CAT2-OUTSIDE-EW", Category2, ptr, "%s was dealt with outside England and Wales, so it cannot make the person Category 2 (it can count for Category 3 or 4).", capitalise(c.offenceName(i)))
			continue
		case info.Murder && o.Inchoate == EncouragingAssisting:
			c.human = true
			c.undecided[Category2] = true
			c.say("CAT2-INCHOATE-UNCLEAR", Category2, ptr+"/inchoate",
				"Encouraging or assisting murder is not murder, and the guidance does not say whether it counts as a specified offence: a person must decide whether Category 2 applies.")
			continue
		}
		s := c.f.Sentence
		if s == nil {
			c.undecided[Category2] = true
			c.need("/sentence", "the sentence or order made")
			c.say("CAT2-SENTENCE-MISSING", Category2, "/sentence", "%s, %s, has no sentence given, so it is not known whether Category 2 applies.", capitalise(c.offenceName(i)), what)
			continue
		}
		if o.Disposal.IsFinding() {
			if s.Type == HospitalOrder || s.Type == GuardianshipOrder {
				c.cat2Basis("CAT2-FINDING-ORDER", ptr, c.orderEnd(),
					fmt.Sprintf("The person was found %s for %s, %s, and made subject to a %s", findingWords(o.Disposal), c.offenceName(i), what, s.Type.words()))
			} else {
				c.say("CAT2-FINDING-NO-ORDER", Category2, ptr, "The person was found %s for %s, but no hospital or guardianship order was made, so Category 2 does not apply.", findingWords(o.Disposal), c.offenceName(i))
			}
			continue
		}
		c.cat2Sentence(i, ptr, what, s)
	}
}

// specifiedAs says how offence i is specified: "murder", "a specified
// violent offence (CJA 2003 Schedule 15 Part 1)"...
func (c *classifier) specifiedAs(i int, info OffenceInfo) string {
	o := c.f.Offences[i]
	if info.Murder && (o.Inchoate == Attempt || o.Inchoate == Conspiracy) {
		return "a specified violent offence (CJA 2003 Schedule 15 Part 1 specifies an attempt or conspiracy to murder)"
	}
	if info.Murder {
		return "which CJA 2003 s.327(3)(a) names"
	}
	var s string
	if info.Schedule15.Part == 1 {
		s = "a specified violent offence (CJA 2003 Schedule 15 Part 1"
	} else {
		s = "a specified sexual offence (CJA 2003 Schedule 15 Part 2"
	}
	if info.Schedule15.Paragraph != "" {
		s += " para " + info.Schedule15.Paragraph
	}
	s += ")"
	if o.Inchoate != "" {
		s += "; Schedule 15 covers attempts, conspiracies, encouraging or assisting, and aiding and abetting too"
	}
	return s
}

func (c *classifier) cat2Sentence(i int, ptr, what string, s *Sentence) {
	lead := fmt.Sprintf("The person was convicted of %s, %s, and sentenced to %s", c.offenceName(i), what, s.describe())
	switch s.Type {
	case HospitalOrder:
		c.cat2Basis("CAT2-HOSPITAL", ptr, c.orderEnd(), lead)
		return
	case GuardianshipOrder:
		c.cat2Basis("CAT2-GUARDIANSHIP", ptr, c.orderEnd(), lead)
		return
	case Extended:
		c.cat2Basis("CAT2-EXTENDED", ptr, c.licenceEnd(), lead)
		return
	case PublicProtection:
		c.cat2Basis("CAT2-LIFE", ptr, c.ippEnd(), lead)
		return
	case Imprisonment, YOIDetention, SeriousOffenceDetention, CustodyForLife, HMPDetention, DTO:
	default:
		c.say("CAT2-NON-CUSTODIAL", Category2, "/sentence/type", "%s. That sentence does not qualify for Category 2 (only custody or a detention and training order of 12 months or more, or a hospital or guardianship order, do).", lead)
		return
	}
	if s.isLife() {
		c.cat2Basis("CAT2-LIFE", ptr, endInfo{End: End{Kind: Indefinite}, what: "licence", pointer: "/dates/licenceEndDate"}, lead)
		return
	}
	qualifies, decided := c.atLeast12Months(s)
	if !decided {
		c.undecided[Category2] = true
		c.say("CAT2-SENTENCE-MISSING", Category2, "/sentence", "%s; whether it is 12 months or more is not known, so it is not known whether Category 2 applies.", lead)
		return
	}
	if !qualifies {
		c.say("CAT2-UNDER-12-MONTHS", Category2, "/sentence", "%s, which is under 12 months, so Category 2 does not apply.", lead)
		return
	}
	switch {
	case s.Suspended:
		c.cat2Basis("CAT2-SUSPENDED", ptr, c.orderEnd(), lead+" (a suspended sentence is a sentence of imprisonment in law)")
	case s.Type == DTO:
		c.cat2Basis("CAT2-DTO", ptr, c.dtoEnd(), lead)
	default:
		c.cat2Basis("CAT2-CUSTODY", ptr, c.licenceEnd(), lead)
	}
}

// atLeast12Months compares the term with 12 months; a missing length is a
// missing fact.
func (c *classifier) atLeast12Months(s *Sentence) (qualifies, decided bool) {
	t, has := s.Term()
	if !has {
		c.need("/sentence/lengthMonths", "the length of the sentence")
		return false, false
	}
	yes, ok := c.atLeast(t, 12)
	if !ok {
		c.need("/dates/sentenceDate", "the sentence date: the length given is too close to 12 months to compare without it")
		return false, false
	}
	return yes, true
}

func (c *classifier) cat2Basis(rule, ptr string, end endInfo, lead string) {
	if !c.addBasis(Basis{Category: Category2, Rule: rule, Until: end.End, Pointer: ptr}) {
		c.say("CAT2-ENDED", Category2, end.pointer, "%s, but the %s ended on %s, so Category 2 no longer applies.", lead, end.what, long(end.Date))
		return
	}
	c.say(rule, Category2, ptr, "%s, so they are Category 2 (violent and other sexual offenders) until %s.", lead, untilPhrase(end.End))
	if end.missing != "" {
		c.say("CAT2-END-UNKNOWN", Category2, end.pointer, "Category 2 lasts while the %s lasts; its end date is not given.", end.what)
		c.need(end.pointer, end.missing)
	}
}

// endInfo is the end of a licence or order, and what to ask for if it is
// not given.
type endInfo struct {
	End
	what    string // "licence", "order"
	pointer string
	missing string
}

func (c *classifier) licenceEnd() endInfo {
	if d := c.f.Dates.LicenceEndDate; !d.IsZero() {
		return endInfo{End{Kind: EndsOn, Date: d, Source: FromFacts}, "licence", "/dates/licenceEndDate", ""}
	}
	return endInfo{End{Kind: WhileLicence}, "licence", "/dates/licenceEndDate", "the date the licence ends"}
}

func (c *classifier) orderEnd() endInfo {
	if d := c.f.Dates.OrderEndDate; !d.IsZero() {
		return endInfo{End{Kind: EndsOn, Date: d, Source: FromFacts}, "order", "/dates/orderEndDate", ""}
	}
	return endInfo{End{Kind: WhileOrder}, "order", "/dates/orderEndDate", "the date the order ends"}
}

func (c *classifier) dtoEnd() endInfo {
	if !c.f.Dates.LicenceEndDate.IsZero() {
		return c.licenceEnd()
	}
	return c.orderEnd()
}

// ippEnd: an IPP licence lasts until the Parole Board ends it.
func (c *classifier) ippEnd() endInfo {
	if !c.f.Dates.LicenceEndDate.IsZero() {
		return c.licenceEnd()
	}
	return endInfo{End: End{Kind: Indefinite}, what: "licence", pointer: "/dates/licenceEndDate"}
}

// ---- Category 4: terrorist and terrorism-risk offenders

func (c *classifier) category4() {
	t := c.f.Terrorism
	if t.CTANotification == Yes {
		end := End{Kind: WhileNotification}
		if !t.CTANotificationEndDate.IsZero() {
			end = End{Kind: EndsOn, Date: t.CTANotificationEndDate, Source: FromPolice}
		}
		if c.addBasis(Basis{Category: Category4, Rule: "CAT4-CTA-NOTIFICATION", Until: end, Pointer: "/terrorism/ctaNotification"}) {
			c.say("CAT4-CTA-NOTIFICATION", Category4, "/terrorism/ctaNotification",
				"The person is subject to the Counter-Terrorism Act 2008 Part 4 notification requirements, so they are Category 4 (terrorist and terrorism-risk offenders) until %s.", untilPhrase(end))
			if end.Kind == WhileNotification {
				c.need("/terrorism/ctaNotificationEndDate", "the date the Counter-Terrorism Act notification ends (the police know it)")
			}
		} else {
			c.say("CAT4-CTA-ENDED", Category4, "/terrorism/ctaNotificationEndDate",
				"The Counter-Terrorism Act 2008 notification ended on %s, so it no longer makes the person Category 4.", long(end.Date))
		}
	}
	c.cat4Conviction()
	switch t.RAConsidersAtRisk {
	case JudgedYes:
		if len(c.f.Offences) == 0 {
			c.say("CAT4-RISK-NO-OFFENCE", Category4, "/terrorism/raConsidersAtRisk",
				"The responsible authority considers the person at risk of involvement in terrorism, but no offence is recorded, so Category 4 does not apply.")
		} else if c.addBasis(Basis{Category: Category4, Rule: "CAT4-RISK", Until: End{Kind: RADecides}, Pointer: "/terrorism/raConsidersAtRisk"}) {
			c.say("CAT4-RISK", Category4, "/terrorism/raConsidersAtRisk",
				"The person has committed an offence and the responsible authority considers them at risk of involvement in terrorism-related activity, so they are Category 4 until the responsible authority decides otherwise.")
		}
	case NotYetRecorded:
		c.undecided[Category4] = true
		c.say("CAT4-RISK-NOT-RECORDED", Category4, "/terrorism/raConsidersAtRisk",
			"Whether the responsible authority considers the person at risk of involvement in terrorism is not yet recorded.")
		c.need("/terrorism/raConsidersAtRisk", "the responsible authority's judgement on the risk of involvement in terrorism")
	}
	if c.has(Category4) {
		c.say("CAT4-CT-ARRANGEMENTS", Category4, "", "Most Category 4 people are managed under counter-terrorism MAPPA arrangements; the lead agency decides.")
	}
}

func (c *classifier) cat4Conviction() {
	t := c.f.Terrorism
	idx := -1
	for i, o := range c.f.Offences {
		if o.Disposal != Conviction || o.OutsideEnglandAndWales {
			continue
		}
		info, ok := c.info(i)
		if (ok && info.Terrorism) || t.TerrorismOffence || t.TerroristConnection {
			idx = i
			break
		}
	}
	if idx < 0 {
		return
	}
	ptr := validation.Pointer("offences", idx)
	what := "a terrorism offence"
	if info, ok := c.info(idx); (!ok || !info.Terrorism) && !t.TerrorismOffence {
		what = "an offence found to have a terrorist connection"
	}
	s := c.f.Sentence
	if s == nil {
		c.undecided[Category4] = true
		c.need("/sentence", "the sentence or order made")
		return
	}
	lead := fmt.Sprintf("The person was convicted of %s, %s, and sentenced to %s", c.offenceName(idx), what, s.describe())
	var end endInfo
	switch {
	case s.isLife():
		end = endInfo{End: End{Kind: Indefinite}}
	case s.Type == PublicProtection:
		end = c.ippEnd()
	case s.Type == Extended:
		end = c.licenceEnd()
	case s.Suspended || !s.Type.custodialTerm():
		c.say("CAT4-TERRORISM-UNDER-12-MONTHS", Category4, "/sentence", "%s, which is not a custodial sentence of 12 months or more, so this does not make the person Category 4.", lead)
		return
	default:
		ok, decided := c.atLeast12Months(s)
		if !decided {
			c.undecided[Category4] = true
			return
		}
		if !ok {
			c.say("CAT4-TERRORISM-UNDER-12-MONTHS", Category4, "/sentence", "%s, which is under 12 months, so this does not make the person Category 4.", lead)
			return
		}
		end = c.licenceEnd()
		if s.Type == DTO {
			end = c.dtoEnd()
		}
	}
	if !c.addBasis(Basis{Category: Category4, Rule: "CAT4-TERRORISM-CUSTODY", Until: end.End, Pointer: ptr}) {
		c.say("CAT4-TERRORISM-CUSTODY", Category4, end.pointer, "%s, but the %s ended on %s, so this no longer makes the person Category 4.", lead, end.what, long(end.Date))
		return
	}
	c.say("CAT4-TERRORISM-CUSTODY", Category4, ptr, "%s, so they are Category 4 (terrorist and terrorism-risk offenders) until %s.", lead, untilPhrase(end.End))
	if end.missing != "" {
		c.need(end.pointer, end.missing)
	}
}

// ---- Category 3: other dangerous offenders

func (c *classifier) category3() {
	if c.has(Category1) || c.has(Category2) {
		if c.f.Category3 != nil {
			c.say("CAT3-RESIDUAL", Category3, "/category3", "Category 3 is only for people who are not Category 1 or 2, so the responsible authority's Category 3 judgements are not needed.")
		}
		return
	}
	if len(c.f.Offences) == 0 {
		c.say("CAT3-NO-OFFENCE", Category3, "/offences",
			"No caution or conviction is recorded, so the person cannot be a MAPPA offender in Category 3; other child-protection routes apply.")
		return
	}
	j := c.f.Category3
	if j == nil {
		c.say("CAT3-NOT-RAISED", Category3, "/category3",
			"The responsible authority has not raised Category 3. It would apply only if the RA judged that the offending shows the person can cause serious harm, that they currently pose a risk of serious harm, and that the risk needs level 2 or 3 management.")
		return
	}
	items := []struct {
		name, words string
		v           Judgement
	}{
		{"seriousHarmCapability", "the offending shows the person can cause serious harm, linked to the current risk", j.SeriousHarmCapability},
		{"currentRiskOfSeriousHarm", "the person currently poses a risk of serious harm", j.CurrentRiskOfSeriousHarm},
		{"needsLevel2Or3Management", "the risk needs active multi-agency management at level 2 or 3", j.NeedsLevel2Or3Management},
	}
	var no, open []string
	for _, it := range items {
		switch it.v {
		case JudgedNo:
			no = append(no, it.words)
		case JudgedYes:
		default:
			open = append(open, it.words)
			c.need("/category3/"+it.name, "the responsible authority's judgement that "+it.words)
		}
	}
	switch {
	case len(no) > 0:
		c.missing = slices.DeleteFunc(c.missing, func(m Missing) bool { return strings.HasPrefix(m.Pointer, "/category3/") })
		c.say("CAT3-NOT-MET", Category3, "/category3", "The responsible authority has judged that it is not the case that %s, so Category 3 does not apply.", strings.Join(no, "; nor that "))
	case len(open) > 0:
		c.undecided[Category3] = true
		c.say("CAT3-NOT-RECORDED", Category3, "/category3", "The responsible authority has not yet recorded whether %s.", strings.Join(open, "; or whether "))
	default:
		c.addBasis(Basis{Category: Category3, Rule: "CAT3-MET", Until: End{Kind: RADecides}, Pointer: "/category3"})
		c.say("CAT3-MET", Category3, "/category3",
			"The person has a caution or conviction, and the responsible authority judges that the offending shows they can cause serious harm, that they currently pose a risk of serious harm and that it needs level 2 or 3 management, so they are Category 3 (other dangerous offenders) until the responsible authority decides that management is no longer needed.")
	}
}

// ---- the answer

var primaryOrder = map[Category]int{Category1: 0, Category2: 1, Category4: 2, Category3: 3}

func (c *classifier) compose(res Result) Result {
	slices.SortStableFunc(c.bases, func(a, b Basis) int { return primaryOrder[a.Category] - primaryOrder[b.Category] })
	res.Bases = append(res.Bases, c.bases...)
	res.Missing = append(res.Missing, c.missing...)
	undecided := len(c.undecided) > 0
	var summary Reason
	var extra []Reason
	switch {
	case len(c.bases) > 0:
		res.Outcome = Eligible
		res.PrimaryCategory = c.bases[0].Category
		res.CategoryCode = res.PrimaryCategory.Code()
		until := eligibleUntil(c.bases)
		res.EligibleUntil = &until
		cats := distinctCategories(c.bases)
		also := ""
		if len(cats) > 1 {
			var others []string
			for _, x := range cats[1:] {
				others = append(others, x.String())
			}
			also = ", and also " + strings.Join(others, " and ")
			extra = append(extra, newReason("MULTI-PRIMARY", NoCategory, "",
				fmt.Sprintf("More than one category applies. Each is kept with its own end; the primary category is %s because the order is 1, then 2, then 4, then 3.", res.PrimaryCategory)))
		}
		if c.has(Category2) && c.has(Category4) {
			c.human = true
			extra = append(extra, newReason("MULTI-2-AND-4", NoCategory, "",
				"The person is both Category 2 and Category 4: a person must decide how they are managed (usually under counter-terrorism arrangements)."))
		}
		summary = newReason("OUTCOME-ELIGIBLE", res.PrimaryCategory, "",
			fmt.Sprintf("The person is a MAPPA offender: %s (%s)%s. This lasts until %s.", res.PrimaryCategory, res.PrimaryCategory.Name(), also, untilPhrase(until)))
		if undecided || len(c.missing) > 0 {
			extra = append(extra, newReason("OUTCOME-INCOMPLETE", NoCategory, "",
				fmt.Sprintf("Some facts are missing (%s); with them the category or its end date could change.", missingList(c.missing))))
		}
	case undecided:
		res.Outcome = CannotDecide
		if len(c.missing) > 0 {
			summary = newReason("OUTCOME-CANNOT-DECIDE", NoCategory, "",
				fmt.Sprintf("It cannot be decided yet whether the person is a MAPPA offender: %d %s missing (%s). The answer is not guessed.",
					len(c.missing), plural(len(c.missing), "fact is", "facts are"), missingList(c.missing)))
		} else {
			summary = newReason("OUTCOME-CANNOT-DECIDE", NoCategory, "",
				"It cannot be decided from the rules alone whether the person is a MAPPA offender; a person must decide (see the reasons).")
		}
	default:
		res.Outcome = NotEligible
		res.CategoryCode = CodeNoCategory
		summary = newReason("OUTCOME-NOT-ELIGIBLE", NoCategory, "",
			"No MAPPA category applies today, so the person is not a MAPPA offender. The reasons below say why for each category.")
	}
	res.NeedsHumanDecision = c.human
	res.Reasons = append(append(append(res.Reasons, summary), extra...), c.reasons...)
	return res
}

func distinctCategories(bases []Basis) []Category {
	var out []Category
	for _, b := range bases {
		if !slices.Contains(out, b.Category) {
			out = append(out, b.Category)
		}
	}
	return out
}

// eligibleUntil is the end of the last basis to end: indefinite if any is,
// else an open end (while a licence or order lasts, until the RA decides)
// if any is, else the latest date.
func eligibleUntil(bases []Basis) End {
	var latest End
	var open *End
	for _, b := range bases {
		switch b.Until.Kind {
		case Indefinite:
			return b.Until
		case EndsOn:
			if latest.Date.IsZero() || b.Until.Date.After(latest.Date) {
				latest = b.Until
			}
		default:
			if open == nil {
				u := b.Until
				open = &u
			}
		}
	}
	if open != nil {
		return *open
	}
	return latest
}

func missingList(ms []Missing) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, m.Fact)
	}
	if len(parts) == 0 {
		return "see the reasons"
	}
	return strings.Join(parts, "; ")
}

func untilPhrase(e End) string {
	switch e.Kind {
	case EndsOn:
		return long(e.Date)
	case Indefinite:
		return "further notice (there is no end date)"
	case WhileLicence:
		return "the licence ends (its end date is not given)"
	case WhileOrder:
		return "the order ends (its end date is not given)"
	case WhileNotification:
		return "the notification period ends (its end date is not known)"
	case RADecides:
		return "the responsible authority decides otherwise"
	}
	return "an unknown date"
}

// long formats a date as a person writes it: "31 May 2029".
func long(d civil.Date) string {
	if d.IsZero() {
		return "an unknown date"
	}
	return fmt.Sprintf("%d %s %d", d.Day, d.Month, d.Year)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func disposalNoun(d Disposal) string {
	switch d {
	case Caution:
		return "caution"
	case Conviction:
		return "conviction"
	}
	return "finding"
}

func findingWords(d Disposal) string {
	if d == NotGuiltyInsanity {
		return "not guilty by reason of insanity"
	}
	return "unfit to plead and to have done the act"
}

// custodialTerm reports sentence types whose length is a custodial term.
func (t SentenceType) custodialTerm() bool {
	switch t {
	case Imprisonment, YOIDetention, SeriousOffenceDetention, Extended, DTO:
		return true
	}
	return false
}

var typeWords = map[SentenceType]string{
	Imprisonment:            "imprisonment",
	YOIDetention:            "detention in a young offender institution",
	HMPDetention:            "detention at His Majesty's pleasure",
	SeriousOffenceDetention: "detention for a serious offence (Sentencing Act 2020 s.250)",
	CustodyForLife:          "custody for life",
	Extended:                "an extended sentence",
	PublicProtection:        "imprisonment or detention for public protection",
	DTO:                     "detention and training order",
	HospitalOrder:           "hospital order",
	GuardianshipOrder:       "guardianship order",
	CommunityOrder:          "community order",
	YouthRehabOrder:         "youth rehabilitation order",
	ReferralOrder:           "referral order",
	Fine:                    "fine",
	AbsoluteDischarge:       "absolute discharge",
	ConditionalDischarge:    "conditional discharge",
}

func (t SentenceType) words() string {
	if w, ok := typeWords[t]; ok {
		return w
	}
	return string(t)
}

// describe says the sentence in words: "imprisonment for 4 years",
// "a detention and training order of 8 months", "a hospital order with a
// restriction order".
func (s *Sentence) describe() string {
	t, has := s.Term()
	switch {
	case s.isLife() && s.Type == Imprisonment:
		return "life imprisonment"
	case s.isLife() && s.Type == SeriousOffenceDetention:
		return "detention for life (Sentencing Act 2020 s.250)"
	case s.Type == CustodyForLife || s.Type == HMPDetention || s.Type == PublicProtection:
		return s.Type.words()
	case s.Type == HospitalOrder && s.RestrictionOrder:
		return "a hospital order with a restriction order"
	case s.Type == HospitalOrder:
		return "a hospital order without a restriction order"
	case s.Type == Imprisonment && s.Suspended && has:
		return "imprisonment for " + t.String() + ", suspended"
	case s.Type == Imprisonment && has:
		return "imprisonment for " + t.String()
	case s.Type == YOIDetention && has:
		w := "detention in a young offender institution for " + t.String()
		if s.Suspended {
			w += ", suspended"
		}
		return w
	case s.Type == SeriousOffenceDetention && has:
		return "detention for " + t.String() + " (Sentencing Act 2020 s.250)"
	case s.Type == Extended && has:
		return "an extended sentence with a custodial term of " + t.String()
	case has && s.Type != Fine && s.Type != AbsoluteDischarge:
		return article(s.Type.words()) + " of " + t.String()
	case s.Type == Extended:
		return "an extended sentence"
	}
	return article(s.Type.words())
}

func article(w string) string {
	if strings.HasPrefix(w, "a ") || strings.HasPrefix(w, "an ") || w == "imprisonment" {
		return w
	}
	if strings.ContainsRune("aeiou", rune(w[0])) {
		return "an " + w
	}
	return "a " + w
}

// lowerFirst puts a title into the middle of a sentence: "Rape" becomes
// "rape"; a leading acronym stays.
func lowerFirst(s string) string {
	if len(s) < 2 || s[1] < 'a' || s[1] > 'z' {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

var inchoatePrefix = map[Inchoate]string{
	Attempt:              "attempted ",
	Conspiracy:           "conspiracy to commit ",
	EncouragingAssisting: "encouraging or assisting ",
	AidingAbetting:       "aiding and abetting ",
}
