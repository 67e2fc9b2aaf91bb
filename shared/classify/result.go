package classify

import (
	"encoding/json"
	"fmt"

	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/referral"
)

// Result is what classify stores as the classification's "result": the
// eligibility engine's explained answer (its fields inline: outcome,
// primaryCategory, bases, missing, reasons, ...), the engine's level
// suggestion with its reasons, and the notice the meeting invitation gave.
type Result struct {
	// Eligibility is the engine's answer; its JSON fields are inlined.
	Eligibility eligibility.Result `json:"-"`
	// Level is the engine's level suggestion with its reasons.
	Level eligibility.LevelSuggestion `json:"-"`
	// Meeting is the notice of the meeting invitation, nil without one.
	Meeting *Meeting `json:"-"`
}

// Meeting says how much notice the referral's meeting invitation gave.
type Meeting struct {
	Date civil.Date `json:"date"`
	// InDays is how many days after the day of classification the meeting
	// is (0: today, negative: past).
	InDays int `json:"inDays"`
	// ShortNotice is true when the meeting is less than ShortNoticeDays
	// away.
	ShortNotice bool `json:"shortNotice"`
}

func (m *Meeting) inDays() int {
	if m == nil {
		return 0
	}
	return m.InDays
}

// SuggestedLevel is the suggested level 1-3, 0 when none is suggested.
func (r Result) SuggestedLevel() int { return int(r.Level.Level) }

// MarshalJSON writes the engine's result with "levelSuggestion",
// "shortNotice" and "meeting" beside its own fields, so readers of the
// stored classification find result.primaryCategory, result.reasons and
// result.levelSuggestion.reasons at one level.
func (r Result) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(r.Eligibility)
	if err != nil {
		return nil, fmt.Errorf("classify: encode result: %w", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("classify: encode result: %w", err)
	}
	add := func(name string, v any) error {
		raw, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("classify: encode %s: %w", name, err)
		}
		m[name] = raw
		return nil
	}
	if err := add("levelSuggestion", r.Level); err != nil {
		return nil, err
	}
	if err := add("shortNotice", r.Meeting != nil && r.Meeting.ShortNotice); err != nil {
		return nil, err
	}
	if r.Meeting != nil {
		if err := add("meeting", r.Meeting); err != nil {
			return nil, err
		}
	}
	return json.Marshal(m)
}

// Assess runs the eligibility engine on the referral's facts on today (the
// date in Europe/London) and works out the meeting's notice. It is pure:
// no storage, no clock.
func Assess(body referral.Referral, today civil.Date) Result {
	res := eligibility.Classify(body.Facts, today)
	out := Result{Eligibility: res, Level: eligibility.SuggestLevel(body.Facts, res)}
	if inv := body.MeetingInvitation; inv != nil && !inv.Date.IsZero() {
		days := today.DaysUntil(inv.Date)
		out.Meeting = &Meeting{Date: inv.Date, InDays: days, ShortNotice: days < ShortNoticeDays}
	}
	return out
}
