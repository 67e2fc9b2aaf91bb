// Command classify is the ClassifyFunction Lambda: it classifies new
// referrals from the referrals table's stream and queues the MAPPA inbox
// email. Wiring only; the handler is shared/classify.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/mappa-coordinator/mappa/shared/classify"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

func main() {
	wiring.SetupLogging("classify")
	deps, err := wiring.FromEnv(context.Background())
	if err != nil {
		slog.Error("classify: start-up failed", "error", err)
		os.Exit(1)
	}
	h, err := classify.New(deps)
	if err != nil {
		slog.Error("classify: start-up failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}
