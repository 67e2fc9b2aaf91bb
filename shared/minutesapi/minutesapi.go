// Package minutesapi is the staff API of the records kept about MAPPA
// minutes (shared/minutes): the record of a meeting's minutes for those who
// may see the case, and the child-relevant extract only for those who may
// see the child's record (access.Cases.CanSeeChildRecord). Every read is
// audited before it is answered (minutes.read, or minutes.extract-read when
// the extract is in the answer); every change carries its audit entry in its
// own transaction (minutes.write). The system never holds the minutes.
package minutesapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/minutes"
	"github.com/mappa-coordinator/mappa/shared/minutestore"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Routes.
const (
	RouteGet     = "GET /v1/staff/meetings/{id}/minutes"
	RouteStep    = "POST /v1/staff/meetings/{id}/minutes"
	RouteExtract = "PUT /v1/staff/meetings/{id}/minutes/extract"
)

// Audit actions.
const (
	ActionRead        audit.Action = "minutes.read"
	ActionExtractRead audit.Action = "minutes.extract-read"
	ActionWrite       audit.Action = "minutes.write"
)

var (
	caseWorkers  = []auth.Role{auth.RoleBSO, auth.RoleSocialWorker, auth.RoleTeamManager, auth.RoleServiceMgr, auth.RoleHeadOfService}
	childWorkers = []auth.Role{auth.RoleSocialWorker, auth.RoleTeamManager, auth.RoleServiceMgr, auth.RoleHeadOfService}
)

func init() {
	access.Add(
		access.Rule{Route: RouteGet, Policy: auth.Staff(caseWorkers...), Rows: access.RowsChildRecord,
			Why: "The record of a meeting's minutes (received, shared with the chair's authority, destroyed, filed) for those who may see the case; the child-relevant extract only for those who may see the child's record (social workers and managers assigned to the case or over someone who is), never business support officers through their inbox-wide view. Audited."},
		access.Rule{Route: RouteStep, Policy: auth.Staff(caseWorkers...), Rows: access.RowsCases,
			Why: "Business support officers and the case's social workers and managers record that minutes were received, shared onward on the chair's authority, destroyed, or (where the offender is a child) filed."},
		access.Rule{Route: RouteExtract, Policy: auth.Staff(childWorkers...), Rows: access.RowsChildRecord,
			Why: "Only those who may see the child's record write the child-relevant extract: it goes to the child's case notes, not to the inbox."},
	)
}

// Meetings reads meetings (*meetingstore.Store).
type Meetings interface {
	GetMeeting(ctx context.Context, id string) (meeting.Meeting, error)
}

// Cases reads cases (*store.Store): the person's date of birth decides
// whether the offender is a child.
type Cases interface {
	GetCase(ctx context.Context, id string) (store.Case, error)
}

// Access is the row rules (access.Cases).
type Access interface {
	CanSeeCase(ctx context.Context, who auth.Identity, caseID string) (bool, error)
	CanSeeChildRecord(ctx context.Context, who auth.Identity, caseID string) (bool, error)
}

// Recorder records reads in the audit.
type Recorder interface {
	Record(ctx context.Context, e audit.Entry) error
}

// API serves the minutes records.
type API struct {
	Store    *minutestore.Store
	Meetings Meetings
	Cases    Cases
	Access   Access
	Audit    Recorder
	Clock    clock.Clock
	IDs      ids.Generator
}

// Register adds the routes behind their gates in the access matrix.
func Register(rt *auth.Router, a *API) {
	rt.HandleFunc(RouteGet, access.Policy(RouteGet), a.get)
	rt.HandleFunc(RouteStep, access.Policy(RouteStep), a.step)
	rt.HandleFunc(RouteExtract, access.Policy(RouteExtract), a.extract)
}

// Body is the answer: the record, and the extract where the caller may
// see it.
type Body struct {
	minutes.Record
	Version int `json:"version"`
	// ExtractVisible: the caller may see the child's record, so the
	// extract (if any) is in ExtractText. When false and an extract was
	// made, Extract says who made it and when, and its text is withheld.
	ExtractVisible bool   `json:"extractVisible"`
	ExtractText    string `json:"extractText,omitempty"`
}

// StepRequest is one step: received, shared, destroyed or filed.
type StepRequest struct {
	Step        string     `json:"step"`
	On          civil.Date `json:"on"`
	From        string     `json:"from,omitempty"`
	To          string     `json:"to,omitempty"`
	ApprovedBy  string     `json:"approvedBy,omitempty"`
	DestroyedBy string     `json:"destroyedBy,omitempty"`
	Where       string     `json:"where,omitempty"`
}

func oneLine(errs *validation.Errors, ptr, v, what string) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		errs.Add(ptr, "enter "+what)
	case utf8.RuneCountInString(v) > 200:
		errs.Add(ptr, "must be 200 characters or fewer")
	case strings.ContainsAny(v, "\t\r\n"):
		errs.Add(ptr, "must be one line")
	}
}

