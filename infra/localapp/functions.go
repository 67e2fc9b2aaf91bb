package localapp

// This file is the one place where the functions' real handlers are built
// for local runs, from the same constructors their functions/<name>/main.go
// use. A function whose package does not exist yet gets a clearly named
// stand-in; replace it when the package lands.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/classify"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/intake"
	"github.com/mappa-coordinator/mappa/shared/mailer"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// StreamHandler is a stream function's handler.
type StreamHandler func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// ScheduleHandler runs a function for one scheduled event; input is the
// schedule's Input from template.yaml, exactly the payload Lambda gets.
type ScheduleHandler func(ctx context.Context, input json.RawMessage) error

// Functions are the handlers of every function, keyed by logical id.
type Functions struct {
	HTTP      map[string]http.Handler
	Streams   map[string]StreamHandler
	Schedules map[string]ScheduleHandler
}

// buildFunctions builds every function's handler from deps, which were
// read from the same environment variables Lambda gives the function.
func buildFunctions(_ context.Context, deps wiring.Deps) (Functions, error) {
	f := Functions{HTTP: map[string]http.Handler{}, Streams: map[string]StreamHandler{}, Schedules: map[string]ScheduleHandler{}}

	// WebFunction: staff API and static front end (shared/webapp, by the lead).
	// TODO(lead): f.HTTP["WebFunction"] = webapp.New(...)
	f.HTTP["WebFunction"] = notBuiltYet("WebFunction")

	// IntakeFunction: as functions/intake/main.go.
	st := store.New(deps.DB, deps.Tables, deps.Clock)
	svc := intake.NewService(st, audit.Writer{DB: deps.DB, Table: deps.Tables.Audit}, deps.Clock, deps.IDs)
	rt := auth.NewRouter(deps.Config.Agencies)
	intake.Register(rt, svc)
	f.HTTP["IntakeFunction"] = rt

	// ClassifyFunction: as functions/classify/main.go.
	c, err := classify.New(deps)
	if err != nil {
		return Functions{}, fmt.Errorf("localapp: classify: %w", err)
	}
	f.Streams["ClassifyFunction"] = c.Handle

	// MailerFunction: as functions/mailer/main.go.
	m, err := mailer.New(deps)
	if err != nil {
		return Functions{}, fmt.Errorf("localapp: mailer: %w", err)
	}
	f.Streams["MailerFunction"] = m.HandleStream
	f.Schedules["MailerFunction"] = func(ctx context.Context, input json.RawMessage) error {
		_, err := m.Handle(ctx, input)
		return err
	}
	return f, nil
}

// notBuiltYet is the temporary stand-in for an HTTP function whose package
// does not exist yet: every request gets a 503 problem.
func notBuiltYet(function string) http.Handler {
	return httpapi.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteProblem(w, r, httpapi.Problem{Type: httpapi.TypeUnavailable, Status: http.StatusServiceUnavailable,
			Title: "function not built yet", Detail: function + " has no handler in this build of the dev server."})
	}))
}
