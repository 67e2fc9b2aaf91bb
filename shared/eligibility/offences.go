package eligibility

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

//go:embed data/offences.json
var offencesJSON []byte

// OffenceInfo is what the offence list knows about one offence.
type OffenceInfo struct {
	// Code identifies the offence in the list, e.g. "OAPA1861-S18".
	Code  string `json:"code"`
	Title string `json:"title"`
	// Statute and Section give the legal reference ("Common law" for
	// offences without a statute).
	Statute string `json:"statute"`
	Section string `json:"section,omitempty"`
	// Aliases are other ways people write the reference or the name.
	Aliases []string `json:"aliases,omitempty"`
	// Murder is true for murder itself, which CJA 2003 s.327(3)(a) names.
	Murder bool `json:"murder,omitempty"`
	// Schedule15 places the offence in Part 1 (violent) or Part 2 (sexual)
	// of Schedule 15 to the Criminal Justice Act 2003.
	Schedule15 *Schedule15Ref `json:"schedule15,omitempty"`
	// S327_4A is the paragraph of CJA 2003 s.327(4A) that specifies the
	// offence ("a", "b" or "c"): it counts for Category 2 as a Schedule 15
	// offence does.
	S327_4A string `json:"s327_4A,omitempty"`
	// S327_4AInForce is the date the s.327(4A) paragraph came into force
	// where it was inserted later ("YYYY-MM-DD"): (ca), controlling or
	// coercive behaviour, from 3 February 2025 (Victims and Prisoners Act
	// 2024 s.65; S.I. 2025/95 reg.3(c)). Before it, the offence is not
	// specified.
	S327_4AInForce string `json:"s327_4AInForce,omitempty"`
	// ChildVictimRequired: the offence is specified only where it was
	// committed against a child (under 18), as s.327(4A)(b) and (c) say.
	ChildVictimRequired bool `json:"childVictimRequired,omitempty"`
	// AgainstChild: the offence is, by its definition, committed against a
	// child (for the Persons Posing a Risk to Children route).
	AgainstChild bool `json:"againstChild,omitempty"`
	// Notification is set for offences listed in Sexual Offences Act 2003
	// Schedule 3 (notification requirements).
	Notification *NotificationRule `json:"notification,omitempty"`
	// Terrorism is true for a relevant terrorist offence (CJA 2003
	// s.327(4F): an offence in Schedule 19ZA Parts 1-2).
	Terrorism bool `json:"terrorism,omitempty"`
	// Schedule15Omitted records a Schedule 15 Part 1 paragraph that once
	// listed the offence and has since been omitted (the offence moved to
	// Part 3, "specified terrorism offences", which CJA 2003 s.327(3)(a)
	// and (4)(a) do not name: they say "Part 1 or 2 of Schedule 15"). It is
	// history only: the offence does not count for Category 2 by it.
	Schedule15Omitted *Schedule15History `json:"schedule15Omitted,omitempty"`
	// Jurisdiction is where the offence exists when not England and Wales:
	// "scotland" or "northern-ireland" (Schedule 3 has paragraphs for both).
	Jurisdiction string `json:"jurisdiction,omitempty"`
	Note         string `json:"note,omitempty"`
}

// Schedule15Ref is a place in CJA 2003 Schedule 15.
type Schedule15Ref struct {
	Part      int    `json:"part"`
	Paragraph string `json:"paragraph,omitempty"`
	// InForce is the date the paragraph came into force where the law
	// dates it (an inserted paragraph), as "YYYY-MM-DD".
	InForce string `json:"inForce,omitempty"`
	// Condition is a condition the paragraph sets ("where the intended
	// offence is rape"), in words.
	Condition string `json:"condition,omitempty"`
}

// Schedule15History is an omitted Schedule 15 paragraph: where it was,
// when and by what it was inserted and omitted, and where the offence is
// listed now.
type Schedule15History struct {
	Part       int    `json:"part"`
	Paragraph  string `json:"paragraph"`
	Inserted   string `json:"inserted"`
	InsertedBy string `json:"insertedBy"`
	Omitted    string `json:"omitted"`
	OmittedBy  string `json:"omittedBy"`
	// NowPart3Paragraph is the Schedule 15 Part 3 paragraph that lists
	// the offence since the omission.
	NowPart3Paragraph string `json:"nowPart3Paragraph"`
}

// insertedDate and omittedDate are the history's dates (LoadOffences
// refuses a list where either is not YYYY-MM-DD).
func (h Schedule15History) insertedDate() civil.Date { d, _ := civil.Parse(h.Inserted); return d }
func (h Schedule15History) omittedDate() civil.Date  { d, _ := civil.Parse(h.Omitted); return d }