// Validate implements httpapi.Validator.
func (q StepRequest) Validate() validation.Errors {
	var errs validation.Errors
	if q.On.IsZero() {
		errs.Add("/on", "enter the date (YYYY-MM-DD)")
	}
	unused := func(ptr, v string) {
		if v != "" {
			errs.Add(ptr, "does not belong to step "+q.Step)
		}
	}
	switch q.Step {
	case "received":
		oneLine(&errs, "/from", q.From, "who the minutes came from (the MAPPA co-ordinator's unit or the chair's office)")
		unused("/to", q.To)
		unused("/approvedBy", q.ApprovedBy)
		unused("/destroyedBy", q.DestroyedBy)
		unused("/where", q.Where)
	case "shared":
		oneLine(&errs, "/to", q.To, "who the minutes were shared with")
		oneLine(&errs, "/approvedBy", q.ApprovedBy, "the chair who agreed to the sharing")
		unused("/from", q.From)
		unused("/destroyedBy", q.DestroyedBy)
		unused("/where", q.Where)
	case "destroyed":
		oneLine(&errs, "/destroyedBy", q.DestroyedBy, "who destroyed the minutes")
		unused("/from", q.From)
		unused("/to", q.To)
		unused("/approvedBy", q.ApprovedBy)
		unused("/where", q.Where)
	case "filed":
		oneLine(&errs, "/where", q.Where, "where on the child's record the minutes were filed")
		unused("/from", q.From)
		unused("/to", q.To)
		unused("/approvedBy", q.ApprovedBy)
		unused("/destroyedBy", q.DestroyedBy)
	default:
		errs.Add("/step", "must be received, shared, destroyed or filed")
	}
	return errs
}

// ExtractRequest is the child-relevant extract.
type ExtractRequest struct {
	Text string `json:"text"`
}

// Validate implements httpapi.Validator.
func (q ExtractRequest) Validate() validation.Errors {
	var errs validation.Errors
	switch n := utf8.RuneCountInString(strings.TrimSpace(q.Text)); {
	case n == 0:
		errs.Add("/text", "enter what in the minutes concerns the child")
	case n > minutes.MaxExtract:
		errs.Add("/text", fmt.Sprintf("must be %d characters or fewer (what concerns the child, not the minutes)", minutes.MaxExtract))
	}
	return errs
}

var errForbidden = errors.New("minutesapi: forbidden")

func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var verrs validation.Errors
	switch {
	case errors.As(err, &verrs):
		httpapi.Invalid(w, r, verrs)
	case errors.Is(err, errForbidden):
		httpapi.Forbidden(w, r, "You can see only the cases you are assigned to.")
	case errors.Is(err, errChildRecord):
		httpapi.Forbidden(w, r, "Only those who may see the child's record write the child-relevant extract.")
	case errors.Is(err, store.ErrNotFound), errors.Is(err, errNoMeeting), errors.Is(err, minutestore.ErrNotFound):
		httpapi.NotFound(w, r)
	case errors.Is(err, minutestore.ErrExists), errors.Is(err, minutestore.ErrConflict):
		httpapi.Conflict(w, r, "The minutes are already recorded as received, or someone changed the record meanwhile. Reload it.")
	case errors.Is(err, minutes.ErrNotReceived), errors.Is(err, minutes.ErrDestroyed), errors.Is(err, minutes.ErrAlreadyFiled),
		errors.Is(err, minutes.ErrFiled), errors.Is(err, minutes.ErrNotChildOffender), errors.Is(err, minutes.ErrAlreadyReceived):
		httpapi.Conflict(w, r, sentence(err))
	case errors.Is(err, minutes.ErrFuture), errors.Is(err, minutes.ErrBeforeReceived), errors.Is(err, minutes.ErrBeforeMeeting):
		httpapi.Invalid(w, r, validation.Errors{{Pointer: "/on", Detail: strings.TrimPrefix(err.Error(), "minutes: ")}})
	case httpapi.Unavailable(err):
		httpapi.ServiceUnavailable(w, r)
	default:
		httpapi.Internal(w, r, err)
	}
}

