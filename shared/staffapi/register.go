package staffapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/register"
)

// Routes of the risk register.
const (
	RouteRegister       = "GET /v1/staff/register"
	RouteRegisterExport = "GET /v1/staff/register/export"
	RouteRegisterCounts = "GET /v1/staff/register/counts"
)

// MaxExport is the most rows one CSV download holds (a council has a few
// hundred open cases; the header X-Register-Truncated says when more
// matched).
const MaxExport = 5000

// RegisterStore is what the register reads (*store.Store satisfies it).
type RegisterStore interface {
	RegisterPage(ctx context.Context, q register.Query, today civil.Date) ([]register.Entry, register.Cursor, error)
	RegisterEntries(ctx context.Context, ids []string) ([]register.Entry, error)
}

// RegisterRow is one case in the register.
type RegisterRow struct {
	CaseID string     `json:"caseId"`
	Person PersonName `json:"person"`
	// RAG is red, amber or green; absent when nobody has set it.
	RAG string `json:"rag,omitempty"`
	// Level is the confirmed level (absent: not confirmed yet).
	Level int `json:"level,omitempty"`
	// Category is the MAPPA category (absent: not eligible or not
	// classified).
	Category int `json:"category,omitempty"`
	// Risk is the highest risk of serious harm in the latest referral.
	Risk       string      `json:"risk,omitempty"`
	NextReview *NextReview `json:"nextReview,omitempty"`
	Links      Links       `json:"links"`
}

// NextReview is when a case's next review is and why.
type NextReview struct {
	Date civil.Date `json:"date"`
	// Basis: booked (a meeting is booked for that day) or due (no meeting
	// is booked; the review window after the last meeting ends that day).
	Basis register.Basis `json:"basis"`
	// Days from today (negative: overdue by that many days).
	Days    int  `json:"days"`
	Overdue bool `json:"overdue"`
}

// RegisterList is GET /v1/staff/register.
type RegisterList struct {
	Items []RegisterRow `json:"items"`
	// Today is the day the days are counted from (Europe/London).
	Today civil.Date `json:"today"`
	Next  string     `json:"next,omitempty"`
	Links Links      `json:"links"`
}

func registerRow(e register.Entry, today civil.Date) RegisterRow {
	row := RegisterRow{
		CaseID: e.CaseID, Person: PersonName{GivenNames: e.GivenNames, FamilyName: e.FamilyName},
		Level: e.Level, Category: e.Category, Risk: e.Risk, Links: Links{Case: caseLink(e.CaseID)},
	}
	if e.Light != "none" {
		row.RAG = e.Light
	}
	if d, ok := e.DaysTo(today); ok {
		row.NextReview = &NextReview{Date: e.Next, Basis: e.Basis, Days: d, Overdue: d < 0}
	}
	return row
}

// registerEntries applies the row rules: business support officers read
// the index; everyone else the cases they may see, by id, paged with the
// same keys and cursors.
func (s *Service) registerEntries(ctx context.Context, scope access.Scope, q register.Query, today civil.Date) ([]register.Entry, register.Cursor, error) {
	rs, ok := s.store.(RegisterStore)
	if !ok {
		return nil, register.Cursor{}, ErrNotFound
	}
	if scope.All {
		return rs.RegisterPage(ctx, q, today)
	}
	ids := make([]string, 0, len(scope.Cases))
	for id := range scope.Cases {
		ids = append(ids, id)
	}
	all, err := rs.RegisterEntries(ctx, ids)
	if err != nil {
		return nil, register.Cursor{}, err
	}
	rows, next := register.PageOf(all, q, today)
	return rows, next, nil
}

// Register returns a page of the risk register the caller may see, after
// auditing the read (one record naming every case shown).
func (s *Service) Register(ctx context.Context, a Actor, q register.Query) ([]register.Entry, register.Cursor, civil.Date, error) {
	today := civil.Today(s.clock.Now())
	scope, err := s.access.ScopeOf(ctx, a.Identity)
	if err != nil {
		return nil, register.Cursor{}, today, err
	}
	rows, next, err := s.registerEntries(ctx, scope, q, today)
	if err != nil {
		return nil, register.Cursor{}, today, err
	}
	if err := s.auditRegister(ctx, a, rows); err != nil {
		return nil, register.Cursor{}, today, err
	}
	return rows, next, today, nil
}

