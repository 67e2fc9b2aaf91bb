package eligibility

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Classify decides whether the person described by f is a MAPPA offender
// on today, in which categories, until when and why, using the embedded
// offence list. It never panics and never guesses: invalid facts and
// missing facts both give "cannot decide" with the list of what is needed.
func Classify(f Facts, today civil.Date) Result { return defaultList().ClassifyAsOf(f, today, today) }

// ClassifyAsOf is Classify for the date asOf (a past referral, a future
// release), worked out on today: the facts are checked against today (no
// date may be in the future), the answer is as it stood on asOf, and an
// offence dated after asOf is left out.
func ClassifyAsOf(f Facts, asOf, today civil.Date) Result {
	return defaultList().ClassifyAsOf(f, asOf, today)
}

// Classify is the package-level Classify with this offence list.
func (l *OffenceList) Classify(f Facts, today civil.Date) Result {
	return l.ClassifyAsOf(f, today, today)
}

// maxCombinations bounds the candidate readings tried for bare sections.
const maxCombinations = 32

// ClassifyAsOf is the package-level ClassifyAsOf with this offence list.
// Where an offence is given by a bare section that stands for several
// listed offences, every reading is tried: if all give the same answer, it
// is the answer; otherwise which offence it is becomes a missing fact.
func (l *OffenceList) ClassifyAsOf(f Facts, asOf, today civil.Date) Result {
	base := l.classifier(f, asOf, today)
	res := base.run()
	if res.Outcome == CannotDecide && res.HasRule("INPUT-INVALID") {
		return res
	}
	var amb []int
	for i, lr := range base.offences {
		if len(lr.ambiguous) > 0 {
			amb = append(amb, i)
		}
	}
	if len(amb) == 0 {
		return res
	}
	combos := 1
	for _, i := range amb {
		combos *= len(base.offences[i].ambiguous)
		if combos > maxCombinations {
			return res
		}
	}
	var first *Result
	for n := range combos {
		g := f
		g.Offences = slices.Clone(f.Offences)
		k := n
		for _, i := range amb {
			cands := base.offences[i].ambiguous
			g.Offences[i].Code = cands[k%len(cands)]
			k /= len(cands)
		}
		r := l.classifier(g, asOf, today).run()
		if first == nil {
			first = &r
			continue
		}
		if !sameAnswer(*first, r) {
			return res
		}
	}
	out := *first
	var extra []Reason
	for _, i := range amb {
		lr := base.offences[i]
		extra = append(extra, newReason("OFFENCE-SECTION-RESOLVED", NoCategory, validation.Pointer("offences", i),
			fmt.Sprintf("Offence %d (%q) could be any of %s; each gives the same answer, so the answer does not wait for which it is.",
				i+1, lr.given, strings.Join(lr.ambiguous, ", "))))
	}
	out.Reasons = slices.Insert(slices.Clone(out.Reasons), 1, extra...)
	out.Missing = slices.DeleteFunc(slices.Clone(out.Missing), func(m Missing) bool {
		return slices.ContainsFunc(amb, func(i int) bool { return m.Pointer == validation.Pointer("offences", i, "code") })
	})
	return out
}

// sameAnswer reports two answers with the same outcome, categories and
// ends.
func sameAnswer(a, b Result) bool {
	if a.Outcome != b.Outcome || a.PrimaryCategory != b.PrimaryCategory || len(a.Bases) != len(b.Bases) || a.NeedsHumanDecision != b.NeedsHumanDecision {
		return false
	}
	for i := range a.Bases {
		if a.Bases[i].Category != b.Bases[i].Category || a.Bases[i].Until != b.Bases[i].Until {
			return false
		}
	}
	return true
}

func (l *OffenceList) classifier(f Facts, asOf, today civil.Date) *classifier {
	return &classifier{f: f, today: asOf, checkedOn: today, list: l, undecided: map[Category]bool{}}
}

