// Package mailerfn builds the MailerFunction's handler (the outbox stream
// and the retry sweep). It is its own package so functions/mailer links and
// initialises only what the mailer uses; it is the one function that builds
// an SES client.
package mailerfn

import (
	"context"
	"fmt"

	"github.com/mappa-coordinator/mappa/shared/email"
	"github.com/mappa-coordinator/mappa/shared/mailer"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// New builds the MailerFunction's handler.
func New(_ context.Context, deps wiring.Deps) (mailer.Handler, error) {
	h, err := mailer.New(mailer.Config{
		DB: deps.DB, SES: email.NewClient(deps.AWS, deps.Config.SESEndpoint), Clock: deps.Clock, Table: deps.Tables.Outbox,
		From: deps.Config.MailFrom, ConfigurationSet: deps.Config.SESConfigSet,
	})
	if err != nil {
		return mailer.Handler{}, fmt.Errorf("app: mailer: %w", err)
	}
	return h, nil
}