func (s *Service) auditRegister(ctx context.Context, a Actor, rows []register.Entry) error {
	if len(rows) == 0 {
		return nil
	}
	e := s.entry(a, audit.ActionRegisterRead, "list:register", "")
	for _, r := range rows {
		e.Subjects = append(e.Subjects, "case:"+r.CaseID)
	}
	return s.audit.Record(ctx, e)
}

// RegisterExport is every row of the register that passes q's filters, in
// q's order (at most MaxExport; more reports true), audited.
func (s *Service) RegisterExport(ctx context.Context, a Actor, q register.Query) ([]register.Entry, civil.Date, bool, error) {
	today := civil.Today(s.clock.Now())
	q.Limit, q.After = register.MaxLimit, register.Cursor{}
	scope, err := s.access.ScopeOf(ctx, a.Identity)
	if err != nil {
		return nil, today, false, err
	}
	var all []register.Entry
	for {
		rows, next, err := s.registerEntries(ctx, scope, q, today)
		if err != nil {
			return nil, today, false, err
		}
		all = append(all, rows...)
		if next.IsZero() {
			break
		}
		if len(all) >= MaxExport {
			if err := s.auditRegister(ctx, a, all[:MaxExport]); err != nil {
				return nil, today, false, err
			}
			return all[:MaxExport], today, true, nil
		}
		q.After = next
	}
	if err := s.auditRegister(ctx, a, all); err != nil {
		return nil, today, false, err
	}
	return all, today, false, nil
}

// RegisterCounts counts the register: every open case for assistant
// directors (numbers only, no person), the caller's cases for the others.
func (s *Service) RegisterCounts(ctx context.Context, a Actor) (register.Counts, civil.Date, error) {
	today := civil.Today(s.clock.Now())
	scope, err := s.access.ScopeOf(ctx, a.Identity)
	if err != nil {
		return register.Counts{}, today, err
	}
	if a.Identity.Has(auth.RoleAD) {
		// Assistant directors: figures for the whole register; no case
		// data leaves, so there is no case read to audit.
		scope = access.Scope{All: true}
	}
	q := register.Query{Sort: register.SortReview, Limit: register.MaxLimit}
	var all []register.Entry
	for {
		rows, next, err := s.registerEntries(ctx, scope, q, today)
		if err != nil {
			return register.Counts{}, today, err
		}
		all = append(all, rows...)
		if next.IsZero() {
			break
		}
		q.After = next
	}
	return register.Count(all, today), today, nil
}

func (s *Service) handleRegister(w http.ResponseWriter, r *http.Request) {
	q, errs := register.ParseQuery(r.URL.Query())
	if !errs.OK() {
		httpapi.Invalid(w, r, errs)
		return
	}
	rows, next, today, err := s.Register(r.Context(), actor(r, RouteRegister), q)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := RegisterList{Items: []RegisterRow{}, Today: today, Links: Links{Self: "/v1/staff/register"}}
	for _, e := range rows {
		out.Items = append(out.Items, registerRow(e, today))
	}
	if !next.IsZero() {
		out.Next = next.Encode()
		v := q.Values()
		v.Set("cursor", out.Next)
		out.Links.Next = "/v1/staff/register?" + v.Encode()
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.JSON(w, http.StatusOK, out)
}

func (s *Service) handleRegisterExport(w http.ResponseWriter, r *http.Request) {
	q, errs := register.ParseQuery(r.URL.Query())
	if !errs.OK() {
		httpapi.Invalid(w, r, errs)
		return
	}
	rows, today, truncated, err := s.RegisterExport(r.Context(), actor(r, RouteRegisterExport), q)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="risk-register-`+today.String()+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Register-Rows", strconv.Itoa(len(rows)))
	if truncated {
		w.Header().Set("X-Register-Truncated", "true")
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(register.CSV(rows, today)) //nolint:gosec // text/csv as an attachment (nosniff), never HTML; cells that could be formulas are defused
}

// RegisterCountsBody is GET /v1/staff/register/counts.
type RegisterCountsBody struct {
	register.Counts
	Today civil.Date `json:"today"`
}

func (s *Service) handleRegisterCounts(w http.ResponseWriter, r *http.Request) {
	c, today, err := s.RegisterCounts(r.Context(), actor(r, RouteRegisterCounts))
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpapi.JSON(w, http.StatusOK, RegisterCountsBody{Counts: c, Today: today})
}