type classifier struct {
	f Facts
	// today is the date the answer is for (asOf); checkedOn is the real
	// date, against which the facts are validated.
	today     civil.Date
	checkedOn civil.Date
	list      *OffenceList
	offences  []lookupResult
	later     []bool // offence dated after asOf: left out
	reasons   []Reason
	missing   []Missing
	bases     []Basis
	followUps []FollowUp
	undecided map[Category]bool
	human     bool
	// compared caches comparisons of a term with a number of months,
	// which can be slow without a sentence date.
	compared map[string][2]bool
}

// active lists the offences the answer rests on: all but those dated
// after the date the answer is for.
func (c *classifier) active() []int {
	var out []int
	for i := range c.f.Offences {
		if !c.later[i] {
			out = append(out, i)
		}
	}
	return out
}

// sentenceFor is offence i's own sentence, else the facts' sentence.
func (c *classifier) sentenceFor(i int) *Sentence {
	if s := c.f.Offences[i].Sentence; s != nil {
		return s
	}
	return c.f.Sentence
}

// sentencePtr is the pointer of offence i's sentence.
func (c *classifier) sentencePtr(i int) string {
	if c.f.Offences[i].Sentence != nil {
		return validation.Pointer("offences", i, "sentence")
	}
	return "/sentence"
}

// sentenceDate is the date offence i was sentenced, if known.
func (c *classifier) sentenceDate(i int) civil.Date {
	if s := c.f.Offences[i].Sentence; s != nil {
		return s.Date
	}
	return c.f.Dates.SentenceDate
}

// atLeast and moreThan compare term t with n months, anchored on the
// sentence date; cached because offences often share a sentence.
func (c *classifier) atLeast(t Term, n int, anchor civil.Date) (bool, bool) {
	return c.cached(fmt.Sprintf("%v|%v|>=%d", t, anchor, n), func() (bool, bool) { return t.AtLeastMonths(n, anchor) })
}

func (c *classifier) moreThan(t Term, n int, anchor civil.Date) (bool, bool) {
	return c.cached(fmt.Sprintf("%v|%v|>%d", t, anchor, n), func() (bool, bool) { return t.MoreThanMonths(n, anchor) })
}

func (c *classifier) cached(key string, f func() (bool, bool)) (bool, bool) {
	if v, ok := c.compared[key]; ok {
		return v[0], v[1]
	}
	yes, decided := f()
	if c.compared == nil {
		c.compared = map[string][2]bool{}
	}
	c.compared[key] = [2]bool{yes, decided}
	return yes, decided
}

func (c *classifier) say(id string, cat Category, ptr, format string, args ...any) {
	c.reasons = append(c.reasons, newReason(id, cat, ptr, fmt.Sprintf(format, args...)))
}

func (c *classifier) need(ptr, fact string) {
	if !slices.ContainsFunc(c.missing, func(m Missing) bool { return m.Pointer == ptr }) {
		c.missing = append(c.missing, Missing{Pointer: ptr, Fact: fact})
	}
}

func (c *classifier) run() Result {
	res := Result{DecidedOn: c.checkedOn, AsOf: c.today, OffenceListVersion: c.list.Version,
		Bases: []Basis{}, Missing: []Missing{}, Reasons: []Reason{}}
	if errs := c.f.ValidateAt(c.checkedOn); !errs.OK() {
		for _, e := range errs {
			res.Missing = append(res.Missing, Missing{Pointer: e.Pointer, Fact: e.Detail})
		}
		res.Outcome = CannotDecide
		res.Reasons = append(res.Reasons, newReason("INPUT-INVALID", NoCategory, "",
			fmt.Sprintf("Some facts are contradictory or out of range (%d %s). Correct them and ask again; no decision is made until then.",
				len(errs), plural(len(errs), "problem", "problems"))))
		return res
	}
	c.later = make([]bool, len(c.f.Offences))
	for i, o := range c.f.Offences {
		if !o.Date.IsZero() && o.Date.After(c.today) {
			c.later[i] = true
			c.say("AS-OF-LATER-OFFENCE", NoCategory, validation.Pointer("offences", i, "date"),
				"Offence %d is dated %s, after %s, the date this answer is for, so it is left out.", i+1, long(o.Date), long(c.today))
		}
	}
	c.resolveOffences()
	if c.f.DisqualifiedFromWorkingWithChildren {
		c.say("DWC-NOT-A-ROUTE", Category2, "/disqualifiedFromWorkingWithChildren",
			"A disqualification from working with children is recorded. Since December 2012 it is not a route into MAPPA, so it does not change the category (local documents that say otherwise are out of date).")
	}
	c.category1()
	c.category2()
	c.category4()
	c.category3()
	return c.compose(res)
}

