// Package auditapi lets administrators read the audit: everything recorded
// about a case (the case, each of its referrals, meetings and minutes records: who viewed or changed
// what, when, through which route), and everything one person or client did
// over some days. Administrators see ids, actions and times, never case
// contents. Reading the audit is itself audited (audit.read), before the
// records are returned.
package auditapi

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Routes.
const (
	RouteCase   = "GET /v1/admin/audit/cases/{id}"
	RoutePerson = "GET /v1/admin/audit/people/{subject}"
)

// MaxDays is the longest range of days one person's audit read covers.
const MaxDays = 31

// Reader reads audit records (audit.Reader).
type Reader interface {
	BySubject(ctx context.Context, subject string) ([]audit.Entry, error)
	ByActor(ctx context.Context, actor string, from, to time.Time) ([]audit.Entry, error)
}

// Cases gives a case's referrals (*store.Store).
type Cases interface {
	GetCaseDetail(ctx context.Context, id, cursor string) (store.CaseDetail, error)
}

// Meetings lists a case's meetings (*meetingstore.Store), so the case's
// audit includes each meeting's and its minutes' records.
type Meetings interface {
	ListByCase(ctx context.Context, caseID, cursor string, limit int32) (meetingstore.Page, error)
}

// Recorder records the read of the audit.
type Recorder interface {
	Record(ctx context.Context, e audit.Entry) error
}

// API serves the audit to administrators.
type API struct {
	Reader Reader
	Cases  Cases
	// Meetings, if set, adds "meeting:<id>" and "minutes:<id>" of each of
	// the case's meetings to the case's audit.
	Meetings Meetings
	Audit    Recorder
	Clock    clock.Clock
	IDs      ids.Generator
}

// Record is one audit record as the API shows it.
type Record struct {
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	Subject   string    `json:"subject"`
	CaseID    string    `json:"caseId,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	RequestID string    `json:"requestId,omitempty"`
	Subjects  []string  `json:"subjects,omitempty"`
}

// Page is the answer: records newest first.
type Page struct {
	Items []Record `json:"items"`
	Count int      `json:"count"`
}

// Register adds the routes behind their gates in the access matrix.
func Register(rt *auth.Router, a *API) {
	rt.HandleFunc(RouteCase, access.Policy(RouteCase), a.handleCase)
	rt.HandleFunc(RoutePerson, access.Policy(RoutePerson), a.handlePerson)
}

func (a *API) recordRead(r *http.Request, subject, caseID, route string) error {
	id, _ := auth.From(r.Context())
	return a.Audit.Record(r.Context(), audit.Entry{ID: a.IDs.New(), At: a.Clock.Now(), Actor: id.Subject,
		Action: audit.ActionAuditRead, Subject: subject, CaseID: caseID, Reason: route, RequestID: httpapi.RequestID(r.Context())})
}

func (a *API) handleCase(w http.ResponseWriter, r *http.Request) {
	caseID := r.PathValue("id")
	d, err := a.Cases.GetCaseDetail(r.Context(), caseID, "")
	for err == nil && d.Next != "" {
		// Every referral of the case, page by page.
		var more store.CaseDetail
		if more, err = a.Cases.GetCaseDetail(r.Context(), caseID, d.Next); err == nil {
			d.Referrals, d.Next = append(d.Referrals, more.Referrals...), more.Next
		}
	}
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			httpapi.NotFound(w, r)
			return
		}
		httpapi.Internal(w, r, err)
		return
	}
	if err := a.recordRead(r, "case:"+caseID, caseID, RouteCase); err != nil {
		httpapi.Internal(w, r, err)
		return
	}
	subjects := []string{"case:" + caseID}
	for _, l := range d.Referrals {
		subjects = append(subjects, "referral:"+l.ReferralID)
	}
	for cursor := ""; a.Meetings != nil; {
		page, err := a.Meetings.ListByCase(r.Context(), caseID, cursor, 100)
		if err != nil {
			httpapi.Internal(w, r, err)
			return
		}
		for _, m := range page.Meetings {
			subjects = append(subjects, "meeting:"+m.ID, "minutes:"+m.ID)
		}
		if cursor = page.Cursor; cursor == "" {
			break
		}
	}
	var all []audit.Entry
	for _, s := range subjects {
		es, err := a.Reader.BySubject(r.Context(), s)
		if err != nil {
			httpapi.Internal(w, r, err)
			return
		}
		all = append(all, es...)
	}
	write(w, all)
}

func (a *API) handlePerson(w http.ResponseWriter, r *http.Request) {
	subject := r.PathValue("subject")
	q := r.URL.Query()
	today := a.Clock.Now().UTC().Truncate(24 * time.Hour)
	from, to := today.AddDate(0, 0, -6), today
	var errs validation.Errors
	parse := func(name string, dst *time.Time) {
		if v := q.Get(name); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				errs.Add("/"+name, "must be a date YYYY-MM-DD (query parameter)")
				return
			}
			*dst = t
		}
	}
	parse("from", &from)
	parse("to", &to)
	if errs.OK() && (to.Before(from) || to.Sub(from) > MaxDays*24*time.Hour) {
		errs.Add("/from", "must be on or before to, and at most 31 days before it (query parameter)")
	}
	if !errs.OK() {
		httpapi.Invalid(w, r, errs)
		return
	}
	if err := a.recordRead(r, "actor:"+subject, "", RoutePerson); err != nil {
		httpapi.Internal(w, r, err)
		return
	}
	es, err := a.Reader.ByActor(r.Context(), subject, from, to)
	if err != nil {
		httpapi.Internal(w, r, err)
		return
	}
	write(w, es)
}

func write(w http.ResponseWriter, es []audit.Entry) {
	slices.SortStableFunc(es, func(a, b audit.Entry) int { return b.At.Compare(a.At) })
	if len(es) > audit.MaxRead {
		es = es[:audit.MaxRead]
	}
	out := Page{Items: []Record{}, Count: len(es)}
	for _, e := range es {
		out.Items = append(out.Items, Record{At: e.At, Actor: e.Actor, Action: string(e.Action), Subject: e.Subject,
			CaseID: e.CaseID, Reason: e.Reason, RequestID: e.RequestID, Subjects: e.Subjects})
	}
	httpapi.JSON(w, http.StatusOK, out)
}
