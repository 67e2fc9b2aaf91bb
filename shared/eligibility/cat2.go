package eligibility

import (
	"fmt"

	"github.com/mappa-coordinator/mappa/shared/validation"
)

// ---- Category 2: violent and other sexual offenders (CJA 2003
// s.327(3)-(4))

// couldQualifyCat2 reports whether offence i's disposal and sentence could
// make anyone Category 2, whichever offence it is: a conviction or finding
// in England and Wales, with a sentence that is missing, incomplete or of a
// qualifying kind and length. Where it could not, which offence it is does
// not matter for Category 2.
func (c *classifier) couldQualifyCat2(i int) bool {
	o := c.f.Offences[i]
	if o.Disposal == Caution || !o.inEnglandAndWales() {
		return false
	}
	s := c.sentenceFor(i)
	if s == nil {
		return true
	}
	if o.Disposal.IsFinding() {
		return s.Type == HospitalOrder || s.Type == GuardianshipOrder
	}
	switch s.Type {
	case HospitalOrder, GuardianshipOrder, Extended, PublicProtection, CustodyForLife, HMPDetention:
		return true
	case Imprisonment, YOIDetention, SeriousOffenceDetention, DTO:
		if s.isLife() {
			return true
		}
		t, has := s.Term()
		if !has {
			return true
		}
		yes, decided := c.atLeast(t, 12, c.sentenceDate(i))
		return yes || !decided
	}
	return false
}

