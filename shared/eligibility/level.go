package eligibility

import (
	"fmt"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/risk"
)

// LevelSuggestion is the suggested level of management with its reasons.
// It is only a suggestion: the responsible authority sets the level and a
// person confirms it in the product, which keeps who, when and why.
type LevelSuggestion struct {
	// Level is 1-3, or 0 when no level is suggested.
	Level Level `json:"level"`
	// LevelCode is the nDelius level code (M0 when no level is suggested).
	LevelCode LevelCode `json:"levelCode"`
	Reasons   []Reason  `json:"reasons"`
	// Missing lists the facts that would let a level be suggested.
	Missing []Missing `json:"missing"`
}

// SuggestLevel suggests a level for the person classified as c: level 3
// when the level 2 criteria are met and senior representation is needed,
// level 2 when meetings would add value and the risk is high or very high
// (or, exceptionally, lower but needing co-ordination, or stepping down
// from level 3), otherwise level 1. Category 3 is never level 1.
func SuggestLevel(f Facts, c Result) LevelSuggestion {
	s := LevelSuggestion{Reasons: []Reason{}, Missing: []Missing{}}
	say := func(id, ptr, format string, args ...any) {
		s.Reasons = append(s.Reasons, newReason(id, NoCategory, ptr, fmt.Sprintf(format, args...)))
	}
	done := func(l Level) LevelSuggestion {
		s.Level, s.LevelCode = l, l.Code()
		if l != NoLevel {
			say("LEVEL-CONFIRM", "", "This is a suggestion: a person confirms the level, and every change keeps who made it, when and why.")
		}
		return s
	}
	if c.Outcome != Eligible {
		say("LEVEL-NONE", "", "No level is suggested because the person is not, or not yet known to be, a MAPPA offender.")
		return done(NoLevel)
	}
	m := f.Management
	cat3 := c.PrimaryCategory == Category3
	if c.Has(Category4) {
		say("LEVEL-CAT4-CT", "", "The person is Category 4: the lead agency decides whether they are managed under counter-terrorism arrangements.")
	}

	// Which level 2 grounds are present?
	var grounds []string
	var rule string
	switch {
	case f.CurrentRisk.AtLeastHigh():
		rule = "LEVEL2-HIGH-RISK"
		grounds = append(grounds, "the risk of serious harm is "+strings.ToLower(f.CurrentRisk.Label()))
	case m.SteppingDownFromLevel3:
		rule = "LEVEL2-STEP-DOWN"
		grounds = append(grounds, "the person is stepping down from level 3")
	case m.ExceptionalCoordination:
		rule = "LEVEL2-EXCEPTIONAL"
		grounds = append(grounds, "the risk is lower but still needs several agencies to co-ordinate")
	}
	var senior []string
	if m.SeniorRepresentation {
		senior = append(senior, "senior representation is needed")
	}
	if m.SignificantResources {
		senior = append(senior, "significant resources may be needed at short notice")
	}
	if m.MediaScrutiny {
		senior = append(senior, "there is media scrutiny or public interest")
	}

	level2 := false
	switch {
	case cat3:
		// The RA's Category 3 judgement is that level 2 or 3 management is
		// needed; the level 2 criteria are met by definition.
		level2 = true
		say("LEVEL-CAT3-NOT-1", "/category3/needsLevel2Or3Management",
			"The person is Category 3, which is never managed at level 1: the responsible authority has judged that level 2 or 3 management is needed.")
	case m.MeetingsAddValue == JudgedYes && len(grounds) > 0:
		level2 = true
		say(rule, "/management/meetingsAddValue", "Multi-agency meetings would add value and %s, so the level 2 criteria are met.", grounds[0])
	case m.MeetingsAddValue == JudgedNo:
	case len(grounds) > 0:
		say("LEVEL-MISSING", "/management/meetingsAddValue", "%s, but whether multi-agency meetings would add value is not recorded, so level 1 or 2 cannot be told apart.", capitalise(grounds[0]))
		s.Missing = append(s.Missing, Missing{"/management/meetingsAddValue", "whether multi-agency meetings would add value"})
		return done(NoLevel)
	case f.CurrentRisk.IsZero():
		say("LEVEL-MISSING", "/currentRisk", "The current risk of serious harm is not recorded, so level 1 or 2 cannot be told apart.")
		s.Missing = append(s.Missing, Missing{"/currentRisk", "the current risk of serious harm (low, medium, high or very high)"})
		return done(NoLevel)
	}

	if !level2 && m.MediaScrutiny && f.CurrentRisk == risk.Medium && m.MeetingsAddValue == JudgedYes {
		say("LEVEL3-MEDIA-MEDIUM-RISK", "/management/mediaScrutiny",
			"The risk of serious harm is medium, not high, but multi-agency meetings would add value and there is, or may be, media scrutiny or public interest needing senior oversight to maintain public confidence, so level 3 is suggested: one head of service attends every level 3 meeting.")
		return done(Level3)
	}
	if level2 && len(senior) > 0 {
		say("LEVEL3-SENIOR", "/management", "The level 2 criteria are met and %s, so level 3 is suggested: one head of service attends every level 3 meeting.", strings.Join(senior, ", and "))
		return done(Level3)
	}
	if level2 {
		// The criteria reason is the last one said; it carries the answer.
		last := &s.Reasons[len(s.Reasons)-1]
		if cat3 && len(grounds) > 0 {
			last.Sentence += " Also, " + grounds[0] + "."
		}
		last.Sentence += " Level 2 (active multi-agency management) is suggested: one service manager attends every level 2 meeting."
		return done(Level2)
	}
	if len(senior) > 0 {
		say("LEVEL3-NEEDS-LEVEL2", "/management", "Although %s, the level 2 criteria are not met, so level 3 is not suggested.", strings.Join(senior, ", and "))
	}
	why := "the level 2 criteria are not met"
	switch {
	case m.MeetingsAddValue == JudgedNo:
		why = "multi-agency meetings would not add value"
	case len(grounds) == 0 && !f.CurrentRisk.IsZero():
		why = "the risk of serious harm is " + strings.ToLower(f.CurrentRisk.Label()) + " and there is no other level 2 ground"
	}
	say("LEVEL1-ORDINARY", "", "Level 1 (ordinary agency management) is suggested because %s. The lead agency manages the person and information is still shared; children's social care is invited only where a child is open, and then the allocated social worker gets the invitation.", why)
	return done(Level1)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
