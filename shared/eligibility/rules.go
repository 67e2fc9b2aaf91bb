package eligibility

// Rule is one rule the engine applies, as docs/rules.md lists it.
type Rule struct {
	ID string `json:"id"`
	// Summary is the rule in one plain sentence.
	Summary string `json:"summary"`
	// Source is the law or guidance it comes from.
	Source string `json:"source"`
	// Policy marks a product decision where no source decides.
	Policy bool `json:"policy,omitempty"`
}

// Source strings used by several rules.
const (
	srcCategories   = "Criminal Justice Act 2003 ss.325-327, as amended by the Police, Crime, Sentencing and Courts Act 2022"
	srcNotification = "Sexual Offences Act 2003 Part 2 (s.80) and Schedule 3; CJA 2003 s.327(2)"
	srcPeriods      = "Sexual Offences Act 2003 s.82"
	srcCat2         = "CJA 2003 s.327(3)-(4), (4A) and Schedule 15"
	srcCat3         = "CJA 2003 s.325(2)(b); MAPPA Guidance (Category 3); S2"
	srcCat4         = "CJA 2003 s.325(2)(c) and s.327(4B)-(4G) as amended by PCSC Act 2022 (Category 4); Counter-Terrorism Act 2008 Part 4"
	srcCTA45        = "CJA 2003 s.327(4D)-(4G); Counter-Terrorism Act 2008 s.45(1)-(3)"
	srcPre1997      = "Sexual Offences Act 2003 s.81(3)-(5)"
	srcLevels       = "MAPPA Guidance (levels of management); S1, S2, S4"
	srcPolicy       = "Product policy (no national rule found)"
)