func (c *classifier) category2() {
	for _, i := range c.active() {
		o := c.f.Offences[i]
		ptr := validation.Pointer("offences", i)
		info, known := c.info(i)
		if !known {
			if c.couldQualifyCat2(i) {
				c.unknownMatters(i, Category2)
			} else if o.place() != Elsewhere {
				c.say("OFFENCE-UNKNOWN-NOT-NEEDED", Category2, ptr,
					"Which offence %q is does not matter for Category 2: it was a caution, was dealt with outside England and Wales, or its sentence cannot qualify whatever the offence.", c.offences[i].given)
			}
			continue
		}
		if h := info.Schedule15Omitted; !info.Specified() && h != nil {
			// CTBSA 2019 Sch.4 para 9(2) omitted the Part 1 paragraph and
			// s.9(5) listed the offence in Part 3, which s.327(3)(a) and
			// (4)(a) ("Part 1 or 2 of Schedule 15") do not name.
			s := "%s was CJA 2003 Schedule 15 Part %d para %s from %s (%s), but that paragraph was omitted from %s (%s); it is now in Schedule 15 Part 3 (specified terrorism offences) para %s, and s.327(3)(a) and (4)(a) name only Parts 1 and 2, so it cannot make the person Category 2."
			if info.Terrorism {
				s += " It is considered under Category 4."
			}
			c.say("CAT2-NOT-SPECIFIED", Category2, ptr, s, capitalise(c.offenceName(i)), h.Part, h.Paragraph, long(h.insertedDate()), h.InsertedBy, long(h.omittedDate()), h.OmittedBy, h.NowPart3Paragraph)
			continue
		}
		if !info.Specified() && info.Terrorism {
			c.say("CAT2-NOT-SPECIFIED", Category2, ptr,
				"%s is a terrorism offence: the product considers it under Category 4, not Category 2.", capitalise(c.offenceName(i)))
			continue
		}
		if !info.Specified() {
			c.say("CAT2-NOT-SPECIFIED", Category2, ptr,
				"%s is not murder, not in Schedule 15 and not in s.327(4A), so it cannot make the person Category 2.", capitalise(c.offenceName(i)))
			continue
		}
		if info.S327_4ANotYetInForce(c.today) {
			c.say("CAT2-4A-NOT-YET-IN-FORCE", Category2, ptr,
				"%s is specified by CJA 2003 s.327(4A)(%s) only from %s, so on %s it cannot make the person Category 2.", capitalise(c.offenceName(i)), info.S327_4A, info.S327_4AInForce, c.today)
			continue
		}
		if info.ChildVictimRequired {
			switch o.VictimUnder18 {
			case Yes:
			case No:
				c.say("CAT2-4A-NOT-CHILD", Category2, ptr+"/victimUnder18",
					"%s is specified by CJA 2003 s.327(4A)(%s) only where it was committed against a child, and it was not, so it cannot make the person Category 2.", capitalise(c.offenceName(i)), info.S327_4A)
				continue
			default:
				if c.couldQualifyCat2(i) {
					c.undecided[Category2] = true
					c.say("CAT2-4A-CHILD-UNKNOWN", Category2, ptr+"/victimUnder18",
						"%s is specified by CJA 2003 s.327(4A)(%s) only where it was committed against a child (under 18); whether it was is not recorded.", capitalise(c.offenceName(i)), info.S327_4A)
					c.need(ptr+"/victimUnder18", "whether "+c.offenceName(i)+" was committed against a child (under 18)")
				}
				continue
			}
		}
		what := c.specifiedAs(i, info)
		switch {
		case o.Disposal == Caution:
			c.say("CAT2-CAUTION", Category2, ptr, "%s was dealt with by a caution, not a conviction, so it cannot make the person Category 2.", capitalise(c.offenceName(i)))
			continue
		case !o.inEnglandAndWales():
			c.say("CAT2-OUTSIDE-EW", Category2, ptr, "%s was dealt with outside England and Wales, so it cannot make the person Category 2 (it can count for Category 3 or 4).", capitalise(c.offenceName(i)))
			continue
		case info.Murder && o.Inchoate == EncouragingAssisting:
			c.say("CAT2-INCHOATE-MURDER", Category2, ptr+"/inchoate",
				"Encouraging or assisting murder is an offence under Part 2 of the Serious Crime Act 2007 where the offence intended is murder, which Schedule 15 Part 1 para 65 as amended specifies, so it counts as a specified violent offence.")
		}
		s := c.sentenceFor(i)
		sptr := c.sentencePtr(i)
		if s == nil {
			c.undecided[Category2] = true
			c.need("/sentence", "the sentence or order made")
			c.say("CAT2-SENTENCE-MISSING", Category2, "/sentence", "%s, %s, has no sentence given, so it is not known whether Category 2 applies.", capitalise(c.offenceName(i)), what)
			continue
		}
		if o.Disposal.IsFinding() {
			if s.Type == HospitalOrder || s.Type == GuardianshipOrder {
				c.cat2Basis("CAT2-FINDING-ORDER", ptr, c.orderEnd(), nil,
					fmt.Sprintf("The person was found %s for %s, %s, and made subject to a %s", findingWords(o.Disposal), c.offenceName(i), what, s.Type.words()))
			} else {
				c.say("CAT2-FINDING-NO-ORDER", Category2, ptr, "The person was found %s for %s, but no hospital or guardianship order was made, so Category 2 does not apply.", findingWords(o.Disposal), c.offenceName(i))
			}
			continue
		}
		c.cat2Sentence(i, ptr, sptr, what, s)
	}
}