func (h Schedule15History) valid() bool {
	_, e1 := civil.Parse(h.Inserted)
	_, e2 := civil.Parse(h.Omitted)
	return e1 == nil && e2 == nil && h.Paragraph != "" && h.InsertedBy != "" && h.OmittedBy != "" && h.NowPart3Paragraph != ""
}

// NotificationRule says how an offence brings notification (SOA 2003
// Schedule 3). Conditional rules depend on ages or the sentence: the police
// decide.
type NotificationRule struct {
	Conditional bool   `json:"conditional"`
	Paragraph   string `json:"paragraph,omitempty"`
	Condition   string `json:"condition,omitempty"`
	// SentencingCondition: the paragraph lists the offence subject to a
	// condition about how the offender was dealt with (SOA 2003 s.132), so
	// the person counts as convicted when that condition is met: at
	// sentence.
	SentencingCondition bool `json:"sentencingCondition,omitempty"`
	// OtherCondition is the paragraph's other condition, met at
	// conviction, if it has one: "victim-under-18" or
	// "offender-18-or-over". Which condition applied decides when the
	// period starts (s.132(2)).
	OtherCondition string `json:"otherCondition,omitempty"`
	// InForce is the date an inserted paragraph came into force.
	InForce string `json:"inForce,omitempty"`
}

// The other conditions a Schedule 3 paragraph can set beside a sentencing
// condition.
const (
	VictimUnder18Condition = "victim-under-18"
	Offender18Condition    = "offender-18-or-over"
)

// Reference is the statute reference in words: "Offences against the
// Person Act 1861 s.18", or the title for a common law offence.
func (o OffenceInfo) Reference() string {
	if o.Section == "" {
		return o.Title + " (" + strings.ToLower(o.Statute) + ")"
	}
	return o.Statute + " " + o.Section
}

// Specified reports whether a conviction for the offence can found
// Category 2: murder, a Schedule 15 Part 1 or Part 2 offence, or an
// offence in s.327(4A).
func (o OffenceInfo) Specified() bool { return o.Murder || o.Schedule15 != nil || o.S327_4A != "" }

// ScheduleStatus says in words where the offence stands: "Schedule 15
// Part 1 para 6", "Schedule 3 para 18 (conditional)", "not specified".
func (o OffenceInfo) ScheduleStatus() string {
	var parts []string
	if o.Murder {
		parts = append(parts, "murder (CJA 2003 s.327(3)(a))")
	}
	if s := o.Schedule15; s != nil {
		p := fmt.Sprintf("Schedule 15 Part %d", s.Part)
		if s.Paragraph != "" {
			p += " para " + s.Paragraph
		}
		parts = append(parts, p)
	}
	if o.S327_4A != "" {
		parts = append(parts, "CJA 2003 s.327(4A)("+o.S327_4A+")")
	}
	if n := o.Notification; n != nil {
		p := "Schedule 3"
		if n.Paragraph != "" {
			p += " para " + n.Paragraph
		}
		if n.Conditional {
			p += " (conditional)"
		}
		parts = append(parts, p)
	}
	if o.Terrorism {
		parts = append(parts, "terrorism offence (Category 4)")
	}
	if len(parts) == 0 {
		return "not specified"
	}
	return strings.Join(parts, "; ")
}

// OffenceList is the checked offence list.
type OffenceList struct {
	Version  string        `json:"version"`
	About    string        `json:"about"`
	Sources  []string      `json:"sources"`
	Offences []OffenceInfo `json:"offences"`
	// Paragraphs lists every paragraph number of the schedules as the
	// statute numbers them, and which were repealed, so a test can prove
	// the list covers them all.
	Paragraphs ScheduleParagraphs `json:"paragraphs"`

	byCode    map[string]int
	byRef     map[string][]int
	bySection map[string][]int // "act|section number" -> entries
}

// ScheduleParagraphs index the paragraphs of CJA 2003 Schedule 15 and SOA
// 2003 Schedule 3: for each paragraph number, the codes of the entries it
// lists; and the paragraphs repealed, the general ones (inchoate forms,
// service offences, interpretation) and those inserted after the copy of
// the Act that was checked, whose text is not recorded here.
type ScheduleParagraphs struct {
	Schedule15          map[string][]string `json:"schedule15"`
	Schedule15Repealed  []string            `json:"schedule15Repealed"`
	Schedule15General   []string            `json:"schedule15General"`
	Schedule3           map[string][]string `json:"schedule3"`
	Schedule3Repealed   []string            `json:"schedule3Repealed"`
	Schedule3General    []string            `json:"schedule3General"`
	Schedule3NotChecked []string            `json:"schedule3NotChecked"`
}

