// Command mailer is the MailerFunction Lambda: it sends queued email from
// the outbox table's stream and sweeps up retries on a schedule. Wiring
// only; the handler is shared/mailer.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/mappa-coordinator/mappa/shared/mailer"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

func main() {
	wiring.SetupLogging("mailer")
	deps, err := wiring.FromEnv(context.Background())
	if err != nil {
		slog.Error("mailer: start-up failed", "error", err)
		os.Exit(1)
	}
	h, err := mailer.New(deps)
	if err != nil {
		slog.Error("mailer: start-up failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}
