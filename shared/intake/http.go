package intake

import (
	"errors"
	"net/http"
	"time"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/referral"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Route patterns of the agency API.
const (
	RoutePost   = "POST /v1/referrals"
	RouteStatus = "GET /v1/referrals/{id}"
	// RouteInformation is the referring agency's answer to a request for
	// more information.
	RouteInformation = "POST /v1/referrals/{id}/information"
)

// HeaderIdempotencyKey is the request header that makes a POST retry-safe.
const HeaderIdempotencyKey = "Idempotency-Key"

// MaxKey is the longest Idempotency-Key accepted.
const MaxKey = 255

// Register adds the agency routes to rt.
func Register(rt *auth.Router, svc *Service) {
	rt.HandleFunc(RoutePost, access.Policy(RoutePost), svc.handlePost)
	rt.HandleFunc(RouteStatus, access.Policy(RouteStatus), svc.handleStatus)
	rt.HandleFunc(RouteInformation, access.Policy(RouteInformation), svc.handleInformation)
}

func (s *Service) handleInformation(w http.ResponseWriter, r *http.Request) {
	id, _ := auth.From(r.Context())
	var q referral.InformationRequest
	if !httpapi.Decode(w, r, 64<<10, &q) {
		return
	}
	v, err := s.Inform(r.Context(), id.Subject, r.PathValue("id"), q, httpapi.RequestID(r.Context()), RouteInformation)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	httpapi.Logger(r.Context()).Info("more information received", "referralId", v.ID, "status", string(v.Status))
	httpapi.JSON(w, http.StatusOK, StatusBody{
		ID: v.ID, AgencyReference: v.AgencyReference, Status: v.Status,
		ReceivedAt: v.ReceivedAt, UpdatedAt: v.UpdatedAt, Links: Links{Self: "/v1/referrals/" + v.ID},
	})
}

// Links are the related resources of a referral.
type Links struct {
	Self string `json:"self"`
	Case string `json:"case,omitempty"`
}

// Accepted is the 202 body of POST /v1/referrals.
type Accepted struct {
	ID     string          `json:"id"`
	Status referral.Status `json:"status"`
	Links  Links           `json:"links"`
}

// StatusBody is the 200 body of GET /v1/referrals/{id}.
type StatusBody struct {
	ID              string          `json:"id"`
	AgencyReference string          `json:"agencyReference"`
	Status          referral.Status `json:"status"`
	ReceivedAt      time.Time       `json:"receivedAt"`
	UpdatedAt       time.Time       `json:"updatedAt"`
	// Decision is there once a business support officer has decided: for
	// more-information-needed it says what is needed.
	Decision *AgencyDecision `json:"decision,omitempty"`
	Links    Links           `json:"links"`
}

// DecodeReferral reads and validates a referral body strictly, as of
// today in London. On failure it has written the problem (400, 413, 415,
// 422) and returns false.
func (s *Service) DecodeReferral(w http.ResponseWriter, r *http.Request) (referral.Referral, bool) {
	d := referral.NewDraft(s.Today())
	if !httpapi.Decode(w, r, httpapi.MaxBody, d) {
		return referral.Referral{}, false
	}
	return d.Referral, true
}

// RefKey is the idempotency key an agency's own reference claims.
func RefKey(agencyReference string) string { return "ref:" + agencyReference }

// IdempotencyKey returns the request's Idempotency-Key header, or the
// agency's own reference when there is none. On a bad header it writes a
// 400 problem and returns false.
func IdempotencyKey(w http.ResponseWriter, r *http.Request, body referral.Referral) (string, bool) {
	vs := r.Header.Values(HeaderIdempotencyKey)
	if len(vs) == 0 {
		return RefKey(body.AgencyReference), true
	}
	k := vs[0]
	ok := len(vs) == 1 && len(k) > 0 && len(k) <= MaxKey
	for i := 0; ok && i < len(k); i++ {
		ok = k[i] >= 0x21 && k[i] <= 0x7e
	}
	if !ok {
		httpapi.WriteProblem(w, r, httpapi.Problem{
			Type: TypeBadIdempotencyKey, Status: http.StatusBadRequest, Title: "The Idempotency-Key header is not valid",
			Detail: "Send one Idempotency-Key of 1 to 255 visible ASCII characters, or none to use agencyReference.",
		})
		return "", false
	}
	return "key:" + k, true
}

// AgencyScope is the idempotency scope of a referral an agency's machine
// client posts: the client itself. It never meets the scope of a referral
// staff entered (staffapi.StaffEntryScope), so an agency's 409 can never
// reveal that a reference exists elsewhere.
func AgencyScope(clientID string) string { return "client:" + clientID }

// BindAgency makes the referring agency the one the token belongs to
// (issue 12: a police client must not post as a prison). The body may name
// the unit within the agency (referringAgency.name); its type, if given,
// must be the token's agency. On a mismatch it writes a 422 and returns
// false.
func BindAgency(w http.ResponseWriter, r *http.Request, body *referral.Referral, agency string) bool {
	if body.ReferringAgency.Type != referral.AgencyType(agency) {
		httpapi.Invalid(w, r, validation.Errors{{Pointer: "/referringAgency/type",
			Detail: "must be your own agency (" + agency + "): the referring agency is the one your API client is registered to; name your unit in referringAgency.name"}})
		return false
	}
	return true
}

// TypeBadIdempotencyKey is the problem type of a malformed Idempotency-Key.
const TypeBadIdempotencyKey = "/problems/bad-idempotency-key"

// WriteError writes the problem for an error from Submit or Status.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrKeyReused):
		httpapi.Conflict(w, r, "This idempotency key (or agency reference) was already used for a different referral. Use a new key for a new referral.")
	case errors.Is(err, ErrReferenceReused):
		httpapi.Conflict(w, r, "Your agency already sent a different referral with this agencyReference. Send a correction as more information on that referral, or use a new reference for a new referral.")
	case errors.Is(err, ErrNotFound):
		httpapi.NotFound(w, r)
	case errors.Is(err, ErrNotAsked):
		httpapi.Conflict(w, r, "No information was asked for: the referral is not waiting for more information. Read its status with GET /v1/referrals/{id}.")
	case errors.Is(err, ErrBusy):
		w.Header().Set("Retry-After", "1")
		httpapi.WriteProblem(w, r, httpapi.Problem{Type: httpapi.TypeUnavailable, Status: http.StatusServiceUnavailable,
			Title: "Busy", Detail: "Too many changes at once. Send the same request again."})
	default:
		httpapi.Internal(w, r, err)
	}
}

