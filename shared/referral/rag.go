package referral

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mappa-coordinator/mappa/shared/validation"
)

// RAG is a case's traffic light (S0): GREEN an acceptable plan supported by
// a core group, risk being managed; AMBER a plan in place, high risk, may
// need multi-agency work; RED a limited plan, very high risk, needs
// multi-agency co-ordination. Staff set it, always with a reason.
type RAG string

// Traffic lights.
const (
	RAGGreen RAG = "green"
	RAGAmber RAG = "amber"
	RAGRed   RAG = "red"
)

// RAGs lists every traffic light.
var RAGs = []RAG{RAGGreen, RAGAmber, RAGRed}

// RAGChange is one setting of a case's traffic light: who, when, why.
type RAGChange struct {
	ID       string    `json:"id"`
	RAG      RAG       `json:"rag"`
	Previous RAG       `json:"previous,omitempty"`
	Reason   string    `json:"reason"`
	Actor    string    `json:"actor"`
	At       time.Time `json:"at"`
}

// RAGRequest is the body of POST /v1/staff/cases/{id}/rag.
type RAGRequest struct {
	RAG    RAG    `json:"rag"`
	Reason string `json:"reason"`
	// Version, if given, must be the case's current version.
	Version int `json:"version,omitempty"`
}

// Validate implements httpapi.Validator.
func (q RAGRequest) Validate() validation.Errors {
	var errs validation.Errors
	switch {
	case q.RAG == "":
		errs.Add("/rag", "is required")
	case !slices.Contains(RAGs, q.RAG):
		errs.Add("/rag", "must be green, amber or red")
	}
	if strings.TrimSpace(q.Reason) == "" {
		errs.Add("/reason", "is required: say why the traffic light is this colour")
	} else if utf8.RuneCountInString(q.Reason) > MaxLongText {
		errs.Add("/reason", fmt.Sprintf("is too long: at most %d characters", MaxLongText))
	}
	if q.Version < 0 {
		errs.Add("/version", "must be a version you read")
	}
	return errs
}