var codePattern = regexp.MustCompile(`^[A-Z0-9]+(-[A-Z0-9]+)*$`)

// LoadOffences reads and checks an offence list: every code unique and well
// formed, titles and statutes present, Schedule 15 parts 1 or 2 only,
// notification only on sexual offences (Part 2 or unlisted), and murder,
// manslaughter and the core assaults, robbery and rape present.
func LoadOffences(b []byte) (*OffenceList, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var l OffenceList
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("decode offence list: %w", err)
	}
	if l.Version == "" || len(l.Offences) == 0 {
		return nil, fmt.Errorf("offence list has no version or no offences")
	}
	l.byCode = map[string]int{}
	l.byRef = map[string][]int{}
	l.bySection = map[string][]int{}
	for i, o := range l.Offences {
		switch {
		case !codePattern.MatchString(o.Code):
			return nil, fmt.Errorf("offence %d: code %q is not upper-case letters, digits and hyphens", i, o.Code)
		case strings.TrimSpace(o.Title) == "" || strings.TrimSpace(o.Statute) == "":
			return nil, fmt.Errorf("offence %s: title and statute are required", o.Code)
		case o.Schedule15 != nil && o.Schedule15.Part != 1 && o.Schedule15.Part != 2:
			return nil, fmt.Errorf("offence %s: Schedule 15 part %d (only 1 and 2 found Category 2)", o.Code, o.Schedule15.Part)
		case o.Notification != nil && o.Schedule15 != nil && o.Schedule15.Part != 2:
			return nil, fmt.Errorf("offence %s: a notification offence must be in Schedule 15 Part 2, not Part 1", o.Code)
		case o.Notification != nil && o.Notification.Conditional && o.Notification.Condition == "":
			return nil, fmt.Errorf("offence %s: a conditional notification rule must say its condition", o.Code)
		case o.Notification != nil && o.Notification.SentencingCondition && !o.Notification.Conditional:
			return nil, fmt.Errorf("offence %s: a sentencing condition makes the rule conditional", o.Code)
		case o.Notification != nil && !slices.Contains([]string{"", VictimUnder18Condition, Offender18Condition}, o.Notification.OtherCondition):
			return nil, fmt.Errorf("offence %s: other condition %q is not %s or %s", o.Code, o.Notification.OtherCondition, VictimUnder18Condition, Offender18Condition)
		case o.Schedule15Omitted != nil && o.Schedule15 != nil:
			return nil, fmt.Errorf("offence %s: an omitted Schedule 15 paragraph cannot stand beside a current one", o.Code)
		case o.Schedule15Omitted != nil && !o.Schedule15Omitted.valid():
			return nil, fmt.Errorf("offence %s: an omitted Schedule 15 paragraph needs its paragraph, YYYY-MM-DD dates, what inserted and omitted it and its Part 3 paragraph", o.Code)
		case o.Murder && o.Schedule15 != nil:
			return nil, fmt.Errorf("offence %s: murder is named by s.327 itself, not Schedule 15", o.Code)
		case o.Section == "" && o.Statute != "Common law":
			return nil, fmt.Errorf("offence %s: a statutory offence needs its section", o.Code)
		case o.ChildVictimRequired && o.S327_4A == "":
			return nil, fmt.Errorf("offence %s: only s.327(4A) entries require a child victim", o.Code)
		case o.S327_4AInForce != "" && (o.S327_4A == "" || !o.s327_4AInForceValid()):
			return nil, fmt.Errorf("offence %s: s327_4AInForce %q needs an s.327(4A) paragraph and a YYYY-MM-DD date", o.Code, o.S327_4AInForce)
		case o.Jurisdiction != "" && o.Jurisdiction != string(Scotland) && o.Jurisdiction != string(NorthernIreland):
			return nil, fmt.Errorf("offence %s: jurisdiction %q is not scotland or northern-ireland", o.Code, o.Jurisdiction)
		}
		if _, dup := l.byCode[o.Code]; dup {
			return nil, fmt.Errorf("offence %s is listed twice", o.Code)
		}
		l.byCode[o.Code] = i
		keys := []string{normalise(o.Title)}
		if o.Section != "" {
			keys = append(keys, normalise(o.Statute+" "+o.Section))
			if act, num, _, ok := splitReference(o.Statute + " " + o.Section); ok {
				k := act + "|" + num
				l.bySection[k] = append(l.bySection[k], i)
			}
		}
		for _, a := range o.Aliases {
			keys = append(keys, normalise(a))
		}
		for _, k := range dedupe(keys) {
			if k == "" {
				return nil, fmt.Errorf("offence %s: an empty alias", o.Code)
			}
			l.byRef[k] = append(l.byRef[k], i)
		}
	}
	for _, must := range []string{"MURDER", "MANSLAUGHTER", "OAPA1861-S18", "OAPA1861-S20", "OAPA1861-S47",
		"TA1968-S8", "SOA2003-S1", "SOA2003-S3"} {
		if _, ok := l.byCode[must]; !ok {
			return nil, fmt.Errorf("offence list lacks %s", must)
		}
	}
	return &l, nil
}

