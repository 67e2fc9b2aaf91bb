package referral

import (
	"time"

	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
)

// Classification is the classifier's answer for one referral: the one
// typed shape from the engine to the screen. classify makes it, the store
// keeps it (on the referral, and the latest on its case), the staff API
// returns it as is (published in the OpenAPI document as
// "Classification"), and the front end reads these names and no others.
type Classification struct {
	// Result is the eligibility engine's explained answer.
	Result eligibility.Result `json:"result" dynamodbav:"result"`
	// LevelSuggestion is the engine's suggested level with its reasons;
	// a person confirms or changes it.
	LevelSuggestion eligibility.LevelSuggestion `json:"levelSuggestion" dynamodbav:"levelSuggestion"`
	// Notice is the notice the meeting invitation gave, by the one notice
	// rule (cadence.CheckNotice, counted from the day the referral was
	// received); absent without an invitation.
	Notice *cadence.Notice `json:"notice,omitempty" dynamodbav:"notice,omitempty"`
	// AsOf is the date the answer is for (the law and facts that day).
	AsOf civil.Date `json:"asOf" dynamodbav:"asOf"`
	// ClassifiedAt is when the classifier worked it out.
	ClassifiedAt time.Time `json:"classifiedAt" dynamodbav:"classifiedAt"`
}

// SuggestedLevel is the suggested level 1-3, 0 when none is suggested.
func (c Classification) SuggestedLevel() int { return int(c.LevelSuggestion.Level) }

// ShortNotice reports whether the meeting invitation gave too little notice.
func (c Classification) ShortNotice() bool { return c.Notice != nil && c.Notice.Short }

// Classify runs the eligibility engine on the referral's facts as of the
// day of now (Europe/London) and checks its meeting invitation's notice
// from the day it was received. It is pure: no storage, no clock.
func Classify(body Referral, receivedAt, now time.Time) Classification {
	today := civil.Today(now)
	res := eligibility.Classify(body.Facts, today)
	c := Classification{
		Result:          res,
		LevelSuggestion: eligibility.SuggestLevel(body.Facts, res),
		AsOf:            res.AsOf,
		ClassifiedAt:    now.UTC(),
	}
	if c.AsOf.IsZero() {
		c.AsOf = today
	}
	if inv := body.MeetingInvitation; inv != nil && !inv.Date.IsZero() {
		n := cadence.Default().CheckNotice(inv.Date, civil.Today(receivedAt))
		c.Notice = &n
	}
	return c
}