func (s *Service) handlePost(w http.ResponseWriter, r *http.Request) {
	id, _ := auth.From(r.Context())
	body, ok := s.DecodeReferral(w, r)
	if !ok {
		return
	}
	if !BindAgency(w, r, &body, id.Agency) {
		return
	}
	key, ok := IdempotencyKey(w, r, body)
	if !ok {
		return
	}
	rec, err := s.Submit(r.Context(), Submission{
		Referral: body, Scope: AgencyScope(id.Subject), Agency: id.Agency, Key: key, Actor: id.Subject, Source: SourceAgency,
		RequestID: httpapi.RequestID(r.Context()), Route: RoutePost,
	})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	httpapi.Logger(r.Context()).Info("referral received",
		"referralId", rec.ReferralID, "caseId", rec.CaseID, "replayed", rec.Replayed, "newCase", rec.NewCase)
	self := "/v1/referrals/" + rec.ReferralID
	w.Header().Set("Location", self)
	if rec.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	httpapi.JSON(w, http.StatusAccepted, Accepted{ID: rec.ReferralID, Status: rec.Status, Links: Links{Self: self}})
}

func (s *Service) handleStatus(w http.ResponseWriter, r *http.Request) {
	id, _ := auth.From(r.Context())
	v, err := s.Status(r.Context(), id.Subject, r.PathValue("id"), httpapi.RequestID(r.Context()), RouteStatus)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, StatusBody{
		ID: v.ID, AgencyReference: v.AgencyReference, Status: v.Status,
		ReceivedAt: v.ReceivedAt, UpdatedAt: v.UpdatedAt, Decision: v.Decision, Links: Links{Self: "/v1/referrals/" + v.ID},
	})
}
