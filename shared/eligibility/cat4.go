package eligibility

import (
	"fmt"

	"github.com/mappa-coordinator/mappa/shared/validation"
)

// ---- Category 4: terrorist and terrorism-risk offenders (CJA 2003
// s.325(2)(c) and s.327(4B)-(4G))

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
		if len(c.active()) == 0 {
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

// relevantTerrorist reports whether offence i is a relevant terrorist
// offence (s.327(4F)) and says how.
func (c *classifier) relevantTerrorist(i int) (string, bool) {
	t := c.f.Terrorism
	info, ok := c.info(i)
	switch {
	case ok && info.Terrorism, t.TerrorismOffence:
		return "a terrorism offence", true
	case t.TerroristConnection:
		return "an offence found to have a terrorist connection", true
	}
	return "", false
}

// cat4Conviction applies s.327(4D): a person convicted of and sentenced
// for a relevant terrorist offence, or otherwise dealt with for one, as
// Counter-Terrorism Act 2008 s.45(1) (England and Wales), (2) (Scotland)
// or (3) (Northern Ireland) describes: a custodial sentence of 12 months
// or more (or for life or indeterminate), or a hospital order (which
// s.327(4E) reads as including a guardianship order) after a conviction, a
// finding of insanity or a finding of disability.
func (c *classifier) cat4Conviction() {
	ctaMissing := false
	for _, i := range c.active() {
		o := c.f.Offences[i]
		what, ok := c.relevantTerrorist(i)
		if !ok || o.Disposal == Caution {
			continue
		}
		ptr := validation.Pointer("offences", i)
		switch o.place() {
		case Elsewhere:
			c.say("CAT4-ABROAD", Category4, ptr+"/where",
				"%s, %s, was dealt with outside the United Kingdom: it can make the person Category 4 only through a Counter-Terrorism Act 2008 notification order (Schedule 6), which the police would record as notification.", capitalise(c.offenceName(i)), what)
			ctaMissing = true
			continue
		case "":
			c.undecided[Category4] = true
			c.say("CAT4-PLACE-UNKNOWN", Category4, ptr+"/where",
				"%s, %s, was dealt with outside England and Wales, but where is not recorded: Counter-Terrorism Act 2008 s.45 covers Scotland and Northern Ireland too.", capitalise(c.offenceName(i)), what)
			c.need(ptr+"/where", "where "+c.offenceName(i)+" was dealt with (Scotland, Northern Ireland or elsewhere)")
			ctaMissing = true
			continue
		}
		s := c.sentenceFor(i)
		if s == nil {
			c.undecided[Category4] = true
			c.need("/sentence", "the sentence or order made")
			ctaMissing = true
			continue
		}
		where := map[Jurisdiction]string{EnglandAndWales: "in England and Wales", Scotland: "in Scotland", NorthernIreland: "in Northern Ireland"}[o.place()]
		var lead string
		if o.Disposal.IsFinding() {
			lead = fmt.Sprintf("The person was found %s %s for %s, %s, and made subject to %s", findingWords(o.Disposal), where, c.offenceName(i), what, s.describe())
		} else {
			lead = fmt.Sprintf("The person was convicted %s of %s, %s, and sentenced to %s", where, c.offenceName(i), what, s.describe())
		}
		if s.Type == HospitalOrder || s.Type == GuardianshipOrder {
			c.cat4Basis("CAT4-HOSPITAL", ptr, c.orderEnd(), lead)
			return
		}
		if o.Disposal.IsFinding() {
			c.say("CAT4-TERRORISM-UNDER-12-MONTHS", Category4, c.sentencePtr(i), "%s; after a finding only a hospital or guardianship order makes the person Category 4.", lead)
			continue
		}
		var end endInfo
		switch {
		case s.isLife():
			end = endInfo{End: End{Kind: Indefinite}}
		case s.Type == PublicProtection || s.Type == LifelongRestriction || s.Type == IndeterminateCustodial:
			end = c.ippEnd()
		case s.Type == Extended:
			end = c.licenceEnd()
		case !s.Type.custodialTerm():
			c.say("CAT4-TERRORISM-UNDER-12-MONTHS", Category4, c.sentencePtr(i), "%s, which is not a custodial sentence of 12 months or more, so this does not make the person Category 4.", lead)
			continue
		default:
			ok, decided := c.atLeast12Months(i, s)
			if !decided {
				c.undecided[Category4] = true
				ctaMissing = true
				continue
			}
			if !ok {
				c.say("CAT4-TERRORISM-UNDER-12-MONTHS", Category4, c.sentencePtr(i), "%s, which is under 12 months, so this does not make the person Category 4.", lead)
				continue
			}
			end = c.licenceEnd()
			if s.Type == DTO || s.Type == JuvenileJusticeCentre {
				end = c.dtoEnd()
			}
			if s.Suspended {
				end = c.orderEnd()
				c.say("SUSPENDED-CONFIRM", Category4, c.sentencePtr(i)+"/suspended",
					"A suspended sentence is a sentence of imprisonment in law (Sentencing Act 2020 s.286(2), formerly CJA 2003 s.189), so it is counted for Category 4 as for Category 2; the responsible authority should confirm.")
			}
		}
		c.cat4Basis("CAT4-TERRORISM-CUSTODY", ptr, end, lead)
		return
	}
	t := c.f.Terrorism
	if ctaMissing && t.CTANotification != Yes && t.CTANotification != No && !c.has(Category4) {
		c.undecided[Category4] = true
		c.say("CAT4-CTA-UNKNOWN", Category4, "/terrorism/ctaNotification",
			"Whether the person is subject to the Counter-Terrorism Act 2008 notification requirements is not recorded, and the conviction alone does not settle Category 4.")
		c.need("/terrorism/ctaNotification", "whether the person is subject to the Counter-Terrorism Act 2008 Part 4 notification requirements (ask the police)")
	}
}

func (c *classifier) cat4Basis(rule, ptr string, end endInfo, lead string) {
	if !c.addBasis(Basis{Category: Category4, Rule: rule, Until: end.End, Pointer: ptr}) {
		c.say(rule, Category4, end.pointer, "%s, but the %s ended on %s, so this no longer makes the person Category 4.", lead, end.what, long(end.Date))
		return
	}
	c.say(rule, Category4, ptr, "%s, so they are Category 4 (terrorist and terrorism-risk offenders) until %s.", lead, untilPhrase(end.End))
	if end.missing != "" {
		c.need(end.pointer, end.missing)
	}
}
