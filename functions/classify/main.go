// Command classify is the ClassifyFunction Lambda: it classifies new
// referrals from the referrals table's stream and queues the MAPPA inbox
// email. Wiring only; shared/app builds the handler.
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
	wiring.SetupLogging("classify")
	ctx := context.Background()
	deps, err := wiring.FromEnv(ctx)
	if err != nil {
		slog.Error("classify: start-up failed", "error", err)
		os.Exit(1)
	}
	h, err := app.Classify(ctx, deps)
	if err != nil {
		slog.Error("classify: start-up failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}
