// Command mailer is the MailerFunction Lambda: it sends queued email from
// the outbox table's stream and sweeps up retries on a schedule. Wiring
// only; shared/app builds the handler.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/mappa-coordinator/mappa/shared/app"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

func main() {
	wiring.SetupLogging("mailer")
	ctx := context.Background()
	deps, err := wiring.FromEnv(ctx)
	if err != nil {
		slog.Error("mailer: start-up failed", "error", err)
		os.Exit(1)
	}
	h, err := app.Mailer(ctx, deps)
	if err != nil {
		slog.Error("mailer: start-up failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}
