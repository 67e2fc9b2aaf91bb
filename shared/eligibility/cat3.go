package eligibility

import (
	"fmt"
	"slices"
	"strings"
)

// ---- Category 3: other dangerous offenders (CJA 2003 s.325(2)(b))

// category3 applies s.325(2)(b): "other persons who, by reason of offences
// committed by them (wherever committed), are considered by the
// responsible authority to be persons who may cause serious harm to the
// public". It is residual to Categories 1, 2 and 4. The RA's judgement
// that the person may cause serious harm by reason of their offences, and
// that the risk needs level 2 or 3 management, decide it; the guidance's
// capability and link tests are part of that judgement: recorded when
// given, never waited for.
func (c *classifier) category3() {
	j := c.f.Category3
	if c.has(Category1) || c.has(Category2) || c.has(Category4) {
		if j != nil {
			c.say("CAT3-RESIDUAL", Category3, "/category3", "Category 3 is only for people who are not Category 1, 2 or 4, so the responsible authority's Category 3 judgements are not needed.")
		}
		return
	}
	if len(c.active()) == 0 {
		c.say("CAT3-NO-OFFENCE", Category3, "/offences",
			"No caution or conviction is recorded, so the person cannot be a MAPPA offender in Category 3; other child-protection routes apply.")
		return
	}
	if p := c.f.PreviousManagement; p != nil {
		ended := ""
		if !p.Ended.IsZero() {
			ended = ", which ended on " + long(p.Ended)
		}
		level := ""
		if p.Level != NoLevel {
			level = fmt.Sprintf(" at level %d", int(p.Level))
		}
		c.say("CAT3-PREVIOUS-MAPPA", Category3, "/previousManagement",
			"The person was managed under MAPPA before, as %s%s%s. Once statutory requirements have ended the responsible authority can consider them for Category 3 (S3).", p.Category, level, ended)
	}
	if j == nil {
		c.say("CAT3-NOT-RAISED", Category3, "/category3",
			"The responsible authority has not raised Category 3. It would apply only if the RA considered that, by reason of their offences (wherever committed), the person may cause serious harm to the public, and that the risk needs level 2 or 3 management.")
		return
	}
	var tests []string
	for _, g := range []struct {
		name string
		v    Judgement
	}{{"capability", j.SeriousHarmCapability}, {"link", j.LinkToCurrentRisk}} {
		if g.v.Recorded() {
			tests = append(tests, fmt.Sprintf("%s: %s", g.name, g.v))
		}
	}
	if len(tests) > 0 {
		c.say("CAT3-GUIDANCE-TESTS", Category3, "/category3",
			"The guidance's tests are recorded (%s). They are part of the responsible authority's judgement, not conditions of their own.", strings.Join(tests, ", "))
	}
	items := []struct {
		name, words string
		v           Judgement
	}{
		{"currentRiskOfSeriousHarm", "by reason of their offences the person may cause serious harm to the public", j.CurrentRiskOfSeriousHarm},
		{"needsLevel2Or3Management", "the risk needs active multi-agency management at level 2 or 3", j.NeedsLevel2Or3Management},
	}
	var no, open []string
	for _, it := range items {
		switch it.v {
		case JudgedNo:
			no = append(no, it.words)
		case JudgedYes:
		default:
			open = append(open, it.words)
			c.need("/category3/"+it.name, "the responsible authority's judgement that "+it.words)
		}
	}
	switch {
	case len(no) > 0:
		c.missing = slices.DeleteFunc(c.missing, func(m Missing) bool { return strings.HasPrefix(m.Pointer, "/category3/") })
		c.say("CAT3-NOT-MET", Category3, "/category3", "The responsible authority has judged that it is not the case that %s, so Category 3 does not apply.", strings.Join(no, "; nor that "))
	case len(open) > 0:
		c.undecided[Category3] = true
		c.say("CAT3-NOT-RECORDED", Category3, "/category3", "The responsible authority has not yet recorded whether %s.", strings.Join(open, "; or whether "))
	default:
		c.addBasis(Basis{Category: Category3, Rule: "CAT3-MET", Until: End{Kind: RADecides}, Pointer: "/category3"})
		c.say("CAT3-MET", Category3, "/category3",
			"The person has a caution or conviction (wherever it was), and the responsible authority considers that by reason of their offences they may cause serious harm to the public and that the risk needs level 2 or 3 management, so they are Category 3 (other dangerous offenders) until the responsible authority decides that management is no longer needed.")
	}
}