// Rules lists every rule the engine can cite, in the order of docs/rules.md.
var Rules = []Rule{
	{"OUTCOME-ELIGIBLE", "At least one category applies today, so the person is a MAPPA offender.", srcCategories, false},
	{"OUTCOME-NOT-ELIGIBLE", "No category applies today, so the person is not a MAPPA offender.", srcCategories, false},
	{"OUTCOME-CANNOT-DECIDE", "No category applies on the facts given, but missing facts could make one apply: the engine says what is missing and does not guess.", srcPolicy, true},
	{"OUTCOME-INCOMPLETE", "A category applies, but missing facts could change the category or its end date.", srcPolicy, true},
	{"INPUT-INVALID", "The facts contradict each other or are out of range, so no decision is made until they are corrected.", srcPolicy, true},
	{"OFFENCE-UNKNOWN", "An offence the offence list does not know (or that matches several) cannot be placed in Schedule 15 or Schedule 3; it is a missing fact only where a rule turns on which offence it is.", "CJA 2003 Schedule 15; SOA 2003 Schedule 3", false},
	{"OFFENCE-UNKNOWN-NOT-NEEDED", "An unknown offence does not hold the Category 2 answer when it was a caution, was dealt with outside England and Wales, or its sentence cannot qualify whatever the offence.", "CJA 2003 s.327(3)-(4)", false},
	{"OFFENCE-SECTION-RESOLVED", "A bare section that stands for several listed subsections or variants is tried as each; where every reading gives the same answer, the answer does not wait for which it is.", srcPolicy + "; CJA 2003 Schedule 15; SOA 2003 Schedule 3", true},
	{"OFFENCE-ABROAD", "A conviction or caution outside the United Kingdom needs only its description and country: it counts for Category 3 and the terrorism-risk limb of Category 4, not for Category 2.", "CJA 2003 s.325(2)(b) (\"wherever committed\"); s.327(3)", false},
	{"AS-OF-LATER-OFFENCE", "An offence dated after the date the answer is for is left out: the answer is as the facts stood on that date.", srcPolicy, true},
	{"CHILDREN-PPRC", "When the answer is not eligible but a Schedule 15 offence, an offence against a child or contact with children is recorded, the answer names the Persons Posing a Risk to Children route and asks the front door to consider child protection procedures.", "S4 (risk to children); Working Together to Safeguard Children", false},
	{"SUSPENDED-CONFIRM", "A suspended sentence is a sentence of imprisonment, so it counts for Categories 2 and 4 alike; the responsible authority should confirm.", "Sentencing Act 2020 s.286(2) (formerly CJA 2003 s.189); product policy (ask the RA to confirm)", true},
	{"MULTI-PRIMARY", "When several categories apply, every basis is kept with its own end date; the primary category is 1, else 2, else 4, else 3.", srcPolicy, true},
	{"MULTI-2-AND-4", "A person who is both Category 2 and Category 4 goes to a person to decide how they are managed.", srcPolicy, true},

	{"CAT1-NOTIFICATION", "A person subject to the Sexual Offences Act 2003 notification requirements is Category 1 while the notification period lasts (this includes people cautioned).", srcNotification, false},
	{"CAT1-SCHEDULE3-ALWAYS", "A conviction, finding or caution for a Schedule 3 offence that has no age or sentence condition brings notification by law, so the person is treated as subject to it; the police confirm.", "Sexual Offences Act 2003 s.80 and Schedule 3", false},
	{"CAT1-ABSOLUTE-DISCHARGE", "A conviction with an absolute discharge is not a conviction for Part 2, so it brings no notification; only a conditional discharge counts.", "Sexual Offences Act 2003 s.134(1); Sentencing Act 2020 s.82 (formerly PCC(S)A 2000 s.14(1))", false},
	{"CAT1-PRE-1997", "A caution before 1 September 1997 never brings notification; a conviction or finding before that day does only if on that day the person had not been dealt with, or was serving the sentence, supervised, or detained in hospital or under guardianship for it.", srcPre1997, false},
	{"CAT1-PRE-1997-UNKNOWN", "For a conviction or finding before 1 September 1997, whether the person was still being dealt with, serving, supervised or detained for it on that day is a missing fact.", srcPre1997, false},
	{"CAT1-ASK-POLICE", "A Schedule 3 offence whose notification depends on ages or the sentence: whether notification applies is a missing fact for the police to supply.", "Sexual Offences Act 2003 Schedule 3", false},
	{"CAT1-NOT-SUBJECT", "The police say the person is not subject to notification, so Category 1 does not apply.", srcNotification, false},
	{"CAT1-NO-SCHEDULE3", "None of the offences given is in Schedule 3 and notification is not recorded, so Category 1 does not apply.", srcNotification, false},
	{"CAT1-ENDED", "The notification period has ended, so Category 1 no longer applies.", srcPeriods, false},
	{"CAT1-PERIOD-POLICE", "The end of the notification period is taken from the police; the product's own computation is only a fallback.", srcPeriods + "; domain rules", true},
	{"CAT1-PERIOD-COMPUTED", "The notification period runs from the date of conviction, finding or caution: indefinite for 30 months' imprisonment or more, life, IPP or a hospital order with restrictions; 10 years for more than 6 and under 30 months; 7 years for 6 months or less or a hospital order without restrictions; 5 years for other sentences; 2 years for a caution; the length of a conditional discharge.", srcPeriods + "(1)", false},
	{"CAT1-PERIOD-HALVED", "The 10, 7, 5 and 2 year periods are halved for a person under 18 on the date of conviction, finding or caution.", srcPeriods + "(2)", false},
	{"CAT1-PERIOD-EXTENDED", "For an extended sentence the term compared with the thresholds is the whole term: the custodial term and the extension period together.", "Sexual Offences Act 2003 ss.82 and 131; Sentencing Act 2020 ss.254, 266 and 279", false},
	{"CAT1-PERIOD-DTO", "For a detention and training order the period follows the detention the person is liable to serve under it: half the order.", "Sexual Offences Act 2003 s.131(a)", false},
	{"CAT1-PERIOD-FROM-SENTENCE", "Where Schedule 3 lists the offence subject to a sentencing condition and that condition is the one met, the person counts as convicted at sentence, so the period runs from the sentence date.", "Sexual Offences Act 2003 s.132(1)-(3)", false},
	{"CAT1-PERIOD-CONSECUTIVE", "Consecutive terms for two or more Schedule 3 offences are treated, for each offence, as one term of their total.", srcPeriods + "(3)-(4)", false},
	{"CAT1-PERIOD-UNKNOWN", "The notification period cannot be worked out from the facts given; the end date is a missing fact.", srcPeriods, false},

	{"CAT2-CUSTODY", "Murder or a Schedule 15 offence with imprisonment, detention in a young offender institution or s.250 detention of 12 months or more makes the person Category 2 until the licence ends.", srcCat2, false},
	{"CAT2-LIFE", "Murder or a Schedule 15 offence with a life sentence, custody for life, detention at His Majesty's pleasure or IPP makes the person Category 2 for as long as the licence lasts (for life, unless an IPP licence is ended).", srcCat2, false},
	{"CAT2-EXTENDED", "Murder or a Schedule 15 offence with an extended sentence makes the person Category 2 until the extended licence ends.", srcCat2, false},
	{"CAT2-DTO", "Murder or a Schedule 15 offence with a detention and training order of 12 months or more makes the person Category 2 until the order ends.", srcCat2, false},
	{"CAT2-SUSPENDED", "A suspended sentence of 12 months or more is a sentence of imprisonment in law, so with a Schedule 15 offence it makes the person Category 2; as there is no licence, eligibility is taken to last while the suspended sentence order lasts.", srcCat2 + "; CJA 2003 s.189(6) (now in the Sentencing Act 2020); product policy on the end date", true},
	{"CAT2-HOSPITAL", "Murder or a Schedule 15 offence with a hospital order, with or without a restriction order, makes the person Category 2 while the order lasts (S3 is wrong to require a restriction order).", srcCat2, false},
	{"CAT2-GUARDIANSHIP", "Murder or a Schedule 15 offence with a guardianship order makes the person Category 2 while the order lasts.", srcCat2, false},
	{"CAT2-FINDING-ORDER", "A finding of not guilty by reason of insanity, or of having done the act while unfit to plead, for murder or a Schedule 15 offence, with a hospital or guardianship order, makes the person Category 2 while the order lasts.", "CJA 2003 s.327(4)", false},
	{"CAT2-FINDING-NO-ORDER", "A finding of insanity or disability without a hospital or guardianship order does not make the person Category 2.", "CJA 2003 s.327(4)", false},
	{"CAT2-UNDER-12-MONTHS", "Custody or a detention and training order under 12 months does not qualify for Category 2 (12 months exactly does).", srcCat2, false},
	{"CAT2-NON-CUSTODIAL", "Youth rehabilitation orders, referral orders, community orders, fines and discharges do not qualify for Category 2.", srcCat2, false},
	{"CAT2-CAUTION", "A caution is not a conviction, so it cannot make the person Category 2.", srcCat2, false},
	{"CAT2-NOT-SPECIFIED", "An offence that is neither murder, nor in Schedule 15 Part 1 or Part 2, nor in s.327(4A) cannot make the person Category 2.", srcCat2, false},
	{"CAT2-4A-NOT-CHILD", "Trafficking (AI(TC)A 2004 s.4) and supplying a Class A drug (MDA 1971 s.4(3)) are specified only where committed against a child; against an adult they cannot make the person Category 2.", "CJA 2003 s.327(4A)(b)-(c) and (6)", false},
	{"CAT2-4A-NOT-YET-IN-FORCE", "An offence specified by an s.327(4A) paragraph inserted later is not specified before that paragraph came into force: controlling or coercive behaviour (Serious Crime Act 2015 s.76, s.327(4A)(ca)) from 3 February 2025.", "CJA 2003 s.327(4A)(ca), inserted by the Victims and Prisoners Act 2024 s.65 (in force 3 February 2025, S.I. 2025/95 reg.3(c))", false},
	{"CAT2-4A-CHILD-UNKNOWN", "For an s.327(4A)(b) or (c) offence, whether it was committed against a child (under 18) is a missing fact.", "CJA 2003 s.327(4A)(b)-(c) and (6)", false},
	{"CAT2-OUTSIDE-EW", "Category 2 needs a conviction or finding by a court in England and Wales; an offence elsewhere can count for Category 3 or 4.", "CJA 2003 s.327(3)-(4)", false},
	{"CAT2-SENTENCE-MISSING", "Whether Category 2 applies depends on the sentence, which is missing or incomplete.", srcCat2, false},
	{"CAT2-ENDED", "The licence or order has ended, so Category 2 no longer applies.", "CJA 2003 s.327(3)-(4); MAPPA Guidance", false},
	{"CAT2-END-UNKNOWN", "Category 2 lasts while the licence or order lasts; its end date was not given.", "CJA 2003 s.327(3)-(4); MAPPA Guidance", false},
	{"CAT2-INCHOATE-MURDER", "Encouraging or assisting murder (Serious Crime Act 2007 Part 2, the intended offence murder) is a specified violent offence.", "CJA 2003 Schedule 15 Part 1 para 65 as amended", false},
	{"DWC-NOT-A-ROUTE", "A disqualification from working with children has not been a route into Category 2 since December 2012, when the subsection was repealed; S0 and S3 are out of date.", "CJA 2003 s.327 as amended (route repealed December 2012)", false},

	{"CAT3-MET", "A person whom, by reason of offences committed by them (wherever committed), the responsible authority considers may cause serious harm to the public, and whose risk needs level 2 or 3 management, is Category 3 until the RA decides that management is no longer needed.", srcCat3, false},
	{"CAT3-GUIDANCE-TESTS", "The guidance's capability and link tests are recorded when given; they are part of the responsible authority's judgement and never hold the answer.", srcCat3, false},
	{"CAT3-PREVIOUS-MAPPA", "Previous MAPPA management (category, level, when it ended) is recorded: S3 names it as a route into Category 3 once statutory requirements have ended.", "S3; CJA 2003 s.325(2)(b)", false},
	{"CAT3-NOT-MET", "The responsible authority has judged that at least one Category 3 condition is not met.", srcCat3, false},
	{"CAT3-NOT-RECORDED", "A Category 3 judgement the responsible authority has not yet recorded is a missing fact.", srcCat3, false},
	{"CAT3-NOT-RAISED", "The responsible authority has not raised Category 3, so it does not apply; it could if the RA judged the person needs level 2 or 3 management.", srcCat3 + "; product policy (absent judgements mean not raised)", true},
	{"CAT3-NO-OFFENCE", "Without a caution or conviction (anywhere) the person cannot be a MAPPA offender; other child-protection routes apply.", "CJA 2003 s.325(2)(b); S2", false},
	{"CAT3-RESIDUAL", "Category 3 is only for people who are not Category 1, 2 or 4 (\"other persons\"), so it is not considered.", srcCat3, false},

	{"CAT4-CTA-NOTIFICATION", "A person subject to the Counter-Terrorism Act 2008 Part 4 notification requirements is Category 4 while the notification lasts.", srcCat4, false},
	{"CAT4-CTA-ENDED", "The Counter-Terrorism Act 2008 notification has ended, so it no longer makes the person Category 4.", srcCat4, false},
	{"CAT4-TERRORISM-CUSTODY", "A conviction in England and Wales, Scotland or Northern Ireland for a relevant terrorist offence (Schedule 19ZA Parts 1-2, or an offence found to have a terrorist connection) with a custodial sentence of 12 months or more, for life or indeterminate, makes the person Category 4 while the licence lasts.", srcCTA45, false},
	{"CAT4-HOSPITAL", "A conviction, finding of insanity or finding of disability for a relevant terrorist offence with a hospital or guardianship order, in any part of the UK, makes the person Category 4 while the order lasts.", srcCTA45 + "; CJA 2003 s.327(4E)(b)", false},
	{"CAT4-TERRORISM-UNDER-12-MONTHS", "A terrorism conviction without a custodial sentence of 12 months or more, a life or indeterminate sentence, or a hospital or guardianship order does not by itself make the person Category 4.", srcCTA45, false},
	{"CAT4-ABROAD", "A terrorism conviction outside the United Kingdom makes the person Category 4 only through a Counter-Terrorism Act notification order, which the police record as notification.", "CJA 2003 s.327(4C)-(4D); Counter-Terrorism Act 2008 Schedule 6", false},
	{"CAT4-PLACE-UNKNOWN", "Where a terrorism conviction outside England and Wales was (Scotland, Northern Ireland or elsewhere) is a missing fact.", srcCTA45, false},
	{"CAT4-CTA-UNKNOWN", "Where a terrorism conviction does not settle Category 4 and the Counter-Terrorism Act notification is not recorded, the notification is a missing fact.", srcCat4, false},
	{"CAT4-RISK", "A person who has committed an offence (any, anywhere) whom the responsible authority considers at risk of involvement in terrorism-related activity is Category 4 until the RA decides otherwise.", srcCat4, false},
	{"CAT4-RISK-NO-OFFENCE", "Without an offence a person at risk of involvement in terrorism is not a MAPPA offender.", srcCat4, false},
	{"CAT4-RISK-NOT-RECORDED", "The responsible authority's judgement about terrorism risk is not yet recorded: a missing fact.", srcCat4, false},
	{"CAT4-CT-ARRANGEMENTS", "Most Category 4 people are managed under counter-terrorism MAPPA arrangements; the lead agency decides.", "MAPPA Guidance (terrorism); domain rules", false},

	{"LEVEL-NONE", "No level is suggested for a person who is not, or not yet known to be, a MAPPA offender.", srcLevels, false},
	{"LEVEL-CONFIRM", "The level is suggested, never set: a person confirms it, and every change keeps who, when and why.", "MAPPA Guidance (the RA sets the level); S2", false},
	{"LEVEL1-ORDINARY", "Without the level 2 criteria the person is managed at level 1 by the lead agency; information is still shared, and children's social care is invited only where a child is open.", srcLevels, false},
	{"LEVEL2-HIGH-RISK", "Level 2 when meetings would add value and the risk of serious harm is high or very high.", srcLevels, false},
	{"LEVEL2-EXCEPTIONAL", "Level 2, exceptionally, when meetings would add value and a lower risk still needs co-ordinated agencies.", srcLevels, false},
	{"LEVEL2-STEP-DOWN", "Level 2 when meetings would add value and the person is stepping down from level 3.", srcLevels, false},
	{"LEVEL3-SENIOR", "Level 3 when the level 2 criteria are met and senior representation is needed: significant resources at short notice, or media scrutiny or public interest.", srcLevels, false},
	{"LEVEL3-NEEDS-LEVEL2", "Senior representation alone does not make level 3: the level 2 criteria must be met first.", srcLevels, false},
	{"LEVEL3-MEDIA-MEDIUM-RISK", "Level 3 at medium risk when meetings would add value and media scrutiny or public interest needs senior oversight to maintain public confidence.", "MAPPA Guidance (level 3 example: not high or very high risk, but media scrutiny or public interest)", false},
	{"LEVEL-CAT3-NOT-1", "Category 3 is never managed at level 1: if level 2 or 3 management is not needed, the person is no longer Category 3.", srcCat3, false},
	{"LEVEL-CAT4-CT", "For Category 4 the lead agency decides whether counter-terrorism arrangements manage the person.", "MAPPA Guidance (terrorism); domain rules", false},
	{"LEVEL-MISSING", "A fact the level depends on is not recorded, so no level is suggested until it is.", srcPolicy, true},
}

var ruleIndex = func() map[string]Rule {
	m := map[string]Rule{}
	for _, r := range Rules {
		m[r.ID] = r
	}
	return m
}()

// RuleByID returns the rule with id.
func RuleByID(id string) (Rule, bool) { r, ok := ruleIndex[id]; return r, ok }

// Reason explains one step of a decision.
type Reason struct {
	// Rule is the rule's id (see Rules and docs/rules.md).
	Rule string `json:"rule"`
	// Sentence says what the rule found, in plain English.
	Sentence string `json:"sentence"`
	// Source is the law or guidance behind the rule.
	Source string `json:"source"`
	// Category is the category the reason is about, if any.
	Category Category `json:"category,omitempty"`
	// Pointer is the JSON pointer of the fact it is about, if any.
	Pointer string `json:"pointer,omitempty"`
}

func newReason(id string, cat Category, pointer, sentence string) Reason {
	r, ok := ruleIndex[id]
	if !ok {
		// A programming error; the tests check every id. Keep the answer
		// usable rather than failing a request.
		r.Source = "unknown rule"
	}
	return Reason{Rule: id, Sentence: sentence, Source: r.Source, Category: cat, Pointer: pointer}
}