// resolveOffences looks every offence up in the list. An unknown or
// ambiguous one is reported; whether it holds the answer is for each
// category to say (it does only where a rule turns on which offence it
// is). An offence abroad needs no code: its description and country do.
func (c *classifier) resolveOffences() {
	c.offences = make([]lookupResult, len(c.f.Offences))
	for i, o := range c.f.Offences {
		lr := c.list.lookup(o)
		c.offences[i] = lr
		if lr.found || c.later[i] {
			continue
		}
		ptr := validation.Pointer("offences", i)
		if o.place() == Elsewhere && len(lr.ambiguous) == 0 {
			where := "outside the United Kingdom"
			if o.Country != "" {
				where = "in " + o.Country
			}
			c.say("OFFENCE-ABROAD", NoCategory, ptr,
				"Offence %d (%q) was dealt with %s. It needs no code from the offence list: it counts for Category 3 and the terrorism-risk limb of Category 4, not for Categories 1 (unless the police hold a notification order), 2 or the conviction limb of 4.",
				i+1, lr.given, where)
			continue
		}
		if len(lr.ambiguous) > 0 {
			c.say("OFFENCE-UNKNOWN", NoCategory, ptr,
				"Offence %d (%q) matches more than one offence in the list (%s), so it is not known which it is.",
				i+1, lr.given, strings.Join(lr.ambiguous, ", "))
			continue
		}
		c.say("OFFENCE-UNKNOWN", NoCategory, ptr,
			"Offence %d (%q) is not in the offence list, so it is not known whether it is in Schedule 15 or carries notification.",
			i+1, lr.given)
	}
}

// unknownMatters records that unknown offence i holds the answer for
// category cat, and asks for it.
func (c *classifier) unknownMatters(i int, cat Category) {
	c.undecided[cat] = true
	lr := c.offences[i]
	ptr := validation.Pointer("offences", i, "code")
	if len(lr.ambiguous) > 0 {
		c.need(ptr, fmt.Sprintf("which offence %q is: give one of the codes %s", lr.given, strings.Join(lr.ambiguous, ", ")))
		return
	}
	c.need(ptr, fmt.Sprintf("the offence %q as a code from the offence list, or its statute reference", lr.given))
}

func (c *classifier) info(i int) (OffenceInfo, bool) { return c.offences[i].info, c.offences[i].found }

// offenceName is "Wounding or causing grievous bodily harm with intent
// (Offences against the Person Act 1861 s.18)".
func (c *classifier) offenceName(i int) string {
	if info, ok := c.info(i); ok {
		title := inchoatePrefix[c.f.Offences[i].Inchoate] + lowerFirst(info.Title)
		if info.Section == "" {
			return title
		}
		return title + " (" + info.Reference() + ")"
	}
	return fmt.Sprintf("%q", c.offences[i].given)
}

func (c *classifier) has(cat Category) bool {
	return slices.ContainsFunc(c.bases, func(b Basis) bool { return b.Category == cat })
}

// addBasis records a qualifying basis, unless its end date has passed.
// It reports whether the basis is current.
func (c *classifier) addBasis(b Basis) bool {
	b.CategoryCode = b.Category.Code()
	if b.Until.Kind == EndsOn && b.Until.Date.Before(c.today) {
		return false
	}
	if !slices.ContainsFunc(c.bases, func(x Basis) bool { return x.Category == b.Category && x.Rule == b.Rule && x.Until == b.Until }) {
		c.bases = append(c.bases, b)
	}
	return true
}

// ---- the answer

var primaryOrder = map[Category]int{Category1: 0, Category2: 1, Category4: 2, Category3: 3}

