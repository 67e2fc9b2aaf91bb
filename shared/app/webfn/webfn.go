// Package webfn builds the WebFunction's handler: the staff API, the
// eligibility check, the OpenAPI document and the static front end. It is
// its own package so functions/web links and initialises only what the
// web function uses (shared/app gathers every function for the dev server).
package webfn

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/mappa-coordinator/mappa/frontend"
	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/app/noticefn"
	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auditapi"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/eligibilityapi"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/intake"
	"github.com/mappa-coordinator/mappa/shared/meetingapi"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/minutesapi"
	"github.com/mappa-coordinator/mappa/shared/minutestore"
	"github.com/mappa-coordinator/mappa/shared/noticeapi"
	"github.com/mappa-coordinator/mappa/shared/openapi"
	"github.com/mappa-coordinator/mappa/shared/report"
	"github.com/mappa-coordinator/mappa/shared/reportapi"
	"github.com/mappa-coordinator/mappa/shared/reportstore"
	"github.com/mappa-coordinator/mappa/shared/retentionapi"
	"github.com/mappa-coordinator/mappa/shared/staffapi"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// Router builds the WebFunction's router. It is returned as a *auth.Router
// so tests can list its routes and policies.
func Router(ctx context.Context, deps wiring.Deps) (*auth.Router, error) {
	if err := deps.Tables.Require(dynamo.EnvReferrals, dynamo.EnvCases, dynamo.EnvAudit, dynamo.EnvRota, dynamo.EnvMeetings); err != nil {
		return nil, fmt.Errorf("app: web: %w", err)
	}
	st := store.New(deps.DB, deps.Tables, deps.Clock)
	aud := audit.Writer{DB: deps.DB, Table: deps.Tables.Audit}
	in := intake.NewService(st, aud, deps.Clock, deps.IDs)

	rt := auth.NewRouter(deps.Config.Agencies)
	ms := meetingstore.New(deps.DB, meetingstore.TablesFrom(deps.Tables), deps.Clock)
	cases := access.Cases{Assignments: directoryTeams{base: assignstore.Store{DB: deps.DB, Table: deps.Tables.Cases}, dir: ms}}
	staffapi.Register(rt, staffapi.New(st, in, aud, cases, deps.Clock, deps.IDs))
	meetingapi.Register(rt, meetingapi.New(ms, st, aud, cases, deps.Clock, deps.IDs))
	minutesapi.Register(rt, &minutesapi.API{
		Store:    minutestore.New(deps.DB, deps.Tables.Meetings, deps.Tables.Audit, deps.Tables.Outbox, deps.Clock),
		Meetings: ms, Cases: st, Access: cases, Audit: aud, Clock: deps.Clock, IDs: deps.IDs,
	})
	retentionapi.Register(rt, &retentionapi.API{Cases: st, Access: cases, Policy: wiring.Retention(deps.Config), Clock: deps.Clock, IDs: deps.IDs})
	eligibilityapi.Register(rt, deps.Clock)
	reportapi.Register(rt, func(ctx context.Context, months []string) (map[string]map[report.Metric]int, error) {
		return reportstore.Read(ctx, deps.DB, deps.Tables.Referrals, months)
	}, func(ctx context.Context, today civil.Date) (int, int, error) {
		return reportstore.ReadOpenActions(ctx, deps.DB, deps.Tables.Referrals, today)
	}, deps.Clock)
	eligibilityapi.RegisterOffences(rt)
	openapi.Register(rt)
	auditapi.Register(rt, &auditapi.API{Reader: audit.Reader{DB: deps.DB, Table: deps.Tables.Audit}, Cases: st, Meetings: ms, Audit: aud, Clock: deps.Clock, IDs: deps.IDs})
	notices, err := noticefn.Notices(ctx, deps)
	if err != nil {
		return nil, fmt.Errorf("app: web: %w", err)
	}
	noticeapi.Register(rt, &noticeapi.API{Notices: notices, Cases: cases, Audit: aud, IDs: deps.IDs, Clock: deps.Clock})

	fe := frontend.Handler(frontend.Config{
		AuthBaseURL: deps.Config.AuthBaseURL,
		ClientID:    deps.Config.StaffClient,
		AppOrigin:   deps.Config.AppOrigin,
	})
	// "GET /" matches every GET path no other route claims: the pages of the
	// app and its assets (template.yaml: GET / and GET /{proxy+}, public).
	notAllowed := MethodNotAllowed()
	rt.Handle("GET /", access.Policy("GET /"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A GET under /v1/ that no route takes: 405 if the path takes
		// other methods (GET /v1/eligibility), else 404.
		if strings.HasPrefix(r.URL.Path, "/v1/") && r.URL.Path != openapi.Path {
			notAllowed.ServeHTTP(w, r)
			return
		}
		fe.ServeHTTP(w, r)
	}))
	// template.yaml routes every other method (ANY /{proxy+}) here, so a
	// method a path does not have is 405 with Allow, on AWS as locally.
	rt.Handle("/", access.Policy("ANY /"), notAllowed)
	return rt, nil
}

