package eligibility

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

// randomFacts builds facts from the parts the rules turn on: listed
// offences with any disposal, a sentence of any type and length, the
// notification status, the terrorism facts and the Category 3 judgements.
func randomFacts(r *rand.Rand, codes []string) Facts {
	f := Facts{DateOfBirth: civil.New(1970+r.IntN(40), time.Month(1+r.IntN(12)), 1+r.IntN(28))}
	n := 1 + r.IntN(3)
	for range n {
		o := Offence{Code: codes[r.IntN(len(codes))], Disposal: Disposals[r.IntN(len(Disposals))],
			Date: civil.New(2010+r.IntN(16), time.Month(1+r.IntN(12)), 1+r.IntN(28))}
		if r.IntN(4) == 0 {
			o.Where = Jurisdictions[r.IntN(len(Jurisdictions))]
		}
		o.VictimUnder18 = Answers[r.IntN(len(Answers))]
		f.Offences = append(f.Offences, o)
	}
	if r.IntN(5) > 0 {
		m := 1 + r.IntN(60)
		f.Sentence = &Sentence{Type: SentenceTypes[r.IntN(len(SentenceTypes))], LengthMonths: &m}
	}
	f.Notification.Status = Answers[r.IntN(len(Answers))]
	f.Terrorism.CTANotification = []Answer{"", No, Yes}[r.IntN(3)]
	f.Terrorism.RAConsidersAtRisk = []Judgement{"", JudgedNo, JudgedYes}[r.IntN(3)]
	if r.IntN(2) == 0 {
		f.Category3 = &Category3Judgements{CurrentRiskOfSeriousHarm: Judgements[r.IntN(3)], NeedsLevel2Or3Management: Judgements[r.IntN(3)]}
	}
	if r.IntN(3) == 0 {
		f.Dates.LicenceEndDate = civil.New(2020+r.IntN(15), time.June, 1)
	}
	return f
}

// irrelevantUnknown is an offence the list does not know, dealt with in a
// way no rule can turn on: an absolute discharge, a conviction abroad
// given by description and country, or (where the police have recorded
// the notification status) a caution or a fine.
func irrelevantUnknown(r *rand.Rand, f Facts, date civil.Date) Offence {
	o := Offence{Statute: "Unlisted Offences Act 2031 s.7", Description: "An offence the list does not know", Date: date, Disposal: Conviction}
	recorded := f.Notification.Status == Yes || f.Notification.Status == No
	switch k := r.IntN(4); {
	case k == 1 && recorded:
		o.Disposal = Caution
	case k == 2 && recorded:
		o.Sentence = &Sentence{Type: Fine}
	case k == 3:
		o.Where, o.Country, o.Statute = Elsewhere, "Ruritania", ""
		o.Sentence = &Sentence{Type: Fine}
	default:
		o.Sentence = &Sentence{Type: AbsoluteDischarge}
	}
	return o
}

// TestIrrelevantUnknownOffenceNeverChangesADecidedOutcome is the property
// the issue asks for: for any facts, adding an unknown offence that no
// rule turns on never changes a decided outcome (eligible or not), its
// category or its end.
func TestIrrelevantUnknownOffenceNeverChangesADecidedOutcome(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 2026))
	var codes []string
	for _, o := range Offences().Offences {
		codes = append(codes, o.Code)
	}
	decided := 0
	for range 1500 {
		f := randomFacts(r, codes)
		before := Classify(f, today)
		if before.Outcome == CannotDecide {
			continue
		}
		decided++
		g := f
		g.Offences = append(append([]Offence{}, f.Offences...), irrelevantUnknown(r, f, f.Offences[0].Date))
		after := Classify(g, today)
		if after.HasRule("INPUT-INVALID") {
			// The added offence is dated before the person was 10: not a
			// fact anyone could give.
			continue
		}
		if !sameAnswer(before, after) {
			fb, _ := json.Marshal(g)
			t.Fatalf("adding an irrelevant unknown offence changed %s (category %d) to %s (category %d)\nfacts: %s\nreasons: %+v",
				before.Outcome, before.PrimaryCategory, after.Outcome, after.PrimaryCategory, fb, after.Reasons)
		}
	}
	if decided < 150 {
		t.Fatalf("only %d of the random cases were decided: the generator does not test much", decided)
	}
}
