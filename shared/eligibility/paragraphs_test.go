package eligibility

// The offence-list cases for the paragraphs read from the statute text
// (docs/rules.md, "Offence list: paragraphs read"): for each new entry a
// rule depends on, a case that fires and one that narrowly misses, each
// naming the paragraph. They join classifyCases, so TestClassify runs them.
var paragraphCases = []classifyCase{
	// SOA 2003 Sch.3 para 24A and CJA 2003 Sch.15 para 116A: s.15A.
	{"Sch.3 para 24A: sexual communication with a child (SOA 2003 s.15A) brings notification by law",
		`{` + adult + `"offences":[{"code":"SOA2003-S15A","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"community-order","lengthMonths":12}}`,
		want{outcome: Eligible, primary: 1, rules: []string{"CAT1-SCHEDULE3-ALWAYS"}}},
	{"Sch.3 para 24A narrowly missed: an absolute discharge is not a conviction for Part 2 (s.134(1))",
		`{` + adult + `"offences":[{"code":"SOA2003-S15A","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"absolute-discharge"}}`,
		want{outcome: NotEligible, rules: []string{"CAT1-ABSOLUTE-DISCHARGE"}, notRules: []string{"CAT1-SCHEDULE3-ALWAYS"}}},
	{"Sch.15 para 116A: SOA 2003 s.15A, 12 months: Category 2",
		`{` + adult + `"offences":[{"statute":"Sexual Offences Act 2003 s.15A","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"dates":{"licenceEndDate":"2027-01-09"},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, rules: []string{"CAT2-CUSTODY"}}},
	{"Sch.15 para 116A narrowly missed: 11 months",
		`{` + adult + `"offences":[{"code":"SOA2003-S15A","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":11},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-UNDER-12-MONTHS"}, notRules: []string{"CAT2-CUSTODY"}}},

	// SOA 2003 Sch.3 paras 33A-33B and CJA 2003 Sch.15 paras 149A-149B.
	{"Sch.3 para 33A: sending a photograph of genitals (s.66A) carries notification only in some cases: ask the police",
		`{` + adult + `"offences":[{"code":"SOA2003-S66A","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"fine"}}`,
		want{outcome: CannotDecide, rules: []string{"CAT1-ASK-POLICE"}, missing: []string{"/notification/status"}}},
	{"Sch.15 para 149B, not Sch.3: s.66B(2), 12 months: Category 2 without asking about notification",
		`{` + adult + `"offences":[{"code":"SOA2003-S66B-2","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"dates":{"licenceEndDate":"2027-01-09"}}`,
		want{outcome: Eligible, primary: 2, rules: []string{"CAT2-CUSTODY", "CAT1-NO-SCHEDULE3"}, notRules: []string{"CAT1-ASK-POLICE"}}},
	{"Sch.15 para 149B narrowly missed: s.66B(1), the base sharing offence, is not specified",
		`{` + adult + `"offences":[{"code":"SOA2003-S66B-1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-NOT-SPECIFIED"}}},
	{"Sch.3 para 33B: s.66B(3), sharing for sexual gratification: ask the police",
		`{` + adult + `"offences":[{"code":"SOA2003-S66B-3","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"fine"}}`,
		want{outcome: CannotDecide, rules: []string{"CAT1-ASK-POLICE"}, missing: []string{"/notification/status"}}},

	// SOA 2003 Sch.3 para 34A: s.67A, in Schedule 3 but not Schedule 15.
	{"Sch.3 para 34A: up-skirting (s.67A) carries notification only in some cases: ask the police",
		`{` + adult + `"offences":[{"code":"SOA2003-S67A","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":6}}`,
		want{outcome: CannotDecide, rules: []string{"CAT1-ASK-POLICE"}, missing: []string{"/notification/status"}}},
	{"Sch.3 para 34A narrowly missed for Category 2: s.67A is not in Schedule 15",
		`{` + adult + `"offences":[{"code":"SOA2003-S67A","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-NOT-SPECIFIED"}}},

	// CJA 2003 Sch.15 Part 1 paras 59A-59D, 60A-60C, 63B-63F: inserted
	// from 12 January 2010 (Coroners and Justice Act 2009 s.138), omitted
	// from 12 April 2019 (Counter-Terrorism and Border Security Act 2019
	// Sch.4 para 9(2)); the offences are now Sch.15 Part 3 paras 154-174
	// (that Act's s.9(5)), and s.327(3)(a) names "Part 1 or 2 of Schedule
	// 15" only. So they found Category 4, not Category 2.
	{"Sch.15 para 63B omitted (CTBSA 2019 Sch.4 para 9(2)): preparation of terrorist acts (TA 2006 s.5), 12 months in England and Wales: Category 4 only, not Category 2",
		`{` + adult + `"offences":[{"code":"TACT2006-S5","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"dates":{"licenceEndDate":"2027-01-09"}}`,
		want{outcome: Eligible, primary: 4, cats: []Category{4}, rules: []string{"CAT2-NOT-SPECIFIED", "CAT4-TERRORISM-CUSTODY"}, notRules: []string{"CAT2-CUSTODY", "MULTI-2-AND-4"}}},
	{"Sch.15 para 63B omitted, narrowly missed for Category 4: 11 months is neither Category 2 nor 4",
		`{` + adult + `"offences":[{"code":"TACT2006-S5","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":11},"terrorism":{"ctaNotification":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-NOT-SPECIFIED", "CAT4-TERRORISM-UNDER-12-MONTHS"}}},
	{"Sch.15 para 59A omitted (CTBSA 2019 Sch.4 para 9(2)): weapons training (TA 2000 s.54), 2 years in England and Wales: Category 4 only",
		`{` + adult + `"offences":[{"code":"TACT2000-S54","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":24},"dates":{"licenceEndDate":"2027-01-09"}}`,
		want{outcome: Eligible, primary: 4, cats: []Category{4}, rules: []string{"CAT2-NOT-SPECIFIED", "CAT4-TERRORISM-CUSTODY"}, notRules: []string{"MULTI-2-AND-4"}}},
	{"Sch.15 para 59A omitted: the same conviction in Scotland is Category 4 only",
		`{` + adult + `"offences":[{"code":"TACT2000-S54","disposal":"conviction","date":"2025-01-10","where":"scotland"}],"sentence":{"type":"imprisonment","lengthMonths":24},"dates":{"licenceEndDate":"2027-01-09"}}`,
		want{outcome: Eligible, primary: 4, cats: []Category{4}, rules: []string{"CAT4-TERRORISM-CUSTODY"}, notRules: []string{"MULTI-2-AND-4"}}},
	{"Sch.15 para 60C omitted (CTBSA 2019 Sch.4 para 9(2)): use of a noxious substance (ATCSA 2001 s.113), 12 months: not Category 2",
		`{` + adult + `"offences":[{"statute":"Anti-terrorism, Crime and Security Act 2001 s.113","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"dates":{"licenceEndDate":"2027-01-09"},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-NOT-SPECIFIED"}, notRules: []string{"CAT2-CUSTODY"}}},
	{"Sch.15 para 60C omitted, but the RA records a terrorism offence: Category 4",
		`{` + adult + `"offences":[{"code":"ATCSA2001-S113","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"dates":{"licenceEndDate":"2027-01-09"},"terrorism":{"terrorismOffence":true}}`,
		want{outcome: Eligible, primary: 4, cats: []Category{4}, rules: []string{"CAT2-NOT-SPECIFIED", "CAT4-TERRORISM-CUSTODY"}}},

	// CJA 2003 Sch.15 paras 63I-63M (Space Industry Act 2018 Sch.12 para 25,
	// in force 29 July 2021).
	{"Sch.15 para 63I: hijacking of spacecraft (Space Industry Act 2018 Sch.4 para 1), 12 months: Category 2",
		`{` + adult + `"offences":[{"code":"SIA2018-SCH4-P1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"dates":{"licenceEndDate":"2026-12-09"},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, rules: []string{"CAT2-CUSTODY"}}},
	{"Sch.15 para 63I narrowly missed: 11 months",
		`{` + adult + `"offences":[{"code":"SIA2018-SCH4-P1","disposal":"conviction","date":"2025-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":11},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-UNDER-12-MONTHS"}, notRules: []string{"CAT2-CUSTODY"}}},

	// CJA 2003 Sch.15 paras 63G-63H and 152A (Modern Slavery Act 2015 s.6).
	{"Sch.15 para 63G: slavery (MSA 2015 s.1), 12 months: Category 2",
		`{` + adult + `"offences":[{"code":"MSA2015-S1","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":12},"dates":{"licenceEndDate":"2027-01-09"},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, rules: []string{"CAT2-CUSTODY"}}},
	{"Sch.15 para 63G narrowly missed: 11 months",
		`{` + adult + `"offences":[{"code":"MSA2015-S1","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":11},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-UNDER-12-MONTHS"}}},
	{"Sch.15 paras 63H and 152A: 'Modern Slavery Act 2015 s.2' is specified either way, so the answer does not wait for which",
		`{` + adult + `"offences":[{"statute":"Modern Slavery Act 2015 s.2","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"imprisonment","lengthMonths":36},"dates":{"licenceEndDate":"2028-01-09"},"notification":{"status":"no"}}`,
		want{outcome: Eligible, primary: 2, rules: []string{"CAT2-CUSTODY"}, notRules: []string{"OFFENCE-UNKNOWN"}}},
	{"Sch.15 para 152A narrowly missed: trafficking for sexual exploitation with a community order",
		`{` + adult + `"offences":[{"code":"MSA2015-S2-SEXUAL","disposal":"conviction","date":"2026-01-10"}],"sentence":{"type":"community-order","lengthMonths":24},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, rules: []string{"CAT2-NON-CUSTODIAL"}}},

	// Scotland (Sch.3 paras 38A-59ZL) and Northern Ireland (paras 92B-92V):
	// where the conviction was matters.
	{"Sch.3 para 59D: rape under the Sexual Offences (Scotland) Act 2009 s.1, convicted in Scotland: notification by law",
		`{` + adult + `"offences":[{"code":"SOSA2009-S1","disposal":"conviction","date":"2024-01-10","where":"scotland"}],"sentence":{"type":"imprisonment","lengthMonths":72}}`,
		want{outcome: Eligible, primary: 1, rules: []string{"CAT1-SCHEDULE3-ALWAYS"}}},
	{"Sch.3 para 59ZJ narrowly missed: consensual conduct between older children (s.37(4)) notifies only on a sentence: ask the police",
		`{` + adult + `"offences":[{"code":"SOSA2009-S37-4","disposal":"conviction","date":"2024-01-10","where":"scotland"}],"sentence":{"type":"fine"}}`,
		want{outcome: CannotDecide, rules: []string{"CAT1-ASK-POLICE"}, notRules: []string{"CAT1-SCHEDULE3-ALWAYS"}, missing: []string{"/notification/status"}}},
	{"Sch.3 para 92B: rape under the Sexual Offences (Northern Ireland) Order 2008 art.5, convicted in Northern Ireland: notification by law",
		`{` + adult + `"offences":[{"code":"SONIO2008-A5","disposal":"conviction","date":"2024-01-10","where":"northern-ireland"}],"sentence":{"type":"imprisonment","lengthMonths":72}}`,
		want{outcome: Eligible, primary: 1, rules: []string{"CAT1-SCHEDULE3-ALWAYS"}}},
	{"Sch.3 para 92C narrowly missed: sexual assault (art.7) notifies only in some cases: ask the police",
		`{` + adult + `"offences":[{"code":"SONIO2008-A7","disposal":"conviction","date":"2024-01-10","where":"northern-ireland"}],"sentence":{"type":"fine"}}`,
		want{outcome: CannotDecide, rules: []string{"CAT1-ASK-POLICE"}, missing: []string{"/notification/status"}}},
	{"Sch.3 para 59D is a Scottish offence: a conviction abroad brings no notification",
		`{` + adult + `"offences":[{"code":"SOSA2009-S1","disposal":"conviction","date":"2024-01-10","where":"elsewhere","country":"France"}],"sentence":{"type":"imprisonment","lengthMonths":72},"notification":{"status":"no"}}`,
		want{outcome: NotEligible, notRules: []string{"CAT1-SCHEDULE3-ALWAYS"}}},
}

func init() { classifyCases = append(classifyCases, paragraphCases...) }