func sentence(err error) string {
	s := strings.TrimPrefix(err.Error(), "minutes: ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

var (
	errNoMeeting   = errors.New("minutesapi: no such meeting")
	errChildRecord = errors.New("minutesapi: not the child's record")
)

// meeting reads the meeting and checks the caller may see its case.
func (a *API) meeting(r *http.Request, who auth.Identity) (meeting.Meeting, error) {
	m, err := a.Meetings.GetMeeting(r.Context(), r.PathValue("id"))
	if err != nil {
		if errors.Is(err, meetingstore.ErrNotFound) {
			return m, fmt.Errorf("%w: %w", errNoMeeting, err)
		}
		return m, err
	}
	ok, err := a.Access.CanSeeCase(r.Context(), who, m.CaseID)
	if err != nil {
		return m, err
	}
	if !ok {
		return m, errForbidden
	}
	return m, nil
}

func (a *API) entry(r *http.Request, who auth.Identity, action audit.Action, m meeting.Meeting, route string) audit.Entry {
	return audit.Entry{ID: a.IDs.New(), At: a.Clock.Now(), Actor: who.Subject, Action: action,
		Subject: "minutes:" + m.ID, CaseID: m.CaseID, Reason: route, RequestID: httpapi.RequestID(r.Context())}
}

// current returns the stored record, or a new one (nothing received yet).
func (a *API) current(ctx context.Context, m meeting.Meeting) (minutestore.Record, error) {
	rec, err := a.Store.Get(ctx, m.ID)
	if errors.Is(err, minutestore.ErrNotFound) {
		c, err := a.Cases.GetCase(ctx, m.CaseID)
		if err != nil {
			return rec, err
		}
		return minutestore.Record{Record: minutes.New(m.ID, m.CaseID, m.Date, c.Person.DateOfBirth)}, nil
	}
	return rec, err
}

func (a *API) get(w http.ResponseWriter, r *http.Request) {
	who, _ := auth.From(r.Context())
	m, err := a.meeting(r, who)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.answer(w, r, who, m, http.StatusOK)
}

// answer audits the read and writes the record, with the extract only for
// those who may see the child's record (read only for them).
func (a *API) answer(w http.ResponseWriter, r *http.Request, who auth.Identity, m meeting.Meeting, status int) {
	rec, err := a.current(r.Context(), m)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	child, err := a.Access.CanSeeChildRecord(r.Context(), who, m.CaseID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	body := Body{Record: rec.Record, Version: rec.Version, ExtractVisible: child}
	if body.Shared == nil {
		body.Shared = []minutes.Share{}
	}
	action := ActionRead
	if child && rec.Extract != nil {
		x, ok, err := a.Store.GetExtract(r.Context(), m.ID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if ok {
			body.ExtractText, action = x.Text, ActionExtractRead
		}
	}
	if err := a.Audit.Record(r.Context(), a.entry(r, who, action, m, RouteGet)); err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.JSON(w, status, body)
}

func (a *API) step(w http.ResponseWriter, r *http.Request) {
	who, _ := auth.From(r.Context())
	var q StepRequest
	if !httpapi.Decode(w, r, 8<<10, &q) {
		return
	}
	m, err := a.meeting(r, who)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	now := a.Clock.Now()
	write := []audit.Entry{a.entry(r, who, ActionWrite, m, RouteStep)}
	write[0].Reason = RouteStep + " " + q.Step
	if q.Step == "received" {
		rec, err := a.current(r.Context(), m)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if rec.Version > 0 {
			a.fail(w, r, minutes.ErrAlreadyReceived)
			return
		}
		if err := rec.Receive(q.On, q.From, who.Subject, now); err != nil {
			a.fail(w, r, err)
			return
		}
		if _, err := a.Store.Receive(r.Context(), rec.Record, write); err != nil {
			a.fail(w, r, err)
			return
		}
		a.answer(w, r, who, m, http.StatusCreated)
		return
	}
	_, err = a.Store.Update(r.Context(), m.ID, func(rec *minutes.Record) (minutestore.Change, error) {
		var err error
		switch q.Step {
		case "shared":
			err = rec.AddShare(q.To, q.On, q.ApprovedBy, who.Subject, now)
		case "destroyed":
			err = rec.Destroy(q.On, q.DestroyedBy, who.Subject, now)
		case "filed":
			err = rec.File(q.On, q.Where, who.Subject, now)
		}
		return minutestore.Change{Audit: write}, err
	})
	if errors.Is(err, minutestore.ErrNotFound) {
		err = minutes.ErrNotReceived
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.answer(w, r, who, m, http.StatusOK)
}

func (a *API) extract(w http.ResponseWriter, r *http.Request) {
	who, _ := auth.From(r.Context())
	var q ExtractRequest
	if !httpapi.Decode(w, r, 64<<10, &q) {
		return
	}
	m, err := a.meeting(r, who)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ok, err := a.Access.CanSeeChildRecord(r.Context(), who, m.CaseID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !ok {
		a.fail(w, r, errChildRecord)
		return
	}
	now := a.Clock.Now()
	e := a.entry(r, who, ActionWrite, m, RouteExtract)
	_, err = a.Store.Update(r.Context(), m.ID, func(rec *minutes.Record) (minutestore.Change, error) {
		x, err := rec.SetExtract(q.Text, who.Subject, now)
		if err != nil {
			return minutestore.Change{}, err
		}
		return minutestore.Change{Audit: []audit.Entry{e}, Extract: &x}, nil
	})
	if errors.Is(err, minutestore.ErrNotFound) {
		err = minutes.ErrNotReceived
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.answer(w, r, who, m, http.StatusOK)
}
