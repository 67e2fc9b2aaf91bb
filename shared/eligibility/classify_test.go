package eligibility

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

var today = civil.New(2026, time.November, 23)

// facts decodes a JSON body strictly, as the API does.
func facts(t testing.TB, body string) Facts {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	var f Facts
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("facts do not decode: %v\n%s", err, body)
	}
	return f
}

type want struct {
	outcome   Outcome
	primary   Category
	code      CategoryCode
	cats      []Category // every basis category, primary first
	until     string     // "2029-05-31", "indefinite", "while-order", ...
	rules     []string   // rules that must be cited
	notRules  []string   // rules that must not be cited
	missing   []string   // pointers that must be missing
	human     bool
	endSource EndSource
}

type classifyCase struct {
	name  string
	facts string
	want  want
}

// adult is a date of birth that makes the person an adult on every date used.
const adult = `"dateOfBirth":"1980-06-15",`

var classifyCases = []classifyCase{
	// ---- the worked examples in docs/domain.md
	{"example 1: s.18, 4 years, licence ends 2029-05-31: Category 2 until then",
		`{` + adult + `"offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2025-05-01"}],
		 "sentence":{"type":"imprisonment","lengthMonths":48},"dates":{"licenceEndDate":"2029-05-31"},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, code: "M2", cats: []Category{2}, until: "2029-05-31", endSource: FromFacts,
			rules: []string{"OUTCOME-ELIGIBLE", "CAT2-CUSTODY", "CAT1-NOT-SUBJECT"}, notRules: []string{"CAT3-NOT-RAISED"}}},
	{"example 2: s.47, 9 months: not eligible, Category 3 only if the RA judges so",
		`{` + adult + `"offences":[{"statute":"Offences against the Person Act 1861 s.47","disposal":"conviction","date":"2026-02-01"}],
		 "sentence":{"type":"imprisonment","lengthMonths":9}}`,
		want{outcome: NotEligible, code: "X9", rules: []string{"OUTCOME-NOT-ELIGIBLE", "CAT2-UNDER-12-MONTHS", "CAT3-NOT-RAISED", "CAT1-NO-SCHEDULE3"}}},
	{"example 2 with the RA's Category 3 judgements: Category 3",
		`{` + adult + `"offences":[{"statute":"OAPA 1861 s.47","disposal":"conviction","date":"2026-02-01"}],
		 "sentence":{"type":"imprisonment","lengthMonths":9},
		 "category3":{"seriousHarmCapability":"yes","currentRiskOfSeriousHarm":"yes","needsLevel2Or3Management":"yes"}}`,
		want{outcome: Eligible, primary: 3, code: "M3", cats: []Category{3}, until: "ra-decides", rules: []string{"CAT3-MET", "CAT2-UNDER-12-MONTHS"}}},
	{"example 3: sexual assault, adult, cautioned 2026-01-15, notification: Category 1 until 2028-01-14",
		`{` + adult + `"offences":[{"code":"SOA2003-S3","disposal":"caution","date":"2026-01-15"}],"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, code: "M1", cats: []Category{1}, until: "2028-01-14", endSource: Computed,
			rules: []string{"CAT1-NOTIFICATION", "CAT1-PERIOD-COMPUTED", "CAT2-CAUTION"}, notRules: []string{"CAT1-PERIOD-HALVED", "CAT1-PERIOD-POLICE"}}},
	{"example 3 as the police say: their end date wins",
		`{` + adult + `"offences":[{"code":"SOA2003-S3","disposal":"caution","date":"2026-01-15"}],"notification":{"status":"yes","endDate":"2028-02-01"}}`,
		want{outcome: Eligible, primary: 1, cats: []Category{1}, until: "2028-02-01", endSource: FromPolice,
			rules: []string{"CAT1-NOTIFICATION", "CAT1-PERIOD-POLICE"}, notRules: []string{"CAT1-PERIOD-COMPUTED"}}},
	{"example 3 without the notification status: the police must say (conditional Schedule 3 offence)",
		`{` + adult + `"offences":[{"code":"SOA2003-S3","disposal":"caution","date":"2026-01-15"}]}`,
		want{outcome: CannotDecide, rules: []string{"OUTCOME-CANNOT-DECIDE", "CAT1-ASK-POLICE"}, missing: []string{"/notification/status"}}},
	{"example 4: age 16, robbery, DTO of 8 months: not eligible",
		`{"dateOfBirth":"2009-03-01","offences":[{"description":"Robbery","disposal":"conviction","date":"2025-09-01"}],
		 "sentence":{"type":"dto","lengthMonths":8}}`,
		want{outcome: NotEligible, code: "X9", rules: []string{"CAT2-UNDER-12-MONTHS"}}},
	{"example 4 with a DTO of 12 months: Category 2",
		`{"dateOfBirth":"2009-03-01","offences":[{"description":"Robbery","disposal":"conviction","date":"2026-01-05"}],
		 "sentence":{"type":"dto","lengthMonths":12},"dates":{"orderEndDate":"2027-01-04"}}`,
		want{outcome: Eligible, primary: 2, cats: []Category{2}, until: "2027-01-04", rules: []string{"CAT2-DTO"}}},
	{"example 5: manslaughter, hospital order without restriction: Category 2 while the order lasts",
		`{` + adult + `"offences":[{"code":"MANSLAUGHTER","disposal":"conviction","date":"2024-03-01"}],"sentence":{"type":"hospital-order"}}`,
		want{outcome: Eligible, primary: 2, cats: []Category{2}, until: "while-order", rules: []string{"CAT2-HOSPITAL", "CAT2-END-UNKNOWN", "OUTCOME-INCOMPLETE"},
			missing: []string{"/dates/orderEndDate"}}},
	{"hospital order with a restriction order: Category 2 too",
		`{` + adult + `"offences":[{"code":"MANSLAUGHTER","disposal":"conviction","date":"2024-03-01"}],"sentence":{"type":"hospital-order","restrictionOrder":true}}`,
		want{outcome: Eligible, primary: 2, until: "while-order", rules: []string{"CAT2-HOSPITAL"}}},

	// ---- Category 2 thresholds and misses
	{"12 months exactly qualifies",
		`{` + adult + `"offences":[{"code":"OAPA1861-S20","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"dates":{"licenceEndDate":"2027-01-09"}}`,
		want{outcome: Eligible, primary: 2, until: "2027-01-09", rules: []string{"CAT2-CUSTODY"}}},
	{"11 months does not",
		`{` + adult + `"offences":[{"code":"OAPA1861-S20","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":11}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-UNDER-12-MONTHS"}, notRules: []string{"CAT2-CUSTODY"}}},
	{"52 weeks is under 12 months",
		`{` + adult + `"offences":[{"code":"OAPA1861-S20","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthWeeks":52}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-UNDER-12-MONTHS"}}},
	{"365 days without a sentence date is too close to call",
		`{` + adult + `"offences":[{"code":"OAPA1861-S20","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthDays":365}}`,
		want{outcome: CannotDecide, rules: []string{"CAT2-SENTENCE-MISSING"}, missing: []string{"/dates/sentenceDate"}}},
	{"365 days from 1 March 2025 is 12 months",
		`{` + adult + `"offences":[{"code":"OAPA1861-S20","disposal":"conviction","date":"2025-03-01"}],"sentence":{"type":"imprisonment","lengthDays":365},"dates":{"sentenceDate":"2025-03-01","licenceEndDate":"2027-02-28"}}`,
		want{outcome: Eligible, primary: 2, rules: []string{"CAT2-CUSTODY"}}},
	{"a missing sentence length: cannot decide",
		`{` + adult + `"offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment"}}`,
		want{outcome: CannotDecide, rules: []string{"CAT2-SENTENCE-MISSING"}, missing: []string{"/sentence/lengthMonths"}}},
	{"a missing sentence: cannot decide",
		`{` + adult + `"offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2026-01-10"}]}`,
		want{outcome: CannotDecide, rules: []string{"CAT2-SENTENCE-MISSING"}, missing: []string{"/sentence"}}},
	{"murder, life imprisonment: Category 2 indefinitely",
		`{` + adult + `"offences":[{"code":"MURDER","disposal":"conviction","date":"2010-01-10"}],"sentence":{"type":"imprisonment","life":true}}`,
		want{outcome: Eligible, primary: 2, until: "indefinite", rules: []string{"CAT2-LIFE"}}},
	{"murder under 18: detention at His Majesty's pleasure",
		`{"dateOfBirth":"1996-01-01","offences":[{"description":"murder","disposal":"conviction","date":"2013-01-10"}],"sentence":{"type":"hmp-detention"}}`,
		want{outcome: Eligible, primary: 2, until: "indefinite", rules: []string{"CAT2-LIFE"}}},
	{"custody for life",
		`{"dateOfBirth":"1992-01-01","offences":[{"code":"MURDER","disposal":"conviction","date":"2012-01-10"}],"sentence":{"type":"custody-for-life"}}`,
		want{outcome: Eligible, primary: 2, until: "indefinite", rules: []string{"CAT2-LIFE"}}},
	{"IPP: indefinite until the licence is ended",
		`{` + adult + `"offences":[{"code":"TA1968-S8","disposal":"conviction","date":"2008-01-10"}],"sentence":{"type":"ipp","lengthMonths":24}}`,
		want{outcome: Eligible, primary: 2, until: "indefinite", rules: []string{"CAT2-LIFE"}}},
	{"extended sentence",
		`{` + adult + `"offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2022-01-10"}],"sentence":{"type":"extended","lengthMonths":72},
		  "dates":{"licenceEndDate":"2034-01-09"},"notification":{"status":"yes","indefinite":true}}`,
		want{outcome: Eligible, primary: 1, cats: []Category{1, 2}, until: "indefinite", rules: []string{"CAT2-EXTENDED", "CAT1-NOTIFICATION", "MULTI-PRIMARY"}}},
	{"attempted murder (as an attempt recorded on murder) is specified",
		`{` + adult + `"offences":[{"code":"MURDER","inchoate":"attempt","disposal":"conviction","date":"2024-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":120},"dates":{"licenceEndDate":"2034-01-09"}}`,
		want{outcome: Eligible, primary: 2, rules: []string{"CAT2-CUSTODY"}}},
	{"encouraging or assisting murder: specified by Sch 15 para 65 as amended, no person needed",
		`{` + adult + `"offences":[{"code":"MURDER","inchoate":"encouraging-or-assisting","disposal":"conviction","date":"2024-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":60},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, until: "while-licence", rules: []string{"CAT2-INCHOATE-MURDER", "CAT2-CUSTODY"}}},
	{"suspended sentence of 12 months for a specified offence: Category 2 while the order lasts",
		`{` + adult + `"offences":[{"code":"OAPA1861-S47","disposal":"conviction","date":"2026-06-01"}],"sentence":{"type":"imprisonment","lengthMonths":12,"suspended":true},"dates":{"orderEndDate":"2028-06-01"}}`,
		want{outcome: Eligible, primary: 2, until: "2028-06-01", rules: []string{"CAT2-SUSPENDED"}}},
	{"suspended sentence of 6 months: under 12 months",
		`{` + adult + `"offences":[{"code":"OAPA1861-S47","disposal":"conviction","date":"2026-06-01"}],"sentence":{"type":"imprisonment","lengthMonths":6,"suspended":true}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-UNDER-12-MONTHS"}}},
	{"youth rehabilitation order does not qualify",
		`{"dateOfBirth":"2010-01-01","offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"youth-rehabilitation-order","lengthMonths":24}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-NON-CUSTODIAL"}}},
	{"community order does not qualify",
		`{` + adult + `"offences":[{"code":"POA1986-S3","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"community-order","lengthMonths":18}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-NON-CUSTODIAL"}}},
	{"guardianship order qualifies",
		`{` + adult + `"offences":[{"code":"OAPA1861-S20","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"guardianship-order"},"dates":{"orderEndDate":"2027-01-09"}}`,
		want{outcome: Eligible, primary: 2, until: "2027-01-09", rules: []string{"CAT2-GUARDIANSHIP"}}},
	{"a caution for a violent offence is not Category 2",
		`{` + adult + `"offences":[{"code":"OAPA1861-S47","disposal":"caution","date":"2026-01-10"}]}`,
		want{outcome: NotEligible, rules: []string{"CAT2-CAUTION", "CAT3-NOT-RAISED"}}},
	{"an offence that is not specified is not Category 2",
		`{` + adult + `"offences":[{"description":"theft","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":24}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-NOT-SPECIFIED", "CAT1-NO-SCHEDULE3"}}},
	{"a conviction abroad is not Category 2",
		`{` + adult + `"offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2026-01-10","outsideEnglandAndWales":true}],"sentence":{"type":"imprisonment","lengthMonths":48}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-OUTSIDE-EW"}, notRules: []string{"CAT2-CUSTODY"}}},
	{"not guilty by insanity with a hospital order: Category 2",
		`{` + adult + `"offences":[{"code":"OAPA1861-S18","disposal":"not-guilty-insanity","date":"2025-01-10"}],"sentence":{"type":"hospital-order","restrictionOrder":true}}`,
		want{outcome: Eligible, primary: 2, until: "while-order", rules: []string{"CAT2-FINDING-ORDER"}}},
	{"unfit to plead, did the act, absolute discharge: not Category 2",
		`{` + adult + `"offences":[{"code":"OAPA1861-S18","disposal":"unfit-to-plead-did-the-act","date":"2025-01-10"}],"sentence":{"type":"absolute-discharge"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-FINDING-NO-ORDER"}}},
	{"the licence has ended: no longer Category 2",
		`{` + adult + `"offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2019-05-01"}],"sentence":{"type":"imprisonment","lengthMonths":48},"dates":{"licenceEndDate":"2023-05-31"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-ENDED"}, notRules: []string{"CAT2-CUSTODY"}}},
	{"a licence without an end date: Category 2 while it lasts",
		`{` + adult + `"offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2025-05-01"}],"sentence":{"type":"imprisonment","lengthMonths":48}}`,
		want{outcome: Eligible, primary: 2, until: "while-licence", rules: []string{"CAT2-CUSTODY", "CAT2-END-UNKNOWN"}, missing: []string{"/dates/licenceEndDate"}}},
	{"disqualification from working with children is recorded but is not a route",
		`{` + adult + `"offences":[{"code":"OAPA1861-S47","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":6},"disqualifiedFromWorkingWithChildren":true}`,
		want{outcome: NotEligible, rules: []string{"DWC-NOT-A-ROUTE", "CAT2-UNDER-12-MONTHS"}}},

	// ---- Category 1 and notification periods
	{"rape, status unknown: notification by law (no Schedule 3 condition)",
		`{` + adult + `"offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":96},"dates":{"licenceEndDate":"2033-01-09"}}`,
		want{outcome: Eligible, primary: 1, cats: []Category{1, 2}, until: "indefinite", rules: []string{"CAT1-SCHEDULE3-ALWAYS", "CAT1-PERIOD-COMPUTED", "CAT2-CUSTODY", "MULTI-PRIMARY"}}},
	{"police say not subject, even for a rape conviction: Category 2 only",
		`{` + adult + `"offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":96},"dates":{"licenceEndDate":"2033-01-09"},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, cats: []Category{2}, rules: []string{"CAT1-NOT-SUBJECT", "CAT2-CUSTODY"}, notRules: []string{"CAT1-SCHEDULE3-ALWAYS"}}},
	{"notification expired: not eligible",
		`{` + adult + `"offences":[{"code":"SOA2003-S3","disposal":"caution","date":"2023-01-10"}],"notification":{"status":"yes"}}`,
		want{outcome: NotEligible, rules: []string{"CAT1-ENDED", "CAT1-PERIOD-COMPUTED"}, notRules: []string{"CAT1-NOTIFICATION"}}},
	{"notification expired on the police's date",
		`{` + adult + `"offences":[{"code":"SOA2003-S3","disposal":"caution","date":"2023-01-10"}],"notification":{"status":"yes","endDate":"2026-11-22"}}`,
		want{outcome: NotEligible, rules: []string{"CAT1-ENDED", "CAT1-PERIOD-POLICE"}}},
	{"notification ending today still applies today",
		`{` + adult + `"offences":[{"code":"SOA2003-S3","disposal":"caution","date":"2023-01-10"}],"notification":{"status":"yes","endDate":"2026-11-23"}}`,
		want{outcome: Eligible, primary: 1, until: "2026-11-23", rules: []string{"CAT1-NOTIFICATION"}}},
	{"caution at 16: the 2 years are halved",
		`{"dateOfBirth":"2009-06-01","offences":[{"code":"SOA2003-S3","disposal":"caution","date":"2026-01-15"}],"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, until: "2027-01-14", rules: []string{"CAT1-PERIOD-HALVED"}}},
	{"30 months' imprisonment: indefinite notification",
		`{` + adult + `"offences":[{"code":"SOA2003-S3","disposal":"conviction","date":"2025-01-10","victimUnder18":"yes"}],"sentence":{"type":"imprisonment","lengthMonths":30},"notification":{"status":"yes"},"dates":{"licenceEndDate":"2027-07-09"}}`,
		want{outcome: Eligible, primary: 1, cats: []Category{1, 2}, until: "indefinite"}},
	{"29 months' imprisonment: 10 years",
		`{` + adult + `"offences":[{"code":"SOA2003-S3","disposal":"conviction","date":"2025-01-10","victimUnder18":"yes"}],"sentence":{"type":"imprisonment","lengthMonths":29},"notification":{"status":"yes"},"dates":{"licenceEndDate":"2027-06-09"}}`,
		want{outcome: Eligible, primary: 1, until: "2035-01-09"}},
	{"7 months' imprisonment: 10 years; at 17 halved to 5 (SOA s.82(1)-(2))",
		`{"dateOfBirth":"2008-02-01","offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"s250-detention","lengthMonths":7},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, until: "2030-01-09", rules: []string{"CAT1-PERIOD-HALVED", "CAT2-UNDER-12-MONTHS"}}},
	{"law-check 5: DTO of 14 months at 17: the detention part (7 months) is over 6, so 10 years halved to 5 (SOA s.131(a))",
		`{"dateOfBirth":"2008-02-01","offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"dto","lengthMonths":14},"dates":{"orderEndDate":"2026-03-09"},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, cats: []Category{1}, until: "2030-01-09", rules: []string{"CAT1-PERIOD-DTO", "CAT1-PERIOD-HALVED", "CAT2-ENDED"}}},
	{"law-check 5: DTO of 12 months at 17: detention of 6 months is not over 6, so 7 years halved to 3 years 6 months, not 5 (SOA s.131(a))",
		`{"dateOfBirth":"2008-02-01","offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"dto","lengthMonths":12},"dates":{"orderEndDate":"2026-01-09"},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, cats: []Category{1}, until: "2028-07-09", rules: []string{"CAT1-PERIOD-DTO", "CAT1-PERIOD-HALVED"}}},
	{"extended sentence: custodial term 24 months and extension period 6 months is a term of 30 months, so indefinite (SOA ss.82, 131; Sentencing Act 2020 s.279)",
		`{` + adult + `"offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"extended","lengthMonths":24,"extensionMonths":6},"dates":{"licenceEndDate":"2030-01-09"},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, cats: []Category{1, 2}, until: "indefinite", rules: []string{"CAT1-PERIOD-EXTENDED"}}},
	{"extended sentence: custodial term 24 months and extension period 5 months is 29 months, so 10 years (narrow miss)",
		`{` + adult + `"offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"extended","lengthMonths":24,"extensionMonths":5},"dates":{"licenceEndDate":"2029-12-09"},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, cats: []Category{1, 2}, until: "2035-01-09", rules: []string{"CAT1-PERIOD-EXTENDED"}}},
	{"extended sentence without its extension period: the whole term is not known, so the notification end is asked for",
		`{` + adult + `"offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"extended","lengthMonths":24},"dates":{"licenceEndDate":"2030-01-09"},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, missing: []string{"/sentence/extensionMonths"}}},
	{"extended sentence with a custodial term of 30 months: indefinite whatever the extension period",
		`{` + adult + `"offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"extended","lengthMonths":30},"dates":{"licenceEndDate":"2031-01-09"},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, cats: []Category{1, 2}, until: "indefinite", notRules: []string{"CAT1-PERIOD-EXTENDED"}}},
	{"6 months: 7 years",
		`{` + adult + `"offences":[{"code":"SOA2003-S3","disposal":"conviction","date":"2025-01-10","victimUnder18":"yes"}],"sentence":{"type":"imprisonment","lengthMonths":6},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, until: "2032-01-09"}},
	{"community order: 5 years, halved to 2 years 6 months at 17",
		`{"dateOfBirth":"2008-02-01","offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"youth-rehabilitation-order","lengthMonths":12},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, until: "2027-07-09"}},
	{"hospital order without restriction: 7 years (and Category 2)",
		`{` + adult + `"offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"hospital-order"},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, cats: []Category{1, 2}, until: "while-order"}},
	{"conditional discharge: its own length, not halved",
		`{"dateOfBirth":"2009-02-01","offences":[{"code":"SOA2003-S66","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"conditional-discharge","lengthMonths":18},"dates":{"sentenceDate":"2026-01-10"},"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, until: "2027-07-09", notRules: []string{"CAT1-PERIOD-HALVED"}}},
	{"notification without a date of birth: the end is unknown",
		`{"offences":[{"code":"SOA2003-S3","disposal":"caution","date":"2026-01-15"}],"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, until: "while-notification", rules: []string{"CAT1-PERIOD-UNKNOWN", "OUTCOME-INCOMPLETE"},
			missing: []string{"/dateOfBirth", "/notification/endDate"}}},
	{"age at conviction instead of the date of birth",
		`{"ageAtConviction":15,"offences":[{"code":"SOA2003-S3","disposal":"caution","date":"2026-01-15"}],"notification":{"status":"yes"}}`,
		want{outcome: Eligible, primary: 1, until: "2027-01-14"}},
	{"indefinite notification from the police",
		`{"offences":[{"code":"SOA2003-S1","disposal":"conviction","date":"2010-01-15"}],"sentence":{"type":"imprisonment","lengthMonths":84},"dates":{"licenceEndDate":"2017-01-14"},"notification":{"status":"yes","indefinite":true}}`,
		want{outcome: Eligible, primary: 1, cats: []Category{1}, until: "indefinite", endSource: FromPolice, rules: []string{"CAT1-PERIOD-POLICE", "CAT2-ENDED"}}},

	// ---- unknown offences
	{"an offence the list does not know: cannot decide, naming it",
		`{` + adult + `"offences":[{"description":"Cruelty to a goldfish","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":24}}`,
		want{outcome: CannotDecide, rules: []string{"OFFENCE-UNKNOWN"}, missing: []string{"/offences/0/code"}}},
	{"a reference that matches two offences: cannot decide",
		`{` + adult + `"offences":[{"statute":"Theft Act 1968 s.9","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":24}}`,
		want{outcome: CannotDecide, rules: []string{"OFFENCE-UNKNOWN"}, missing: []string{"/offences/0/code"}}},
	{"an unknown code: cannot decide",
		`{` + adult + `"offences":[{"code":"OAPA1861-S99","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":24}}`,
		want{outcome: CannotDecide, rules: []string{"OFFENCE-UNKNOWN"}, missing: []string{"/offences/0/code"}}},

	// ---- Category 3
	{"Category 3 judgement not yet recorded: cannot decide",
		`{` + adult + `"offences":[{"code":"OAPA1861-S47","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":9},
		 "category3":{"seriousHarmCapability":"yes","currentRiskOfSeriousHarm":"yes","needsLevel2Or3Management":"not-yet-recorded"}}`,
		want{outcome: CannotDecide, rules: []string{"CAT3-NOT-RECORDED"}, missing: []string{"/category3/needsLevel2Or3Management"}}},
	{"Category 3 judged not met",
		`{` + adult + `"offences":[{"code":"OAPA1861-S47","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":9},
		 "category3":{"seriousHarmCapability":"yes","currentRiskOfSeriousHarm":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT3-NOT-MET"}, notRules: []string{"CAT3-NOT-RECORDED"}}},
	{"no offence at all: not MAPPA",
		`{"category3":{"seriousHarmCapability":"yes","currentRiskOfSeriousHarm":"yes","needsLevel2Or3Management":"yes"}}`,
		want{outcome: NotEligible, rules: []string{"CAT3-NO-OFFENCE"}, notRules: []string{"CAT3-MET"}}},
	{"Category 3 is residual: not considered for a Category 2 person",
		`{` + adult + `"offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2025-05-01"}],"sentence":{"type":"imprisonment","lengthMonths":48},"dates":{"licenceEndDate":"2029-05-31"},
		 "category3":{"seriousHarmCapability":"yes","currentRiskOfSeriousHarm":"yes","needsLevel2Or3Management":"yes"}}`,
		want{outcome: Eligible, primary: 2, cats: []Category{2}, rules: []string{"CAT3-RESIDUAL"}, notRules: []string{"CAT3-MET"}}},

	// ---- Category 4
	{"CTA 2008 notification: Category 4",
		`{` + adult + `"offences":[{"code":"TACT2006-S2","disposal":"conviction","date":"2020-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":96},"dates":{"licenceEndDate":"2028-01-09"},
		 "terrorism":{"ctaNotification":"yes","ctaNotificationEndDate":"2050-01-09"}}`,
		want{outcome: Eligible, primary: 4, code: "M4", cats: []Category{4, 4}, until: "2050-01-09", rules: []string{"CAT4-CTA-NOTIFICATION", "CAT4-TERRORISM-CUSTODY", "CAT4-CT-ARRANGEMENTS"}}},
	{"terrorism offence with 12 months' custody: Category 4",
		`{` + adult + `"offences":[{"code":"TACT2000-S58","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"dates":{"licenceEndDate":"2027-01-09"}}`,
		want{outcome: Eligible, primary: 4, cats: []Category{4}, until: "2027-01-09", rules: []string{"CAT4-TERRORISM-CUSTODY"}}},
	{"terrorism offence with 11 months: not Category 4",
		`{` + adult + `"offences":[{"code":"TACT2000-S58","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":11}}`,
		want{outcome: NotEligible, rules: []string{"CAT4-TERRORISM-UNDER-12-MONTHS"}}},
	{"two categories at once: Category 2 and 4 goes to a person",
		`{` + adult + `"offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2025-05-01"}],"sentence":{"type":"imprisonment","lengthMonths":60},"dates":{"licenceEndDate":"2030-05-01"},
		 "terrorism":{"terroristConnection":true}}`,
		want{outcome: Eligible, primary: 2, cats: []Category{2, 4}, human: true, rules: []string{"MULTI-2-AND-4", "MULTI-PRIMARY", "CAT4-TERRORISM-CUSTODY", "CAT2-CUSTODY"}}},
	{"RA considers at risk of terrorism, with an offence: Category 4",
		`{` + adult + `"offences":[{"code":"CJA1988-S39","disposal":"caution","date":"2024-01-10"}],"terrorism":{"raConsidersAtRisk":"yes"}}`,
		want{outcome: Eligible, primary: 4, until: "ra-decides", rules: []string{"CAT4-RISK"}}},
	{"RA considers at risk of terrorism, no offence: not eligible",
		`{"terrorism":{"raConsidersAtRisk":"yes"}}`,
		want{outcome: NotEligible, rules: []string{"CAT4-RISK-NO-OFFENCE", "CAT3-NO-OFFENCE"}}},
	{"RA's terrorism judgement not yet recorded: cannot decide",
		`{` + adult + `"offences":[{"code":"CJA1988-S39","disposal":"caution","date":"2024-01-10"}],"terrorism":{"raConsidersAtRisk":"not-yet-recorded"}}`,
		want{outcome: CannotDecide, rules: []string{"CAT4-RISK-NOT-RECORDED"}, missing: []string{"/terrorism/raConsidersAtRisk"}}},
	{"CTA notification ended",
		`{` + adult + `"offences":[{"code":"TACT2006-S5","disposal":"conviction","date":"2010-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":24},"dates":{"licenceEndDate":"2012-01-09"},
		 "terrorism":{"ctaNotification":"yes","ctaNotificationEndDate":"2020-01-09"}}`,
		want{outcome: NotEligible, rules: []string{"CAT4-CTA-ENDED"}}},

	// ---- input problems
	{"contradictory facts: no decision",
		`{"offences":[{"code":"SOA2003-S3","disposal":"caution","date":"2026-01-15"}],"sentence":{"type":"imprisonment","lengthMonths":-3}}`,
		want{outcome: CannotDecide, rules: []string{"INPUT-INVALID"}, missing: []string{"/sentence", "/sentence/lengthMonths"}}},
}

func TestClassify(t *testing.T) {
	for _, tc := range classifyCases {
		t.Run(tc.name, func(t *testing.T) {
			f := facts(t, tc.facts)
			r := Classify(f, today)
			checkResult(t, r, tc.want)
			if t.Failed() {
				b, _ := json.MarshalIndent(r, "", "  ")
				t.Logf("result:\n%s", b)
			}
		})
	}
}

func checkResult(t *testing.T, r Result, w want) {
	t.Helper()
	if r.Outcome != w.outcome {
		t.Errorf("outcome %s, want %s", r.Outcome, w.outcome)
	}
	if r.PrimaryCategory != w.primary {
		t.Errorf("primary %s, want %s", r.PrimaryCategory, w.primary)
	}
	if w.code != "" && r.CategoryCode != w.code {
		t.Errorf("code %q, want %q", r.CategoryCode, w.code)
	}
	switch r.Outcome {
	case Eligible:
		if r.CategoryCode != r.PrimaryCategory.Code() || r.EligibleUntil == nil || len(r.Bases) == 0 {
			t.Errorf("eligible answer incomplete: code %q until %v bases %d", r.CategoryCode, r.EligibleUntil, len(r.Bases))
		}
	case NotEligible:
		if r.CategoryCode != CodeNoCategory || r.EligibleUntil != nil || len(r.Bases) != 0 || len(r.Missing) != 0 {
			t.Errorf("not-eligible answer has code %q, until %v, bases %v, missing %v", r.CategoryCode, r.EligibleUntil, r.Bases, r.Missing)
		}
	case CannotDecide:
		if r.CategoryCode != "" || len(r.Bases) != 0 || (len(r.Missing) == 0 && !r.NeedsHumanDecision) {
			t.Errorf("cannot-decide answer has code %q, bases %v, missing %v", r.CategoryCode, r.Bases, r.Missing)
		}
	}
	if w.cats != nil {
		var got []Category
		for _, b := range r.Bases {
			got = append(got, b.Category)
		}
		if !slices.Equal(got, w.cats) {
			t.Errorf("bases %v, want %v", got, w.cats)
		}
	}
	if w.until != "" {
		got := ""
		if r.EligibleUntil != nil {
			got = string(r.EligibleUntil.Kind)
			if r.EligibleUntil.Kind == EndsOn {
				got = r.EligibleUntil.Date.String()
			}
		}
		if got != w.until {
			t.Errorf("until %q, want %q", got, w.until)
		}
	}
	if w.endSource != "" && (r.EligibleUntil == nil || r.EligibleUntil.Source != w.endSource) {
		t.Errorf("end source %v, want %s", r.EligibleUntil, w.endSource)
	}
	for _, id := range w.rules {
		if !r.HasRule(id) {
			t.Errorf("rule %s not cited", id)
		}
	}
	for _, id := range w.notRules {
		if r.HasRule(id) {
			t.Errorf("rule %s cited", id)
		}
	}
	for _, p := range w.missing {
		if !slices.ContainsFunc(r.Missing, func(m Missing) bool { return m.Pointer == p }) {
			t.Errorf("missing %s not listed (missing: %v)", p, r.Missing)
		}
	}
	if r.NeedsHumanDecision != w.human {
		t.Errorf("needsHumanDecision %v, want %v", r.NeedsHumanDecision, w.human)
	}
	if len(r.Reasons) == 0 || !strings.HasPrefix(r.Reasons[0].Rule, "OUTCOME-") && r.Reasons[0].Rule != "INPUT-INVALID" {
		t.Errorf("the first reason is not the outcome: %v", r.Reasons)
	}
	for _, x := range r.Reasons {
		if _, ok := RuleByID(x.Rule); !ok {
			t.Errorf("reason cites unknown rule %q", x.Rule)
		}
		if x.Sentence == "" || x.Source == "" {
			t.Errorf("reason %s lacks a sentence or source", x.Rule)
		}
		if strings.Contains(x.Sentence, "%!") {
			t.Errorf("reason %s has a formatting error: %s", x.Rule, x.Sentence)
		}
	}
	for _, m := range r.Missing {
		if !strings.HasPrefix(m.Pointer, "/") || m.Fact == "" {
			t.Errorf("missing fact %+v has no pointer or words", m)
		}
	}
}

// TestEveryRuleFires checks that the cases above (and the level cases)
// cite every rule at least once.
func TestEveryRuleFires(t *testing.T) {
	cited := map[string]bool{}
	for _, tc := range classifyCases {
		f := facts(t, tc.facts)
		r := Classify(f, today)
		for _, x := range r.Reasons {
			cited[x.Rule] = true
		}
	}
	for _, x := range asOfReasons(t) {
		cited[x.Rule] = true
	}
	for _, tc := range levelCases {
		f := facts(t, tc.facts)
		s := SuggestLevel(f, Classify(f, today))
		for _, x := range s.Reasons {
			cited[x.Rule] = true
		}
	}
	for _, r := range Rules {
		if !cited[r.ID] {
			t.Errorf("no test case fires rule %s", r.ID)
		}
	}
}

func TestResultJSON(t *testing.T) {
	f := facts(t, classifyCases[0].facts)
	b, err := json.Marshal(Classify(f, today))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"outcome":"eligible"`, `"primaryCategory":2`, `"categoryCode":"M2"`,
		`"until":{"kind":"date","date":"2029-05-31","source":"facts"}`, `"missing":[]`, `"decidedOn":"2026-11-23"`} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("result JSON lacks %s:\n%s", s, b)
		}
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil || back.PrimaryCategory != Category2 {
		t.Errorf("result does not read back: %v", err)
	}
}

func TestClassifyNeverPanicsOnGoValues(t *testing.T) {
	big := 1 << 40
	neg := -5
	cases := []Facts{
		{},
		{Offences: []Offence{{}}},
		{Offences: []Offence{{Code: "MURDER", Disposal: "bogus"}}, Sentence: &Sentence{Type: "bogus", LengthMonths: &big}},
		{Offences: []Offence{{Code: "MURDER", Disposal: Conviction}}, Sentence: &Sentence{Type: Imprisonment, LengthDays: &neg}},
		{Notification: Notification{Status: "maybe"}},
		{Category3: &Category3Judgements{SeriousHarmCapability: "perhaps"}},
	}
	for i, f := range cases {
		r := Classify(f, today)
		if r.Outcome == "" {
			t.Errorf("case %d: no outcome", i)
		}
		_ = SuggestLevel(f, r)
	}
}
