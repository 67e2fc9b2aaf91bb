package eligibility

import (
	"fmt"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// ---- Category 1: registered sexual offenders (CJA 2003 s.327(2); SOA 2003
// Part 2)

// notifies reports whether offence i, a Schedule 3 offence, can bring
// notification by itself: not if it ended in an absolute discharge (SOA
// 2003 s.134(1): only a conditional discharge counts as a conviction), nor
// if it is a caution before 1 September 1997 (s.81(5)) or a conviction or
// finding before that day of which the person was clear by then
// (s.81(3)-(4)). decided is false when the 1997 fact is missing.
func (c *classifier) notifies(i int) (yes, decided bool) {
	o := c.f.Offences[i]
	ptr := validation.Pointer("offences", i)
	if s := c.sentenceFor(i); s != nil && s.Type == AbsoluteDischarge && o.Disposal != Caution {
		c.say("CAT1-ABSOLUTE-DISCHARGE", Category1, c.sentencePtr(i)+"/type",
			"%s ended in an absolute discharge. A conviction with an absolute discharge is not a conviction for the notification requirements (only a conditional discharge is), so it does not bring notification.",
			capitalise(c.offenceName(i)))
		return false, true
	}
	if o.Date.IsZero() || !o.Date.Before(sept1997) {
		return true, true
	}
	if o.Disposal == Caution {
		c.say("CAT1-PRE-1997", Category1, ptr+"/date",
			"The caution for %s was given on %s, before 1 September 1997, so it does not bring the notification requirements.", c.offenceName(i), long(o.Date))
		return false, true
	}
	switch o.SubjectOn1September1997 {
	case Yes:
		return true, true
	case No:
		c.say("CAT1-PRE-1997", Category1, ptr+"/subjectOn1September1997",
			"%s was dealt with on %s, before 1 September 1997, and on that day the person was no longer serving the sentence, supervised, detained in hospital or under guardianship for it, so it does not bring the notification requirements.",
			capitalise(c.offenceName(i)), long(o.Date))
		return false, true
	}
	c.say("CAT1-PRE-1997-UNKNOWN", Category1, ptr+"/subjectOn1September1997",
		"%s was dealt with on %s, before 1 September 1997: it brings notification only if on 1 September 1997 the person had not yet been dealt with for it, or was serving the sentence, under supervision, or detained in hospital or under guardianship for it. That is not recorded.",
		capitalise(c.offenceName(i)), long(o.Date))
	c.need(ptr+"/subjectOn1September1997", "whether on 1 September 1997 the person was still being dealt with, serving the sentence, supervised, or in hospital or guardianship for "+c.offenceName(i))
	return false, false
}

func (c *classifier) category1() {
	n := c.f.Notification
	var always, conditional []int
	waiting := false
	for _, i := range c.active() {
		o := c.f.Offences[i]
		info, ok := c.info(i)
		if !ok {
			// Only where the status is not recorded does which offence it
			// is matter; an absolute discharge or a foreign caution never
			// brings notification by itself.
			s := c.sentenceFor(i)
			abs := s != nil && s.Type == AbsoluteDischarge && o.Disposal != Caution
			if n.Status != Yes && n.Status != No && !abs && o.place() != Elsewhere {
				c.unknownMatters(i, Category1)
				waiting = true
			}
			continue
		}
		if info.Notification == nil || o.place() == Elsewhere || (o.place() == "" && info.Jurisdiction == "") {
			continue
		}
		if yes, decided := c.notifies(i); !decided {
			if n.Status != Yes && n.Status != No {
				c.undecided[Category1] = true
				waiting = true
			}
			continue
		} else if !yes {
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
		case waiting:
		default:
			c.say("CAT1-NO-SCHEDULE3", Category1, "/notification/status",
				"None of the offences given carries notification under the Sexual Offences Act 2003 and no notification is recorded, so Category 1 does not apply.")
		}
	}
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
	var bestStart civil.Date
	for _, i := range sch3 {
		p, ok := c.notificationPeriod(i, sch3)
		if !ok {
			complete = false
			continue
		}
		if p.end.Kind == Indefinite {
			c.say("CAT1-PERIOD-COMPUTED", Category1, validation.Pointer("offences", i),
				"Worked out from %s: %s, so the notification period is indefinite (a review is possible after 15 years, or 8 years for someone under 18; Sexual Offences Act 2003 s.91A). Confirm with the police.",
				c.offenceName(i), p.why)
			return p.end, true
		}
		if bestIdx < 0 || p.end.Date.After(best.Date) {
			best, bestIdx, bestWhy, bestHalved, bestStart = p.end, i, p.why, p.halved, p.start
		}
	}
	if !complete || bestIdx < 0 {
		return End{}, false
	}
	c.say("CAT1-PERIOD-COMPUTED", Category1, validation.Pointer("offences", bestIdx),
		"Worked out from %s on %s: %s, so the notification period ends on %s. Confirm with the police.",
		c.offenceName(bestIdx), long(bestStart), bestWhy, long(best.Date))
	if bestHalved {
		c.say("CAT1-PERIOD-HALVED", Category1, "/dateOfBirth",
			"The person was under 18 on that date, so the period is halved.")
	}
	return best, true
}

type period struct {
	end    End
	why    string
	halved bool
	start  civil.Date
}

// periodStart is the relevant date (SOA 2003 s.82(6)): the date of the
// conviction, finding or caution; but where the Schedule 3 paragraph lists
// the offence subject to a sentencing condition and that is the condition
// met, the date of sentence (s.132(3)).
func (c *classifier) periodStart(i int) (civil.Date, bool) {
	o := c.f.Offences[i]
	ptr := validation.Pointer("offences", i)
	if o.Date.IsZero() {
		c.need(ptr+"/date", "the date of the conviction, finding or caution for "+c.offenceName(i))
		return civil.Date{}, false
	}
	rule := c.offences[i].info.Notification
	if o.Disposal == Caution || rule == nil || !rule.SentencingCondition {
		return o.Date, true
	}
	under18, ageKnown := c.under18On(o.Date)
	switch {
	case rule.OtherCondition == "":
	case ageKnown && under18:
		// The other condition is for adults (or needs an adult offender):
		// only the sentencing condition can have been met.
	case rule.OtherCondition == VictimUnder18Condition && o.VictimUnder18 == Yes:
		return o.Date, true
	case rule.OtherCondition == VictimUnder18Condition && o.VictimUnder18 == No && ageKnown:
	case rule.OtherCondition == VictimUnder18Condition:
		c.need(ptr+"/victimUnder18", "whether the victim of "+c.offenceName(i)+" was under 18: it decides whether the notification period runs from the conviction or from the sentence")
		return civil.Date{}, false
	default:
		// The offender was 18 or over at conviction; whether they were at
		// the time of the offence (Schedule 3 para 95) is not known.
		c.need("/notification/endDate", "the date the notification period ends: whether it runs from the conviction or the sentence depends on the person's age when the offence was committed (the police know it)")
		return civil.Date{}, false
	}
	d := c.sentenceDate(i)
	if d.IsZero() {
		c.need(c.sentenceDatePtr(i), "the sentence date: the notification period for "+c.offenceName(i)+" runs from the sentence (Sexual Offences Act 2003 s.132(3))")
		return civil.Date{}, false
	}
	c.say("CAT1-PERIOD-FROM-SENTENCE", Category1, c.sentenceDatePtr(i),
		"Schedule 3 lists %s subject to a condition about the sentence, so the person counts as convicted when it was met: the period runs from the sentence on %s, not the conviction on %s.",
		c.offenceName(i), long(d), long(o.Date))
	return d, true
}

func (c *classifier) sentenceDatePtr(i int) string {
	if c.f.Offences[i].Sentence != nil {
		return validation.Pointer("offences", i, "sentence", "date")
	}
	return "/dates/sentenceDate"
}

// notificationTerm is the term compared with the s.82 thresholds: the
// offence's own term; for a detention and training order, the detention
// part (half the order, SOA 2003 s.131(a)); and where the person was
// sentenced for two or more Schedule 3 offences to consecutive terms,
// their total (s.82(3)-(4)).
func (c *classifier) notificationTerm(i int, sch3 []int, s *Sentence) (Term, string, bool) {
	t, has := s.Term()
	if !has {
		return Term{}, "", false
	}
	desc := "a sentence of " + t.String()
	if s.Runs == Consecutive {
		total := t
		n := 1
		for _, j := range sch3 {
			if j == i {
				continue
			}
			if sj := c.f.Offences[j].Sentence; sj != nil && sj.Runs == Consecutive && sj.Type.custodialTerm() && sj.Type != DTO {
				if tj, ok := sj.Term(); ok {
					total = Term{total.Months + tj.Months, total.Weeks + tj.Weeks, total.Days + tj.Days}
					n++
				}
			}
		}
		if n > 1 {
			c.say("CAT1-PERIOD-CONSECUTIVE", Category1, c.sentencePtr(i)+"/runs",
				"%d Schedule 3 offences have consecutive terms, so each is treated as a term of their total, %s (Sexual Offences Act 2003 s.82(3)-(4)).", n, total)
			t, desc = total, fmt.Sprintf("consecutive terms totalling %s", total)
		}
	}
	if s.Type == Extended {
		// The term of an extended sentence is the custodial term and the
		// extension period together (Sentencing Act 2020 ss.254, 266, 279);
		// SOA 2003 s.131 applies Part 2 to extended sentences of detention
		// as to an equivalent sentence of imprisonment.
		if s.ExtensionMonths == nil {
			if at30, ok := c.atLeast(t, 30, c.sentenceDate(i)); ok && at30 {
				return t, desc + " (custodial term)", true
			}
			c.need(c.sentencePtr(i)+"/extensionMonths", "the extension period of the extended sentence: the notification period follows its whole term, the custodial term and the extension period together")
			return Term{}, "", false
		}
		whole := Term{t.Months + *s.ExtensionMonths, t.Weeks, t.Days}
		c.say("CAT1-PERIOD-EXTENDED", Category1, c.sentencePtr(i)+"/extensionMonths",
			"The extended sentence's term is its custodial term of %s and its extension period of %d months together, %s; that whole term is compared with the notification thresholds (Sentencing Act 2020 ss.254, 266, 279; Sexual Offences Act 2003 ss.82 and 131).",
			t, *s.ExtensionMonths, whole)
		return whole, fmt.Sprintf("an extended sentence of %s (custodial term %s, extension period %d months)", whole, t, *s.ExtensionMonths), true
	}
	if s.Type == DTO {
		h := t.half()
		c.say("CAT1-PERIOD-DTO", Category1, c.sentencePtr(i),
			"For a detention and training order of %s the notification period follows the detention the person is liable to serve under it, half the order: %s (Sexual Offences Act 2003 s.131(a)).", t, h)
		return h, fmt.Sprintf("the detention part, %s, of a detention and training order of %s", h, t), true
	}
	return t, desc, true
}

// notificationPeriod returns the notification period from offence i.
func (c *classifier) notificationPeriod(i int, sch3 []int) (period, bool) {
	o := c.f.Offences[i]
	start, ok := c.periodStart(i)
	if !ok {
		return period{}, false
	}
	months := 0
	var why string
	if o.Disposal == Caution {
		months, why = 24, "2 years for a caution"
	} else {
		s := c.sentenceFor(i)
		if s == nil {
			c.need("/sentence", "the sentence or order made")
			return period{}, false
		}
		switch {
		case s.isLife():
			return period{end: End{Kind: Indefinite, Source: Computed}, why: "a life sentence", start: start}, true
		case s.Type == PublicProtection || s.Type == LifelongRestriction || s.Type == IndeterminateCustodial:
			return period{end: End{Kind: Indefinite, Source: Computed}, why: s.describe(), start: start}, true
		case s.Type == HospitalOrder && s.RestrictionOrder:
			return period{end: End{Kind: Indefinite, Source: Computed}, why: "a hospital order with a restriction order", start: start}, true
		case s.Type == HospitalOrder:
			months, why = 84, "7 years for a hospital order without a restriction order"
		case s.Type.custodialTerm():
			t, desc, has := c.notificationTerm(i, sch3, s)
			if !has {
				if _, ok := s.Term(); !ok {
					c.need(c.sentencePtr(i)+"/lengthMonths", "the length of the sentence")
				}
				return period{}, false
			}
			anchor := c.sentenceDate(i)
			at30, ok30 := c.atLeast(t, 30, anchor)
			over6, ok6 := c.moreThan(t, 6, anchor)
			if !ok30 || !ok6 {
				c.need(c.sentenceDatePtr(i), "the sentence date: the length given is too close to a threshold to compare without it")
				return period{}, false
			}
			switch {
			case at30:
				return period{end: End{Kind: Indefinite, Source: Computed}, why: desc + " (30 months or more)", start: start}, true
			case over6:
				months, why = 120, "10 years for "+desc+" (more than 6 and under 30 months)"
			default:
				months, why = 84, "7 years for "+desc+" (6 months or less)"
			}
		case s.Type == ConditionalDischarge:
			t, has := s.Term()
			if !has {
				c.need(c.sentencePtr(i)+"/lengthMonths", "the length of the conditional discharge")
				return period{}, false
			}
			return period{end: End{Kind: EndsOn, Date: t.end(start), Source: Computed},
				why: fmt.Sprintf("the length of the conditional discharge (%s)", t), start: start}, true
		default:
			months, why = 60, "5 years for a "+s.Type.words()
		}
	}
	under18, known := c.under18On(start)
	if !known {
		c.need("/dateOfBirth", "the date of birth (or age at conviction): the notification period is halved for someone under 18")
		return period{}, false
	}
	if under18 {
		months /= 2
	}
	return period{end: End{Kind: EndsOn, Date: start.AddMonths(months).AddDays(-1), Source: Computed}, why: why, halved: under18, start: start}, true
}

func (c *classifier) under18On(d civil.Date) (bool, bool) {
	if !c.f.DateOfBirth.IsZero() {
		return c.f.DateOfBirth.AgeOn(d) < 18, true
	}
	if c.f.AgeAtConviction != nil {
		return *c.f.AgeAtConviction < 18, true
	}
	return false, false
}