func dedupe(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// normalise reduces a reference or name to lower-case letters and digits,
// with "section" written "s", so "Offences Against the Person Act 1861,
// section 18" and "offences against the person act 1861 s.18" match.
func normalise(s string) string {
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, "sections", "ss")
	s = strings.ReplaceAll(s, "section", "s")
	var b strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var sectionPattern = regexp.MustCompile(`(?i)^(.*?)[\s,]*(?:\bsections?\b|\bss?\.?)\s*([0-9]+[A-Z]{0,2})\s*((?:\([0-9a-z]+\))*)\s*$`)

// splitReference splits "Criminal Damage Act 1971 s.1(2)" into the act
// ("criminaldamageact1971", normalised), the section number ("1") and the
// subsections ("(2)").
func splitReference(s string) (act, num, sub string, ok bool) {
	m := sectionPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || strings.TrimSpace(m[1]) == "" {
		return "", "", "", false
	}
	return normalise(m[1]), strings.ToUpper(m[2]), strings.ToLower(m[3]), true
}

// defaultList is parsed on first use, not at start-up: cold starts that
// never classify (most functions) do not pay for it.
var defaultList = sync.OnceValue(func() *OffenceList {
	l, err := LoadOffences(offencesJSON)
	if err != nil {
		panic(fmt.Sprintf("eligibility: embedded offence list: %v", err))
	}
	return l
})

// Offences returns the embedded offence list.
func Offences() *OffenceList { return defaultList() }

// ByCode returns the offence with code.
func (l *OffenceList) ByCode(code string) (OffenceInfo, bool) {
	i, ok := l.byCode[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return OffenceInfo{}, false
	}
	return l.Offences[i], true
}

// lookupResult is what the list makes of an offence as given.
type lookupResult struct {
	info      OffenceInfo
	found     bool
	ambiguous []string // codes when a reference matches several offences
	// fromSection is true when a bare section was resolved to the
	// subsections (or variants) it stands for.
	fromSection bool
	given       string // how the offence was given, for messages
}

// lookup finds the offence by code, else by statute reference, else by its
// description matching a title or alias exactly (after normalising). A
// bare section ("Criminal Damage Act 1971 s.1") that is listed only by its
// subsections, or also by them, resolves to all of them: the caller then
// decides whether the difference matters.
func (l *OffenceList) lookup(o Offence) lookupResult {
	given := firstNonEmpty(o.Code, o.Statute, o.Description)
	if o.Code != "" {
		if info, ok := l.ByCode(o.Code); ok {
			return lookupResult{info: info, found: true, given: given}
		}
		return lookupResult{given: o.Code}
	}
	for _, s := range []string{o.Statute, o.Description} {
		if s == "" {
			continue
		}
		idx := slices.Clone(l.byRef[normalise(s)])
		fromSection := false
		if act, num, sub, ok := splitReference(s); ok && sub == "" {
			for _, j := range l.bySection[act+"|"+num] {
				if !slices.Contains(idx, j) {
					idx = append(idx, j)
					fromSection = true
				}
			}
		}
		switch len(idx) {
		case 0:
			continue
		case 1:
			return lookupResult{info: l.Offences[idx[0]], found: true, given: given, fromSection: fromSection}
		default:
			codes := make([]string, len(idx))
			for i, j := range idx {
				codes[i] = l.Offences[j].Code
			}
			return lookupResult{ambiguous: codes, given: s, fromSection: fromSection}
		}
	}
	return lookupResult{given: given}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func (o OffenceInfo) s327_4AInForceValid() bool {
	_, err := civil.Parse(o.S327_4AInForce)
	return err == nil
}

// S327_4ANotYetInForce reports whether the offence is specified only by an
// s.327(4A) paragraph that had not come into force on asOf.
func (o OffenceInfo) S327_4ANotYetInForce(asOf civil.Date) bool {
	if o.S327_4AInForce == "" || o.Murder || o.Schedule15 != nil {
		return false
	}
	d, err := civil.Parse(o.S327_4AInForce)
	return err == nil && asOf.Before(d)
}
