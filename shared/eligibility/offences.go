package eligibility

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
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
	// Notification is set for offences listed in Sexual Offences Act 2003
	// Schedule 3 (notification requirements).
	Notification *NotificationRule `json:"notification,omitempty"`
	// Terrorism is true for a terrorism offence (CTA 2008 s.41).
	Terrorism bool   `json:"terrorism,omitempty"`
	Note      string `json:"note,omitempty"`
}

// Schedule15Ref is a place in CJA 2003 Schedule 15.
type Schedule15Ref struct {
	Part      int    `json:"part"`
	Paragraph string `json:"paragraph,omitempty"`
}

// NotificationRule says how an offence brings notification (SOA 2003
// Schedule 3). Conditional rules depend on ages or the sentence: the police
// decide.
type NotificationRule struct {
	Conditional bool   `json:"conditional"`
	Paragraph   string `json:"paragraph,omitempty"`
	Condition   string `json:"condition,omitempty"`
}

// Reference is the statute reference in words: "Offences against the
// Person Act 1861 s.18", or the title for a common law offence.
func (o OffenceInfo) Reference() string {
	if o.Section == "" {
		return o.Title + " (" + strings.ToLower(o.Statute) + ")"
	}
	return o.Statute + " " + o.Section
}

// Specified reports whether a conviction for the offence can found
// Category 2: murder, or a Schedule 15 Part 1 or Part 2 offence.
func (o OffenceInfo) Specified() bool { return o.Murder || o.Schedule15 != nil }

// OffenceList is the checked offence list.
type OffenceList struct {
	Version  string        `json:"version"`
	About    string        `json:"about"`
	Sources  []string      `json:"sources"`
	Offences []OffenceInfo `json:"offences"`

	byCode map[string]int
	byRef  map[string][]int
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
		case o.Murder && o.Schedule15 != nil:
			return nil, fmt.Errorf("offence %s: murder is named by s.327 itself, not Schedule 15", o.Code)
		case o.Section == "" && o.Statute != "Common law":
			return nil, fmt.Errorf("offence %s: a statutory offence needs its section", o.Code)
		}
		if _, dup := l.byCode[o.Code]; dup {
			return nil, fmt.Errorf("offence %s is listed twice", o.Code)
		}
		l.byCode[o.Code] = i
		keys := []string{normalise(o.Title)}
		if o.Section != "" {
			keys = append(keys, normalise(o.Statute+" "+o.Section))
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

var defaultList = mustLoadOffences(offencesJSON)

func mustLoadOffences(b []byte) *OffenceList {
	l, err := LoadOffences(b)
	if err != nil {
		panic(fmt.Sprintf("eligibility: embedded offence list: %v", err))
	}
	return l
}

// Offences returns the embedded offence list.
func Offences() *OffenceList { return defaultList }

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
	given     string   // how the offence was given, for messages
}

// lookup finds the offence by code, else by statute reference, else by its
// description matching a title or alias exactly (after normalising).
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
		idx := l.byRef[normalise(s)]
		switch len(idx) {
		case 0:
			continue
		case 1:
			return lookupResult{info: l.Offences[idx[0]], found: true, given: given}
		default:
			codes := make([]string, len(idx))
			for i, j := range idx {
				codes[i] = l.Offences[j].Code
			}
			return lookupResult{ambiguous: codes, given: s}
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