func (c *classifier) compose(res Result) Result {
	slices.SortStableFunc(c.bases, func(a, b Basis) int { return primaryOrder[a.Category] - primaryOrder[b.Category] })
	res.Bases = append(res.Bases, c.bases...)
	res.Missing = append(res.Missing, c.missing...)
	undecided := len(c.undecided) > 0
	var summary Reason
	var extra []Reason
	switch {
	case len(c.bases) > 0:
		res.Outcome = Eligible
		res.PrimaryCategory = c.bases[0].Category
		res.CategoryCode = res.PrimaryCategory.Code()
		until := eligibleUntil(c.bases)
		res.EligibleUntil = &until
		cats := distinctCategories(c.bases)
		also := ""
		if len(cats) > 1 {
			var others []string
			for _, x := range cats[1:] {
				others = append(others, x.String())
			}
			also = ", and also " + strings.Join(others, " and ")
			extra = append(extra, newReason("MULTI-PRIMARY", NoCategory, "",
				fmt.Sprintf("More than one category applies. Each is kept with its own end; the primary category is %s because the order is 1, then 2, then 4, then 3.", res.PrimaryCategory)))
		}
		if c.has(Category2) && c.has(Category4) {
			c.human = true
			extra = append(extra, newReason("MULTI-2-AND-4", NoCategory, "",
				"The person is both Category 2 and Category 4: a person must decide how they are managed (usually under counter-terrorism arrangements)."))
		}
		summary = newReason("OUTCOME-ELIGIBLE", res.PrimaryCategory, "",
			fmt.Sprintf("The person is a MAPPA offender: %s (%s)%s. This lasts until %s.", res.PrimaryCategory, res.PrimaryCategory.Name(), also, untilPhrase(until)))
		if undecided || len(c.missing) > 0 {
			extra = append(extra, newReason("OUTCOME-INCOMPLETE", NoCategory, "",
				fmt.Sprintf("Some facts are missing (%s); with them the category or its end date could change.", missingList(c.missing))))
		}
	case undecided:
		res.Outcome = CannotDecide
		if len(c.missing) > 0 {
			summary = newReason("OUTCOME-CANNOT-DECIDE", NoCategory, "",
				fmt.Sprintf("It cannot be decided yet whether the person is a MAPPA offender: %d %s missing (%s). The answer is not guessed.",
					len(c.missing), plural(len(c.missing), "fact is", "facts are"), missingList(c.missing)))
		} else {
			summary = newReason("OUTCOME-CANNOT-DECIDE", NoCategory, "",
				"It cannot be decided from the rules alone whether the person is a MAPPA offender; a person must decide (see the reasons).")
		}
	default:
		res.Outcome = NotEligible
		res.CategoryCode = CodeNoCategory
		summary = newReason("OUTCOME-NOT-ELIGIBLE", NoCategory, "",
			fmt.Sprintf("No MAPPA category applies on %s, so the person is not a MAPPA offender. The reasons below say why for each category.", long(c.today)))
		c.childrenRoute()
	}
	res.NeedsHumanDecision = c.human
	res.FollowUps = c.followUps
	res.Reasons = append(append(append(res.Reasons, summary), extra...), c.reasons...)
	return res
}

// sept1997 is the day SOA 2003 s.81(3)-(5) looks back to.
var sept1997 = civil.New(1997, time.September, 1)

func distinctCategories(bases []Basis) []Category {
	var out []Category
	for _, b := range bases {
		if !slices.Contains(out, b.Category) {
			out = append(out, b.Category)
		}
	}
	return out
}

// eligibleUntil is the end of the last basis to end: indefinite if any is,
// else an open end (while a licence or order lasts, until the RA decides)
// if any is, else the latest date.
func eligibleUntil(bases []Basis) End {
	var latest End
	var open *End
	for _, b := range bases {
		switch b.Until.Kind {
		case Indefinite:
			return b.Until
		case EndsOn:
			if latest.Date.IsZero() || b.Until.Date.After(latest.Date) {
				latest = b.Until
			}
		default:
			if open == nil {
				u := b.Until
				open = &u
			}
		}
	}
	if open != nil {
		return *open
	}
	return latest
}
