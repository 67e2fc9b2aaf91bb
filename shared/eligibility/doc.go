// Package eligibility is the MAPPA rules as code: given the facts a referral
// carries, it says whether the person is a MAPPA offender, in which category
// (1 to 4), until when, and why; and it suggests a level of management for a
// person to confirm.
//
// Every answer is explained: each Reason carries a rule id (listed in Rules
// and in docs/rules.md), a sentence a social worker can read, and the legal
// or guidance source. Where a fact the rules need is missing, the answer is
// "cannot decide" with the list of missing facts, each named by the JSON
// pointer of the field that would supply it: the engine never guesses.
//
// Sources: Criminal Justice Act 2003 ss.325-327 as amended by the Police,
// Crime, Sentencing and Courts Act 2022 (four categories), Schedule 15 to
// that Act, the Sexual Offences Act 2003 Part 2 (notification, s.82
// periods) and Schedule 3, the Counter-Terrorism Act 2008, the national
// MAPPA Guidance and the local documents S0-S4 described in docs/domain.md
// (with the worked examples). Where the local documents are out of date,
// current law wins; where no source decides, the choice is marked "product
// policy" here and in docs/rules.md.
//
// The offence list (data/offences.json) is embedded and parsed on first
// use; its paragraphs were read in the statute text (docs/rules.md, "Offence
// list"). An offence it does not know gives "cannot decide" only where a
// rule turns on which offence it is.
//
// The package has no AWS and no HTTP dependencies; shared/eligibilityapi is
// its HTTP edge.
package eligibility
