package eligibility

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

// The law-check cases: for each rule fixed against the statute text, a
// case that fires it and one that narrowly misses, each naming the
// paragraph. They join classifyCases, so TestClassify runs them and
// TestEveryRuleFires counts them.
var lawCases = []classifyCase{
	// 1. CJA 2003 s.327(3)(a) and (4A): offences specified beside Schedule 15.
	{"4A(c): supplying a Class A drug to a child, 3 years: Category 2",
		`{` + adult + `"offences":[{"code":"MDA1971-S4-3-CHILD","disposal":"conviction","date":"2025-01-10","victimUnder18":"yes"}],"sentence":{"type":"imprisonment","lengthMonths":36},"dates":{"licenceEndDate":"2028-01-09"},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, until: "2028-01-09", rules: []string{"CAT2-CUSTODY"}}},
	{"4A(c) narrowly missed: the same supply to an adult is not specified",
		`{` + adult + `"offences":[{"code":"MDA1971-S4-3-CHILD","disposal":"conviction","date":"2025-01-10","victimUnder18":"no"}],"sentence":{"type":"imprisonment","lengthMonths":36},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-4A-NOT-CHILD"}}},
	{"4A(c): whether the drug went to a child is not recorded: cannot decide",
		`{` + adult + `"offences":[{"code":"MDA1971-S4-3-CHILD","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":36},"notification":{"status":"no"}}`,
		want{outcome: CannotDecide, rules: []string{"CAT2-4A-CHILD-UNKNOWN"}, missing: []string{"/offences/0/victimUnder18"}}},
	{"bare 'Misuse of Drugs Act 1971 s.4' to an adult: every reading is not specified, so the answer does not wait",
		`{` + adult + `"offences":[{"statute":"Misuse of Drugs Act 1971 s.4","disposal":"conviction","date":"2025-01-10","victimUnder18":"no"}],"sentence":{"type":"imprisonment","lengthMonths":36},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"OFFENCE-SECTION-RESOLVED"}}},
	{"bare 'Misuse of Drugs Act 1971 s.4' to a child: the readings differ, so which offence is asked",
		`{` + adult + `"offences":[{"statute":"Misuse of Drugs Act 1971 s.4","disposal":"conviction","date":"2025-01-10","victimUnder18":"yes"}],"sentence":{"type":"imprisonment","lengthMonths":36},"notification":{"status":"no"}}`,
		want{outcome: CannotDecide, rules: []string{"OFFENCE-UNKNOWN"}, missing: []string{"/offences/0/code"}}},
	{"bare 'Criminal Damage Act 1971 s.1' with a fine: every subsection gives the same answer",
		`{` + adult + `"offences":[{"statute":"Criminal Damage Act 1971 s.1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"fine"},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"OFFENCE-SECTION-RESOLVED"}}},
	{"4A(a): child abduction by a parent, 12 months: Category 2",
		`{` + adult + `"offences":[{"code":"CAA1984-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"dates":{"licenceEndDate":"2026-12-09"},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, rules: []string{"CAT2-CUSTODY"}}},
	{"4A(a) narrowly missed: 11 months",
		`{` + adult + `"offences":[{"code":"CAA1984-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":11},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-UNDER-12-MONTHS", "CHILDREN-PPRC"}}},

	// CJA 2003 s.327(4A)(ca), inserted by the Victims and Prisoners Act 2024
	// s.65, in force 3 February 2025 (S.I. 2025/95 reg.3(c)).
	{"4A(ca): controlling or coercive behaviour (SCA 2015 s.76), 12 months: Category 2",
		`{` + adult + `"offences":[{"statute":"Serious Crime Act 2015 s.76","disposal":"conviction","date":"2025-06-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"dates":{"licenceEndDate":"2027-06-09"},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, until: "2027-06-09", rules: []string{"CAT2-CUSTODY"}}},
	{"4A(ca) narrowly missed: controlling or coercive behaviour, 11 months",
		`{` + adult + `"offences":[{"code":"SCA2015-S76","disposal":"conviction","date":"2025-06-10"}],"sentence":{"type":"imprisonment","lengthMonths":11},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-UNDER-12-MONTHS"}}},

	// Offences the list lacked (Schedule 15 as amended).
	{"strangulation (SCA 2015 s.75A, Sch 15 para 63FA), 18 months: Category 2",
		`{` + adult + `"offences":[{"statute":"Serious Crime Act 2015 s.75A","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":18},"dates":{"licenceEndDate":"2027-07-09"},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, rules: []string{"CAT2-CUSTODY"}}},
	{"stalking (PHA 1997 s.4A, Sch 15 para 57), 12 months: Category 2",
		`{` + adult + `"offences":[{"code":"PHA1997-S4A","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"dates":{"licenceEndDate":"2027-01-09"},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, rules: []string{"CAT2-CUSTODY"}}},
	{"burglary with intent to rape (Theft Act 1968 s.9, Sch 15 para 97), 3 years: Category 2",
		`{` + adult + `"offences":[{"code":"TA1968-S9-RAPE","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":36},"dates":{"licenceEndDate":"2028-01-09"},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, rules: []string{"CAT2-CUSTODY"}}},

	// 2. CJA 2003 s.327(4D)-(4E); CTA 2008 s.45(1)-(3).
	{"CTA s.45(2): a terrorism conviction in Scotland, 12 months: Category 4",
		`{` + adult + `"offences":[{"code":"TACT2006-S5","disposal":"conviction","date":"2025-01-10","where":"scotland"}],"sentence":{"type":"imprisonment","lengthMonths":12},"dates":{"licenceEndDate":"2027-01-09"}}`,
		want{outcome: Eligible, primary: 4, until: "2027-01-09", rules: []string{"CAT4-TERRORISM-CUSTODY"}}},
	{"CTA s.45(2) narrowly missed: 11 months in Scotland",
		`{` + adult + `"offences":[{"code":"TACT2006-S5","disposal":"conviction","date":"2025-01-10","where":"scotland"}],"sentence":{"type":"imprisonment","lengthMonths":11},"terrorism":{"ctaNotification":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT4-TERRORISM-UNDER-12-MONTHS"}}},
	{"CTA s.45(1)(b): not guilty by insanity of a terrorism offence, hospital order: Category 4",
		`{` + adult + `"offences":[{"code":"TACT2006-S2","disposal":"not-guilty-insanity","date":"2025-01-10"}],"sentence":{"type":"hospital-order"},"dates":{"orderEndDate":"2028-01-09"}}`,
		want{outcome: Eligible, primary: 4, until: "2028-01-09", rules: []string{"CAT4-HOSPITAL"}}},
	{"CTA s.45(1)(b) narrowly missed: the finding ended in an absolute discharge",
		`{` + adult + `"offences":[{"code":"TACT2006-S5","disposal":"not-guilty-insanity","date":"2025-01-10"}],"sentence":{"type":"absolute-discharge"},"terrorism":{"ctaNotification":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT4-TERRORISM-UNDER-12-MONTHS"}}},
	{"terrorism conviction outside England and Wales, place not given: cannot decide",
		`{` + adult + `"offences":[{"code":"TACT2006-S5","disposal":"conviction","date":"2025-01-10","outsideEnglandAndWales":true}],"sentence":{"type":"imprisonment","lengthMonths":24}}`,
		want{outcome: CannotDecide, rules: []string{"CAT4-PLACE-UNKNOWN", "CAT4-CTA-UNKNOWN"}, missing: []string{"/offences/0/where", "/terrorism/ctaNotification"}}},
	{"terrorism conviction abroad, CTA notification recorded as no: not eligible",
		`{` + adult + `"offences":[{"code":"TACT2006-S5","disposal":"conviction","date":"2025-01-10","where":"elsewhere","country":"France"}],"sentence":{"type":"imprisonment","lengthMonths":24},"terrorism":{"ctaNotification":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT4-ABROAD"}, notRules: []string{"CAT4-CTA-UNKNOWN"}}},
	{"suspended sentence of 24 months for a terrorism offence: Category 4, the RA to confirm",
		`{` + adult + `"offences":[{"code":"TACT2006-S2","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":24,"suspended":true},"dates":{"orderEndDate":"2027-01-09"}}`,
		want{outcome: Eligible, primary: 4, until: "2027-01-09", rules: []string{"CAT4-TERRORISM-CUSTODY", "SUSPENDED-CONFIRM"}}},

	// 3. CJA 2003 Schedule 15 Part 2: SOA 1956 ss.12 and 13 are not listed.
	{"SOA 1956 s.12 buggery, 2 years: not Schedule 15, not Category 2",
		`{` + adult + `"offences":[{"code":"SOA1956-S12","disposal":"conviction","date":"2003-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":24},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-NOT-SPECIFIED"}}},
	{"SOA 1956 s.14 indecent assault, 2 years: Schedule 15 Part 2, Category 2",
		`{` + adult + `"offences":[{"code":"SOA1956-S14","disposal":"conviction","date":"2003-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":24},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, rules: []string{"CAT2-CUSTODY"}, notRules: []string{"CAT2-NOT-SPECIFIED"}}},

	// 4. SOA 2003 s.81(3)-(5): before 1 September 1997.
	{"rape convicted 1990, clear of it by 1 September 1997: no notification",
		`{"dateOfBirth":"1960-01-01","offences":[{"code":"SOA1956-S1","disposal":"conviction","date":"1990-03-01","subjectOn1September1997":"no"}],"sentence":{"type":"imprisonment","lengthMonths":36},"dates":{"licenceEndDate":"1992-03-01"}}`,
		want{outcome: NotEligible, rules: []string{"CAT1-PRE-1997", "CAT2-ENDED"}, notRules: []string{"CAT1-SCHEDULE3-ALWAYS"}}},
	{"rape convicted 1990, still serving on 1 September 1997: notification, indefinite",
		`{"dateOfBirth":"1960-01-01","offences":[{"code":"SOA1956-S1","disposal":"conviction","date":"1990-03-01","subjectOn1September1997":"yes"}],"sentence":{"type":"imprisonment","lengthMonths":96},"dates":{"licenceEndDate":"1998-03-01"}}`,
		want{outcome: Eligible, primary: 1, until: "indefinite", rules: []string{"CAT1-SCHEDULE3-ALWAYS"}}},
	{"rape convicted 1990, 1997 status not recorded: cannot decide",
		`{"dateOfBirth":"1960-01-01","offences":[{"code":"SOA1956-S1","disposal":"conviction","date":"1990-03-01"}],"sentence":{"type":"imprisonment","lengthMonths":36},"dates":{"licenceEndDate":"1992-03-01"}}`,
		want{outcome: CannotDecide, rules: []string{"CAT1-PRE-1997-UNKNOWN"}, missing: []string{"/offences/0/subjectOn1September1997"}}},
	{"s.81 narrowly missed: convicted on 1 September 1997 itself, notification by law",
		`{"dateOfBirth":"1960-01-01","offences":[{"code":"SOA1956-S1","disposal":"conviction","date":"1997-09-01"}],"sentence":{"type":"imprisonment","lengthMonths":36},"dates":{"licenceEndDate":"1999-09-01"}}`,
		want{outcome: Eligible, primary: 1, until: "indefinite", rules: []string{"CAT1-SCHEDULE3-ALWAYS"}, notRules: []string{"CAT1-PRE-1997-UNKNOWN"}}},

	// 6. SOA 2003 s.134(1): an absolute discharge is not a conviction.
	{"grooming with an absolute discharge: no notification",
		`{` + adult + `"offences":[{"code":"SOA2003-S15","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"absolute-discharge"}}`,
		want{outcome: NotEligible, rules: []string{"CAT1-ABSOLUTE-DISCHARGE", "CHILDREN-PPRC"}}},
	{"s.134 narrowly missed: a conditional discharge of 12 months brings notification for its length",
		`{` + adult + `"offences":[{"code":"SOA2003-S15","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"conditional-discharge","lengthMonths":12}}`,
		want{outcome: Eligible, primary: 1, until: "2027-01-09", rules: []string{"CAT1-SCHEDULE3-ALWAYS", "CAT1-PERIOD-COMPUTED"}}},

	// SOA 2003 s.132(3): the period runs from the sentence.
	{"sexual assault on an adult, 8 months: listed on the sentencing condition, so 10 years from sentence",
		`{` + adult + `"offences":[{"code":"SOA2003-S3","disposal":"conviction","date":"2025-01-10","victimUnder18":"no"}],"sentence":{"type":"imprisonment","lengthMonths":8},"dates":{"sentenceDate":"2025-03-10"},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, until: "2035-03-09", rules: []string{"CAT1-PERIOD-FROM-SENTENCE"}}},
	{"s.132 narrowly missed: the victim was under 18, so the period runs from conviction",
		`{` + adult + `"offences":[{"code":"SOA2003-S3","disposal":"conviction","date":"2025-01-10","victimUnder18":"yes"}],"sentence":{"type":"imprisonment","lengthMonths":8},"dates":{"sentenceDate":"2025-03-10"},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, until: "2035-01-09", notRules: []string{"CAT1-PERIOD-FROM-SENTENCE"}}},

	// SOA 2003 s.82(3)-(4): consecutive terms.
	{"two rapes, 18 and 12 months consecutive: treated as 30 months each, indefinite",
		`{` + adult + `"offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10","sentence":{"type":"imprisonment","lengthMonths":18,"runs":"consecutive"}},
		 {"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10","sentence":{"type":"imprisonment","lengthMonths":12,"runs":"consecutive"}}],"dates":{"licenceEndDate":"2027-07-09"},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, until: "indefinite", rules: []string{"CAT1-PERIOD-CONSECUTIVE"}}},
	{"s.82(3) narrowly missed: the same terms concurrent, 10 years",
		`{` + adult + `"offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10","sentence":{"type":"imprisonment","lengthMonths":18,"runs":"concurrent"}},
		 {"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10","sentence":{"type":"imprisonment","lengthMonths":12,"runs":"concurrent"}}],"dates":{"licenceEndDate":"2026-12-09"},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, until: "2035-01-09", notRules: []string{"CAT1-PERIOD-CONSECUTIVE"}}},

	// CJA 2003 s.325(2)(b): Category 3 as the statute puts it.
	{"Category 3 is residual to Category 4 too",
		`{` + adult + `"offences":[{"code":"TA1968-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"fine"},"notification":{"status":"no"},
		 "terrorism":{"raConsidersAtRisk":"yes"},"category3":{"currentRiskOfSeriousHarm":"yes","needsLevel2Or3Management":"yes"}}`,
		want{outcome: Eligible, primary: 4, cats: []Category{4}, rules: []string{"CAT3-RESIDUAL", "CAT4-RISK"}}},
	{"Category 3: the capability and link tests are recorded, not waited for",
		`{` + adult + `"offences":[{"description":"Grievous bodily harm","country":"Spain","where":"elsewhere","disposal":"conviction","date":"2020-01-10"}],
		 "category3":{"linkToCurrentRisk":"yes","currentRiskOfSeriousHarm":"yes","needsLevel2Or3Management":"yes"},"previousManagement":{"category":2,"level":2,"ended":"2024-01-01"}}`,
		want{outcome: Eligible, primary: 3, rules: []string{"CAT3-MET", "CAT3-GUIDANCE-TESTS", "OFFENCE-ABROAD", "CAT3-PREVIOUS-MAPPA"}, notRules: []string{"OFFENCE-UNKNOWN"}}},
	{"Category 3 narrowly missed: the level 2/3 judgement is not recorded",
		`{` + adult + `"offences":[{"description":"Grievous bodily harm","country":"Spain","where":"elsewhere","disposal":"conviction","date":"2020-01-10"}],
		 "category3":{"seriousHarmCapability":"yes","currentRiskOfSeriousHarm":"yes"}}`,
		want{outcome: CannotDecide, rules: []string{"CAT3-NOT-RECORDED"}, missing: []string{"/category3/needsLevel2Or3Management"}}},

	// An unknown offence blocks only where a rule turns on it.
	{"an unknown offence with a fine does not hold a not-eligible answer",
		`{` + adult + `"offences":[{"code":"OAPA1861-S47","disposal":"conviction","date":"2026-02-01","sentence":{"type":"imprisonment","lengthMonths":9}},
		 {"statute":"Fraud Act 2006 s.1","disposal":"conviction","date":"2026-02-01","sentence":{"type":"fine"}}],"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"OFFENCE-UNKNOWN", "OFFENCE-UNKNOWN-NOT-NEEDED"}}},
	{"an unknown offence with 2 years' custody does hold it",
		`{` + adult + `"offences":[{"statute":"Fraud Act 2006 s.1","disposal":"conviction","date":"2026-02-01","sentence":{"type":"imprisonment","lengthMonths":24}}],"notification":{"status":"no"}}`,
		want{outcome: CannotDecide, missing: []string{"/offences/0/code"}}},

	// S4: not eligible is not the end where children may be at risk.
	{"theft, 9 months, no contact with children: not eligible, no child protection route",
		`{` + adult + `"offences":[{"code":"TA1968-S1","disposal":"conviction","date":"2026-02-01"}],"sentence":{"type":"imprisonment","lengthMonths":9},"notification":{"status":"no"},"contactWithChildren":"no"}`,
		want{outcome: NotEligible, notRules: []string{"CHILDREN-PPRC"}}},
	{"theft, 9 months, contact with children: the Persons Posing a Risk to Children route",
		`{` + adult + `"offences":[{"code":"TA1968-S1","disposal":"conviction","date":"2026-02-01"}],"sentence":{"type":"imprisonment","lengthMonths":9},"notification":{"status":"no"},"contactWithChildren":"yes"}`,
		want{outcome: NotEligible, rules: []string{"CHILDREN-PPRC"}}},
}

// asOfReasons are the reasons of an answer for a past date, for
// TestEveryRuleFires.
func asOfReasons(t *testing.T) []Reason {
	f := facts(t, `{`+adult+`"offences":[{"code":"TA1968-S1","disposal":"conviction","date":"2026-02-01"}],"sentence":{"type":"fine"},"notification":{"status":"no"}}`)
	reasons := ClassifyAsOf(f, civil.New(2026, time.January, 1), today).Reasons
	return append(reasons, ClassifyAsOf(ccbBeforeInForce(t), civil.New(2025, time.February, 2), today).Reasons...)
}

// ccbBeforeInForce is a conviction for controlling or coercive behaviour
// on 10 January 2025 with 18 months' imprisonment.
func ccbBeforeInForce(t *testing.T) Facts {
	return facts(t, `{`+adult+`"offences":[{"code":"SCA2015-S76","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":18},"dates":{"licenceEndDate":"2026-07-09"},"notification":{"status":"no"}}`)
}

// TestS327_4ACaInForce: CJA 2003 s.327(4A)(ca) (Victims and Prisoners Act
// 2024 s.65) came into force on 3 February 2025 (S.I. 2025/95 reg.3(c)).
// The day before, the same conviction is not specified; from that day it
// is Category 2.
func TestS327_4ACaInForce(t *testing.T) {
	f := ccbBeforeInForce(t)
	if r := ClassifyAsOf(f, civil.New(2025, time.February, 2), today); r.Outcome != NotEligible || !r.HasRule("CAT2-4A-NOT-YET-IN-FORCE") {
		b, _ := json.Marshal(r)
		t.Errorf("as of 2 February 2025 (para (ca) not yet in force): %s", b)
	}
	if r := ClassifyAsOf(f, civil.New(2025, time.February, 3), today); r.Outcome != Eligible || r.PrimaryCategory != Category2 || !r.HasRule("CAT2-CUSTODY") {
		b, _ := json.Marshal(r)
		t.Errorf("as of 3 February 2025 (para (ca) in force): %s", b)
	}
}

func init() {
	classifyCases = append(classifyCases, lawCases...)
	levelCases = append(levelCases,
		levelCase{"medium risk with media scrutiny needing senior oversight: level 3", `{` + cat2 + `,"currentRisk":"medium","management":{"meetingsAddValue":"yes","mediaScrutiny":true}}`,
			Level3, []string{"LEVEL3-MEDIA-MEDIUM-RISK"}, nil})
}

// TestAsOf asks about a past date: the answer is as the facts stood then,
// worked out today, and a later offence is left out; the date asked about
// is in the answer.
func TestAsOf(t *testing.T) {
	f := facts(t, `{`+adult+`"offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2025-05-01"}],
		"sentence":{"type":"imprisonment","lengthMonths":48},"dates":{"licenceEndDate":"2026-05-31"},"notification":{"status":"no"}}`)
	past := civil.New(2026, time.January, 5)
	r := ClassifyAsOf(f, past, today)
	if r.Outcome != Eligible || r.AsOf != past || r.DecidedOn != today {
		t.Errorf("as of %s: outcome %s asOf %s decidedOn %s, want eligible (the licence ran until 2026-05-31)", past, r.Outcome, r.AsOf, r.DecidedOn)
	}
	if r := Classify(f, today); r.Outcome != NotEligible || !r.HasRule("CAT2-ENDED") {
		t.Errorf("today: %s, want not eligible (licence ended)", r.Outcome)
	}
	before := ClassifyAsOf(f, civil.New(2025, time.April, 1), today)
	if before.Outcome != NotEligible || !before.HasRule("AS-OF-LATER-OFFENCE") {
		b, _ := json.Marshal(before)
		t.Errorf("before the conviction: %s", b)
	}
}

// TestChildrenFollowUp: the not-eligible answer carries a typed follow-up
// for the front door.
func TestChildrenFollowUp(t *testing.T) {
	f := facts(t, `{`+adult+`"offences":[{"code":"OAPA1861-S47","disposal":"conviction","date":"2026-02-01"}],"sentence":{"type":"imprisonment","lengthMonths":9}}`)
	r := Classify(f, today)
	if r.Outcome != NotEligible || len(r.FollowUps) != 1 || r.FollowUps[0].Kind != ConsiderChildProtection || r.FollowUps[0].Route != "Persons Posing a Risk to Children" {
		t.Fatalf("worked example 2 follow-ups: %+v", r.FollowUps)
	}
}