// specifiedAs says how offence i is specified: "murder", "a specified
// violent offence (CJA 2003 Schedule 15 Part 1)"...
func (c *classifier) specifiedAs(i int, info OffenceInfo) string {
	o := c.f.Offences[i]
	if info.Murder && (o.Inchoate == Attempt || o.Inchoate == Conspiracy) {
		return "a specified violent offence (CJA 2003 Schedule 15 Part 1 specifies an attempt or conspiracy to murder)"
	}
	if info.Murder && o.Inchoate == EncouragingAssisting {
		return "a specified violent offence (CJA 2003 Schedule 15 Part 1 para 65: a Serious Crime Act 2007 Part 2 offence where the offence intended is murder)"
	}
	if info.Murder {
		return "which CJA 2003 s.327(3)(a) names"
	}
	if info.Schedule15 == nil {
		return fmt.Sprintf("an offence specified by CJA 2003 s.327(4A)(%s)", info.S327_4A)
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

func (c *classifier) cat2Sentence(i int, ptr, sptr, what string, s *Sentence) {
	lead := fmt.Sprintf("The person was convicted of %s, %s, and sentenced to %s", c.offenceName(i), what, s.describe())
	switch s.Type {
	case HospitalOrder:
		c.cat2Basis("CAT2-HOSPITAL", ptr, c.orderEnd(), nil, lead)
		return
	case GuardianshipOrder:
		c.cat2Basis("CAT2-GUARDIANSHIP", ptr, c.orderEnd(), nil, lead)
		return
	case Extended:
		c.cat2Basis("CAT2-EXTENDED", ptr, c.licenceEnd(), nil, lead)
		return
	case PublicProtection:
		c.cat2Basis("CAT2-LIFE", ptr, c.ippEnd(), nil, lead)
		return
	case Imprisonment, YOIDetention, SeriousOffenceDetention, CustodyForLife, HMPDetention, DTO:
	default:
		c.say("CAT2-NON-CUSTODIAL", Category2, sptr+"/type", "%s. That sentence does not qualify for Category 2 (only custody or a detention and training order of 12 months or more, or a hospital or guardianship order, do).", lead)
		return
	}
	if s.isLife() {
		c.cat2Basis("CAT2-LIFE", ptr, endInfo{End: End{Kind: Indefinite}, what: "licence", pointer: "/dates/licenceEndDate"}, nil, lead)
		return
	}
	qualifies, decided := c.atLeast12Months(i, s)
	if !decided {
		c.undecided[Category2] = true
		c.say("CAT2-SENTENCE-MISSING", Category2, sptr, "%s; whether it is 12 months or more is not known, so it is not known whether Category 2 applies.", lead)
		return
	}
	if !qualifies {
		c.say("CAT2-UNDER-12-MONTHS", Category2, sptr, "%s, which is under 12 months, so Category 2 does not apply.", lead)
		return
	}
	switch {
	case s.Suspended:
		confirm := newReason("SUSPENDED-CONFIRM", Category2, sptr+"/suspended",
			"A suspended sentence is a sentence of imprisonment in law (Sentencing Act 2020 s.286(2), formerly CJA 2003 s.189), so it is counted for Category 2 as for Category 4; the responsible authority should confirm.")
		c.cat2Basis("CAT2-SUSPENDED", ptr, c.orderEnd(), &confirm, lead+" (a suspended sentence is a sentence of imprisonment in law)")
	case s.Type == DTO:
		c.cat2Basis("CAT2-DTO", ptr, c.dtoEnd(), nil, lead)
	default:
		c.cat2Basis("CAT2-CUSTODY", ptr, c.licenceEnd(), nil, lead)
	}
}

// atLeast12Months compares offence i's term with 12 months; a missing
// length is a missing fact.
func (c *classifier) atLeast12Months(i int, s *Sentence) (qualifies, decided bool) {
	t, has := s.Term()
	if !has {
		c.need(c.sentencePtr(i)+"/lengthMonths", "the length of the sentence")
		return false, false
	}
	yes, ok := c.atLeast(t, 12, c.sentenceDate(i))
	if !ok {
		c.need(c.sentenceDatePtr(i), "the sentence date: the length given is too close to 12 months to compare without it")
		return false, false
	}
	return yes, true
}

func (c *classifier) cat2Basis(rule, ptr string, end endInfo, confirm *Reason, lead string) {
	if !c.addBasis(Basis{Category: Category2, Rule: rule, Until: end.End, Pointer: ptr}) {
		c.say("CAT2-ENDED", Category2, end.pointer, "%s, but the %s ended on %s, so Category 2 no longer applies.", lead, end.what, long(end.Date))
		return
	}
	c.say(rule, Category2, ptr, "%s, so they are Category 2 (violent and other sexual offenders) until %s.", lead, untilPhrase(end.End))
	if confirm != nil {
		c.reasons = append(c.reasons, *confirm)
	}
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
