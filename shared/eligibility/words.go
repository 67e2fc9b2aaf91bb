package eligibility

import (
	"fmt"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

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
	case Imprisonment, YOIDetention, SeriousOffenceDetention, Extended, DTO, JuvenileJusticeCentre:
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
	LifelongRestriction:     "order for lifelong restriction",
	IndeterminateCustodial:  "indeterminate custodial sentence",
	JuvenileJusticeCentre:   "juvenile justice centre order",
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
	case s.Type == CustodyForLife || s.Type == HMPDetention || s.Type == PublicProtection || s.Type == LifelongRestriction || s.Type == IndeterminateCustodial:
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
