// Package risk holds the two risk scales the product shows: the risk of
// serious harm (low, medium, high, very high; S4 and the national OASys
// definitions) and the provider's traffic light (GREEN, AMBER, RED; S0).
//
// Both are typed string values with strict JSON: an unknown value is refused
// with a message that lists the accepted ones, so a typo never silently
// becomes "no risk". The zero value of each means "not assessed" and is
// written as JSON null.
package risk

import (
	"encoding/json"
	"errors"
	"strings"
)

// Level is a risk of serious harm. Serious harm means harm that is
// life-threatening and/or traumatic, from which recovery, whether physical
// or psychological, can be expected to be difficult or impossible.
type Level string

// The risk of serious harm levels, lowest first.
const (
	Low      Level = "low"
	Medium   Level = "medium"
	High     Level = "high"
	VeryHigh Level = "very-high"
)

// Levels lists every level, lowest first.
var Levels = []Level{Low, Medium, High, VeryHigh}

var levelMeaning = map[Level]string{
	Low:      "Current evidence does not indicate likelihood of causing serious harm.",
	Medium:   "There are identifiable indicators of risk of serious harm. The person has the potential to cause serious harm but is unlikely to do so unless there is a change in circumstances.",
	High:     "There are identifiable indicators of risk of serious harm. The potential event could happen at any time and the impact would be serious.",
	VeryHigh: "There is an imminent risk of serious harm. The potential event is more likely than not to happen imminently and the impact would be serious.",
}

var levelLabel = map[Level]string{Low: "Low", Medium: "Medium", High: "High", VeryHigh: "Very high"}

// ErrLevel is returned for a value that is not a risk of serious harm level.
var ErrLevel = errors.New("must be one of: low, medium, high, very-high")

// ParseLevel reads a level from its JSON spelling.
func ParseLevel(s string) (Level, error) {
	l := Level(s)
	if _, ok := levelMeaning[l]; !ok {
		return "", ErrLevel
	}
	return l, nil
}

// Valid reports whether l is one of the four levels (the zero value is not).
func (l Level) Valid() bool { _, ok := levelMeaning[l]; return ok }

// IsZero reports whether the level is not assessed.
func (l Level) IsZero() bool { return l == "" }

// Meaning is the definition of the level in plain English (S4).
func (l Level) Meaning() string { return levelMeaning[l] }

// Label is the level as a person writes it ("Very high").
func (l Level) Label() string { return levelLabel[l] }

// Rank orders the levels: 1 low to 4 very high, 0 not assessed or invalid.
func (l Level) Rank() int {
	for i, v := range Levels {
		if v == l {
			return i + 1
		}
	}
	return 0
}

// AtLeastHigh reports whether l is high or very high: the levels that meet
// the level 2 criterion and call for a monthly internal risk meeting (S0).
func (l Level) AtLeastHigh() bool { return l == High || l == VeryHigh }

// MarshalJSON writes the level, or null when not assessed.
func (l Level) MarshalJSON() ([]byte, error) {
	if l == "" {
		return []byte("null"), nil
	}
	if !l.Valid() {
		return nil, ErrLevel
	}
	return json.Marshal(string(l))
}

// UnmarshalJSON accepts null (not assessed) or one of the four levels.
func (l *Level) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*l = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return ErrLevel
	}
	v, err := ParseLevel(s)
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Group is a group a risk of serious harm is assessed against (S4).
type Group string

// The groups at risk.
const (
	Children   Group = "children"
	Public     Group = "public"
	KnownAdult Group = "known-adult"
	Staff      Group = "staff"
)

// Groups lists every group.
var Groups = []Group{Children, Public, KnownAdult, Staff}

// ErrGroup is returned for a value that is not a group at risk.
var ErrGroup = errors.New("must be one of: children, public, known-adult, staff")

// Valid reports whether g is a known group.
func (g Group) Valid() bool {
	for _, v := range Groups {
		if v == g {
			return true
		}
	}
	return false
}

// MarshalJSON writes the group, or null for the zero value.
func (g Group) MarshalJSON() ([]byte, error) {
	if g == "" {
		return []byte("null"), nil
	}
	if !g.Valid() {
		return nil, ErrGroup
	}
	return json.Marshal(string(g))
}

// UnmarshalJSON accepts null or one of the groups.
func (g *Group) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*g = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil || !Group(s).Valid() {
		return ErrGroup
	}
	*g = Group(s)
	return nil
}

// TrafficLight is the provider's case rating (S0). It summarises how well
// the risk is being managed, not the risk level alone.
type TrafficLight string

// The traffic light colours.
const (
	Green TrafficLight = "GREEN"
	Amber TrafficLight = "AMBER"
	Red   TrafficLight = "RED"
)

// TrafficLights lists the colours, GREEN first.
var TrafficLights = []TrafficLight{Green, Amber, Red}

var lightMeaning = map[TrafficLight]string{
	Green: "An acceptable plan is in place, supported by a core group; the risk is being managed.",
	Amber: "A plan is in place but the risk is high; multi-agency work may be needed.",
	Red:   "The plan is limited and the risk is very high; multi-agency co-ordination is needed.",
}

// ErrTrafficLight is returned for a value that is not a traffic light.
var ErrTrafficLight = errors.New("must be one of: GREEN, AMBER, RED")

// ParseTrafficLight reads a colour. The JSON spelling is upper case; lower
// or mixed case is refused so that stored values compare exactly.
func ParseTrafficLight(s string) (TrafficLight, error) {
	t := TrafficLight(s)
	if _, ok := lightMeaning[t]; !ok {
		if _, near := lightMeaning[TrafficLight(strings.ToUpper(s))]; near {
			return "", errors.New("must be upper case: GREEN, AMBER or RED")
		}
		return "", ErrTrafficLight
	}
	return t, nil
}

// Valid reports whether t is one of the colours.
func (t TrafficLight) Valid() bool { _, ok := lightMeaning[t]; return ok }

// Meaning is what the colour says about the case (S0).
func (t TrafficLight) Meaning() string { return lightMeaning[t] }

// MarshalJSON writes the colour, or null for the zero value.
func (t TrafficLight) MarshalJSON() ([]byte, error) {
	if t == "" {
		return []byte("null"), nil
	}
	if !t.Valid() {
		return nil, ErrTrafficLight
	}
	return json.Marshal(string(t))
}

// UnmarshalJSON accepts null or one of the colours.
func (t *TrafficLight) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return ErrTrafficLight
	}
	v, err := ParseTrafficLight(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}
