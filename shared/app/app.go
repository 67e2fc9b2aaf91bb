// Package app is the composition root of each function: it builds a
// function's handler from wiring.Deps. The functions' main.go files call it
// on Lambda and the local dev server (infra/localapp) calls the same
// constructors, so what runs locally is what runs on AWS.
package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/mappa-coordinator/mappa/frontend"
	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/assignstore"
	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/classify"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/eligibilityapi"
	"github.com/mappa-coordinator/mappa/shared/intake"
	"github.com/mappa-coordinator/mappa/shared/mailer"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/openapi"
	"github.com/mappa-coordinator/mappa/shared/rotastream"
	"github.com/mappa-coordinator/mappa/shared/staffapi"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// WebRouter builds the WebFunction's router: the staff API, the eligibility
// check, the OpenAPI document and the static front end. It is returned as a
// *auth.Router so tests can list its routes and policies.
func WebRouter(_ context.Context, deps wiring.Deps) (*auth.Router, error) {
	if err := deps.Tables.Require(dynamo.EnvReferrals, dynamo.EnvCases, dynamo.EnvAudit); err != nil {
		return nil, fmt.Errorf("app: web: %w", err)
	}
	st := store.New(deps.DB, deps.Tables, deps.Clock)
	aud := audit.Writer{DB: deps.DB, Table: deps.Tables.Audit}
	in := intake.NewService(st, aud, deps.Clock, deps.IDs)

	rt := auth.NewRouter(deps.Config.Agencies)
	cases := access.Cases{Assignments: assignstore.Store{DB: deps.DB, Table: deps.Tables.Cases}}
	staffapi.Register(rt, staffapi.New(st, in, aud, cases, deps.Clock, deps.IDs))
	eligibilityapi.Register(rt, deps.Clock)
	eligibilityapi.RegisterOffences(rt)
	openapi.Register(rt)

	fe := frontend.Handler(frontend.Config{
		AuthBaseURL: deps.Config.AuthBaseURL,
		ClientID:    deps.Config.StaffClient,
		AppOrigin:   deps.Config.AppOrigin,
	})
	// "GET /" matches every GET path no other route claims: the pages of the
	// app and its assets (template.yaml: GET / and GET /{proxy+}, public).
	rt.Handle("GET /", access.Policy("GET /"), fe)
	return rt, nil
}

// Web builds the WebFunction's handler.
func Web(ctx context.Context, deps wiring.Deps) (http.Handler, error) {
	return WebRouter(ctx, deps)
}

// IntakeRouter builds the IntakeFunction's router: agency referrals.
func IntakeRouter(_ context.Context, deps wiring.Deps) (*auth.Router, error) {
	if err := deps.Tables.Require(dynamo.EnvReferrals, dynamo.EnvCases, dynamo.EnvAudit); err != nil {
		return nil, fmt.Errorf("app: intake: %w", err)
	}
	st := store.New(deps.DB, deps.Tables, deps.Clock)
	svc := intake.NewService(st, audit.Writer{DB: deps.DB, Table: deps.Tables.Audit}, deps.Clock, deps.IDs)
	rt := auth.NewRouter(deps.Config.Agencies)
	intake.Register(rt, svc)
	return rt, nil
}

// Intake builds the IntakeFunction's handler.
func Intake(ctx context.Context, deps wiring.Deps) (http.Handler, error) {
	return IntakeRouter(ctx, deps)
}

// Classify builds the ClassifyFunction's handler (referrals stream).
func Classify(_ context.Context, deps wiring.Deps) (*classify.Handler, error) {
	if deps.DB == nil {
		return nil, errors.New("app: classify: no DynamoDB client")
	}
	if err := deps.Tables.Require(dynamo.EnvReferrals, dynamo.EnvCases, dynamo.EnvOutbox, dynamo.EnvAudit); err != nil {
		return nil, fmt.Errorf("app: classify: %w", err)
	}
	h, err := classify.NewHandler(classify.Options{
		Store:       store.New(deps.DB, deps.Tables, deps.Clock),
		Clock:       deps.Clock,
		IDs:         deps.IDs,
		MappaInbox:  deps.Config.MappaInbox,
		AppOrigin:   deps.Config.AppOrigin,
		OutboxTable: deps.Tables.Outbox,
		AuditTable:  deps.Tables.Audit,
	})
	if err != nil {
		return nil, fmt.Errorf("app: classify: %w", err)
	}
	return h, nil
}

// Mailer builds the MailerFunction's handler (outbox stream and sweep).
func Mailer(_ context.Context, deps wiring.Deps) (mailer.Handler, error) {
	h, err := mailer.New(mailer.Config{
		DB: deps.DB, SES: deps.SES, Clock: deps.Clock, Table: deps.Tables.Outbox,
		From: deps.Config.MailFrom, ConfigurationSet: deps.Config.SESConfigSet,
	})
	if err != nil {
		return mailer.Handler{}, fmt.Errorf("app: mailer: %w", err)
	}
	return h, nil
}

// Rota builds the RotaFunction's handler (meetings and cases streams).
func Rota(_ context.Context, deps wiring.Deps) (*rotastream.Handler, error) {
	h, err := rotastream.New(rotastream.Options{
		Store:      meetingstore.New(deps.DB, meetingstore.TablesFrom(deps.Tables), deps.Clock),
		Clock:      deps.Clock,
		IDs:        deps.IDs,
		MappaInbox: deps.Config.MappaInbox,
		AppOrigin:  deps.Config.AppOrigin,
	})
	if err != nil {
		return nil, fmt.Errorf("app: rota: %w", err)
	}
	return h, nil
}
