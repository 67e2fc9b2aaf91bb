// Package retentionapi closes cases and places and lifts holds (the
// retention rules of shared/retention). Closing starts the retention
// period: the case's item gets its time-to-live attribute in the same
// transaction as the change and its audit entry, and the retention
// function (shared/retentionstream) stamps the case's other records with
// the same expiry from the cases stream. A hold clears the expiry (and the
// stream clears the records'); lifting it restores the expiry. Answers hold
// the case's retention state only, never its contents.
package retentionapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/aggregate"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/retention"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Routes.
const (
	RouteClose = "POST /v1/staff/cases/{id}/close"
	RouteHold  = "PUT /v1/staff/cases/{id}/hold"
)

// Audit actions.
const (
	ActionClose    audit.Action = "case.close"
	ActionHold     audit.Action = "case.hold"
	ActionHoldLift audit.Action = "case.hold-lift"
)

func init() {
	access.Add(
		access.Rule{Route: RouteClose, Policy: auth.Staff(auth.RoleServiceMgr, auth.RoleHeadOfService), Rows: access.RowsCases,
			Why: "Service managers and heads of service close the cases they may see (with a reason): closing starts the retention period after which the case and its records expire."},
		access.Rule{Route: RouteHold, Policy: auth.Staff(auth.RoleHeadOfService, auth.RoleAdmin), Rows: access.RowsCases,
			Why: "A hold stops a case's records expiring (litigation, an inquiry, a safeguarding practice review, a subject access request): heads of service for the cases they may see, and administrators (information governance) for any case by its id; the answer holds the retention state only, never the case's contents. Always with a reason; audited."},
	)
}

// Cases is the case store (*store.Store).
type Cases interface {
	UpdateCase(ctx context.Context, id string, fn func(*store.Case) (store.CaseEffects, error)) (store.Case, error)
}

// Access is the row rules (access.Cases).
type Access interface {
	CanSeeCase(ctx context.Context, who auth.Identity, caseID string) (bool, error)
}

// API serves closing and holds.
type API struct {
	Cases  Cases
	Access Access
	Policy retention.Policy
	Clock  clock.Clock
	IDs    ids.Generator
}

// Register adds the routes behind their gates in the access matrix.
func Register(rt *auth.Router, a *API) {
	rt.HandleFunc(RouteClose, access.Policy(RouteClose), a.close)
	rt.HandleFunc(RouteHold, access.Policy(RouteHold), a.hold)
}

// CloseRequest closes a case.
type CloseRequest struct {
	Reason string `json:"reason"`
}

// HoldRequest places (held true) or lifts (held false) a hold.
type HoldRequest struct {
	Held   *bool  `json:"held"`
	Reason string `json:"reason"`
}

func reason(errs *validation.Errors, v string) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		errs.Add("/reason", "enter the reason")
	case utf8.RuneCountInString(v) > 500:
		errs.Add("/reason", "must be 500 characters or fewer")
	}
}

// Validate implements httpapi.Validator.
func (q CloseRequest) Validate() validation.Errors {
	var errs validation.Errors
	reason(&errs, q.Reason)
	return errs
}

// Validate implements httpapi.Validator.
func (q HoldRequest) Validate() validation.Errors {
	var errs validation.Errors
	if q.Held == nil {
		errs.Add("/held", "say whether to place (true) or lift (false) the hold")
	}
	reason(&errs, q.Reason)
	return errs
}

// Body is the answer: the case's retention state.
type Body struct {
	CaseID        string          `json:"caseId"`
	Status        string          `json:"status"`
	Retention     retention.State `json:"retention"`
	RetentionDays int             `json:"retentionDays"`
	Version       int             `json:"version"`
}

var errForbidden = errors.New("retentionapi: forbidden")

func (a *API) change(w http.ResponseWriter, r *http.Request, route string, action func(*store.Case, auth.Identity, time.Time) (audit.Action, error)) {
	who, _ := auth.From(r.Context())
	id := r.PathValue("id")
	if !who.Has(auth.RoleAdmin) || route != RouteHold {
		ok, err := a.Access.CanSeeCase(r.Context(), who, id)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !ok {
			a.fail(w, r, errForbidden)
			return
		}
	}
	c, err := a.Cases.UpdateCase(r.Context(), id, func(c *store.Case) (store.CaseEffects, error) {
		now := a.Clock.Now()
		act, err := action(c, who, now)
		if err != nil {
			return store.CaseEffects{}, err
		}
		e := audit.Entry{ID: a.IDs.New(), At: now, Actor: who.Subject, Action: act, Subject: "case:" + id, CaseID: id,
			Reason: route, RequestID: httpapi.RequestID(r.Context())}
		return store.CaseEffects{Effects: aggregate.Effects{Audit: []audit.Entry{e}}}, nil
	})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, Body{CaseID: c.ID, Status: c.Status, Retention: c.Retention, RetentionDays: a.Policy.Days, Version: c.Version})
}

func (a *API) close(w http.ResponseWriter, r *http.Request) {
	var q CloseRequest
	if !httpapi.Decode(w, r, 8<<10, &q) {
		return
	}
	a.change(w, r, RouteClose, func(c *store.Case, who auth.Identity, now time.Time) (audit.Action, error) {
		if c.Status == store.CaseMerged {
			return "", errMerged
		}
		if err := a.Policy.Close(&c.Retention, who.Subject, q.Reason, now); err != nil {
			return "", err
		}
		c.Status = store.CaseClosed
		return ActionClose, nil
	})
}

var errMerged = errors.New("retentionapi: the case was merged into another; close that one")

func (a *API) hold(w http.ResponseWriter, r *http.Request) {
	var q HoldRequest
	if !httpapi.Decode(w, r, 8<<10, &q) {
		return
	}
	a.change(w, r, RouteHold, func(c *store.Case, who auth.Identity, now time.Time) (audit.Action, error) {
		if *q.Held {
			return ActionHold, a.Policy.PlaceHold(&c.Retention, who.Subject, q.Reason, now)
		}
		_, err := a.Policy.LiftHold(&c.Retention, who.Subject, q.Reason, now)
		return ActionHoldLift, err
	})
}

func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, errForbidden):
		httpapi.Forbidden(w, r, "You can act only on the cases you may see.")
	case errors.Is(err, store.ErrNotFound):
		httpapi.NotFound(w, r)
	case errors.Is(err, retention.ErrClosed), errors.Is(err, retention.ErrHeld), errors.Is(err, retention.ErrNotHeld), errors.Is(err, errMerged):
		s := err.Error()[strings.Index(err.Error(), ": ")+2:]
		httpapi.Conflict(w, r, strings.ToUpper(s[:1])+s[1:]+".")
	case errors.Is(err, store.ErrVersionConflict):
		httpapi.Conflict(w, r, "Someone changed this case meanwhile. Try again.")
	case httpapi.Unavailable(err):
		httpapi.ServiceUnavailable(w, r)
	default:
		httpapi.Internal(w, r, err)
	}
}