// MethodNotAllowed answers a request no route of any function takes: 405
// with Allow listing the methods the path has (from the access matrix,
// which lists every route of every function), or 404 if it has none.
func MethodNotAllowed() http.Handler {
	probe := http.NewServeMux()
	nop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, r := range access.Matrix {
		if r.Route == "GET /" || r.Route == "ANY /" || !strings.Contains(r.Route, " ") {
			continue
		}
		probe.Handle(r.Route, nop)
	}
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		app := !strings.HasPrefix(r.URL.Path, "/v1/")
		for _, m := range methods {
			if m == http.MethodGet && app {
				allow = append(allow, m) // the app's pages and files
				continue
			}
			q := r.Clone(r.Context())
			q.Method = m
			if _, pattern := probe.Handler(q); pattern != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			httpapi.NotFound(w, r)
			return
		}
		if slices.Contains(allow, http.MethodGet) {
			allow = append(allow, http.MethodHead)
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		httpapi.WriteProblem(w, r, httpapi.Problem{Type: httpapi.TypeMethod, Status: http.StatusMethodNotAllowed,
			Detail: "This path does not take " + r.Method + "; see Allow."})
	})
}

// New builds the WebFunction's handler: the router, with responses gzipped
// for browsers that accept it (API Gateway's HTTP API does not compress).
func New(ctx context.Context, deps wiring.Deps) (http.Handler, error) {
	rt, err := Router(ctx, deps)
	if err != nil {
		return nil, err
	}
	return httpapi.Compress(rt), nil
}

// directoryTeams is the row rules' Assignments: the cases assigned to
// people (assignstore) and each manager's team from the staff directory's
// line management (and any team items in assignstore).
type directoryTeams struct {
	base assignstore.Store
	dir  *meetingstore.Store
}

func (d directoryTeams) CasesOf(ctx context.Context, subjects []string) ([]string, error) {
	return d.base.CasesOf(ctx, subjects)
}

func (d directoryTeams) Team(ctx context.Context, manager string) ([]string, error) {
	team, err := d.base.Team(ctx, manager)
	if err != nil {
		return nil, err
	}
	id, err := d.dir.StaffIDFor(ctx, manager)
	if errors.Is(err, meetingstore.ErrNotFound) {
		return team, nil
	} else if err != nil {
		return nil, fmt.Errorf("app: web: team of %s: %w", manager, err)
	}
	people, err := d.dir.People(ctx)
	if err != nil {
		return nil, fmt.Errorf("app: web: staff directory: %w", err)
	}
	for _, sub := range access.Reports(people, id) {
		if !slices.Contains(team, sub) {
			team = append(team, sub)
		}
	}
	return team, nil
}
