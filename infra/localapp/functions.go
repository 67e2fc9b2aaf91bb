package localapp

// This file is the one place where the functions' real handlers are built
// for local runs, from the same constructors their functions/<name>/main.go
// use (shared/app).

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"github.com/mappa-coordinator/mappa/shared/app"
	"github.com/mappa-coordinator/mappa/shared/app/remindersfn"
	"github.com/mappa-coordinator/mappa/shared/reminders"
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
	// Reminders is the reminders sweep (also run on demand from /dev/reminders).
	Reminders *reminders.Sweeper
}

// buildFunctions builds every function's handler from deps, which were
// read from the same environment variables Lambda gives the function.
func buildFunctions(ctx context.Context, deps wiring.Deps) (Functions, error) {
	f := Functions{HTTP: map[string]http.Handler{}, Streams: map[string]StreamHandler{}, Schedules: map[string]ScheduleHandler{}}

	web, err := app.Web(ctx, deps)
	if err != nil {
		return Functions{}, err
	}
	f.HTTP["WebFunction"] = web

	in, err := app.Intake(ctx, deps)
	if err != nil {
		return Functions{}, err
	}
	f.HTTP["IntakeFunction"] = in

	c, err := app.Classify(ctx, deps)
	if err != nil {
		return Functions{}, err
	}
	f.Streams["ClassifyFunction"] = c.Handle

	r, err := app.Rota(ctx, deps)
	if err != nil {
		return Functions{}, err
	}
	f.Streams["RotaFunction"] = r.Handle

	rt, err := app.Retention(ctx, deps)
	if err != nil {
		return Functions{}, err
	}
	f.Streams["RetentionFunction"] = rt.Handle

	m, err := app.Mailer(ctx, deps)
	if err != nil {
		return Functions{}, err
	}
	f.Streams["MailerFunction"] = m.HandleStream
	f.Schedules["MailerFunction"] = func(ctx context.Context, input json.RawMessage) error {
		_, err := m.Handle(ctx, input)
		return err
	}

	sw, err := remindersfn.New(ctx, deps)
	if err != nil {
		return Functions{}, err
	}
	f.Reminders = sw
	run := remindersfn.Sweep(sw)
	f.Schedules["RemindersFunction"] = func(ctx context.Context, _ json.RawMessage) error {
		_, err := run(ctx)
		return err
	}
	ns, err := remindersfn.Stream(ctx, deps)
	if err != nil {
		return Functions{}, err
	}
	f.Streams["RemindersFunction"] = ns.Handle
	return f, nil
}
