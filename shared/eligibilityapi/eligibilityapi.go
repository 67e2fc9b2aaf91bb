// Package eligibilityapi is the HTTP edge of the eligibility engine:
// POST /v1/eligibility takes the facts about a person and answers with the
// full explained classification and the suggested level. Nothing is stored
// and nothing about the person is logged.
//
// Bad input gets a 422 problem+json that names every bad field by JSON
// pointer (unknown fields, wrong types, impossible or future dates, negative
// lengths, impossible combinations, facts with nothing to assess), through
// httpapi.Decode.
package eligibilityapi

import (
	"net/http"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Route is the pattern Register serves.
const Route = "POST /v1/eligibility"

// MaxBody is the largest request body accepted: facts with the maximum
// number of offences fit easily.
const MaxBody = 64 << 10

// Response is the body of a 200 answer. Review and Notice are there when
// the request asked for them.
type Response struct {
	Classification eligibility.Result          `json:"classification"`
	SuggestedLevel eligibility.LevelSuggestion `json:"suggestedLevel"`
	Review         *cadence.Window             `json:"review,omitempty"`
	Notice         *cadence.Notice             `json:"notice,omitempty"`
}

// ReviewQuery asks when the next review meeting falls: after a meeting on
// LastMeeting of a person managed at Level (2 or 3). A release or parole
// eligibility date in the facts keys the review to custody instead.
type ReviewQuery struct {
	Level       eligibility.Level `json:"level"`
	LastMeeting civil.Date        `json:"lastMeeting"`
}

// NoticeQuery asks whether an invitation received on Received for a
// meeting on Meeting gave enough notice (at least 14 days).
type NoticeQuery struct {
	Meeting  civil.Date `json:"meeting"`
	Received civil.Date `json:"received"`
}

// Register adds POST /v1/eligibility to rt for every staff role.
func Register(rt *auth.Router, clk clock.Clock) {
	rt.Handle(Route, access.Policy(Route), Handler(clk))
}

// Handler answers POST /v1/eligibility. Today is the date in London at the
// time of the request, from clk.
func Handler(clk clock.Clock) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := Request{today: civil.Today(clk.Now())}
		if !httpapi.Decode(w, r, MaxBody, &req) {
			return
		}
		asOf := req.today
		if !req.AsOf.IsZero() {
			asOf = req.AsOf
		}
		res := eligibility.ClassifyAsOf(req.Facts, asOf, req.today)
		out := Response{Classification: res, SuggestedLevel: eligibility.SuggestLevel(req.Facts, res)}
		planner := cadence.Default()
		if q := req.Review; q != nil {
			custody := cadence.Custody{ReleaseDate: req.Dates.ReleaseDate, ParoleEligibilityDate: req.Dates.ParoleEligibilityDate}
			win, err := planner.NextReview(q.Level, q.LastMeeting, custody)
			if err != nil { // Validate has ruled out every cause
				httpapi.Internal(w, r, err)
				return
			}
			out.Review = &win
		}
		if q := req.Notice; q != nil {
			n := planner.CheckNotice(q.Meeting, q.Received)
			out.Notice = &n
		}
		httpapi.JSON(w, http.StatusOK, out)
	})
}

// Request is the body: the facts, validated as of today, and optionally
// the review and notice questions.
type Request struct {
	eligibility.Facts
	// AsOf is the date the answer is for (default today in London): a
	// past referral or a future release.
	AsOf   civil.Date   `json:"asOf,omitzero"`
	Review *ReviewQuery `json:"review,omitempty"`
	Notice *NoticeQuery `json:"notice,omitempty"`
	today  civil.Date
}

// nothingToAssess says the request asks nothing: no review or notice
// question, and facts that hold nothing any category turns on (no offence,
// no notification status, no terrorism fact, no Category 3 judgement, no
// previous MAPPA management). Answering "not eligible" to that would be an
// answer about nobody, so the request is refused (422) naming what is
// missing. A review or notice question alone is answered (worked examples
// 6 and 7).
func (r *Request) nothingToAssess() bool {
	f := r.Facts
	return r.Review == nil && r.Notice == nil && len(f.Offences) == 0 && f.Notification == (eligibility.Notification{}) &&
		f.Terrorism == (eligibility.Terrorism{}) && f.Category3 == nil && f.PreviousManagement == nil
}

// Validate implements httpapi.Validator with the checks that need today.
func (r *Request) Validate() validation.Errors {
	errs := r.ValidateAt(r.today)
	if r.nothingToAssess() {
		errs.Add("/offences", "give at least one offence, or the notification status (/notification), the terrorism facts (/terrorism), the Category 3 judgements (/category3) or previous MAPPA management (/previousManagement): with none of them there is nothing to assess")
	}
	if !r.AsOf.IsZero() && (r.AsOf.Year < 1900 || r.AsOf.Year > r.today.Year+100) {
		errs.Add("/asOf", "must be a date between 1900 and 100 years from today")
	}
	if q := r.Review; q != nil {
		if q.Level != eligibility.Level2 && q.Level != eligibility.Level3 {
			errs.Add("/review/level", "must be 2 or 3: only levels 2 and 3 have review meetings")
		}
		errs.Required("/review/lastMeeting", q.LastMeeting.IsZero())
	}
	if q := r.Notice; q != nil {
		errs.Required("/notice/meeting", q.Meeting.IsZero())
		errs.Required("/notice/received", q.Received.IsZero())
	}
	return errs
}
