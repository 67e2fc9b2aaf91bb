// Package eligibilityapi is the HTTP edge of the eligibility engine:
// POST /v1/eligibility takes the facts about a person and answers with the
// full explained classification and the suggested level. Nothing is stored
// and nothing about the person is logged.
//
// Bad input gets a 422 problem+json that names every bad field by JSON
// pointer (unknown fields, wrong types, impossible or future dates, negative
// lengths, impossible combinations), through httpapi.Decode.
package eligibilityapi

import (
	"net/http"

	"github.com/mappa-coordinator/mappa/shared/auth"
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

// Response is the body of a 200 answer.
type Response struct {
	Classification eligibility.Result          `json:"classification"`
	SuggestedLevel eligibility.LevelSuggestion `json:"suggestedLevel"`
}

// Register adds POST /v1/eligibility to rt for every staff role.
func Register(rt *auth.Router, clk clock.Clock) {
	rt.Handle(Route, auth.Staff(auth.Roles...), Handler(clk))
}

// Handler answers POST /v1/eligibility. Today is the date in London at the
// time of the request, from clk.
func Handler(clk clock.Clock) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := request{today: civil.Today(clk.Now())}
		if !httpapi.Decode(w, r, MaxBody, &req) {
			return
		}
		res := eligibility.Classify(req.Facts, req.today)
		httpapi.JSON(w, http.StatusOK, Response{
			Classification: res,
			SuggestedLevel: eligibility.SuggestLevel(req.Facts, res),
		})
	})
}

// request is the body: the facts, validated as of today.
type request struct {
	eligibility.Facts
	today civil.Date
}

// Validate implements httpapi.Validator with the checks that need today.
func (r *request) Validate() validation.Errors { return r.ValidateAt(r.today) }
