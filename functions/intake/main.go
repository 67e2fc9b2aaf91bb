// Command intake is the IntakeFunction Lambda: agencies post referrals
// (POST /v1/referrals) and read their status (GET /v1/referrals/{id}).
// Wiring only; shared/app builds the handler.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/mappa-coordinator/mappa/shared/app"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

func main() {
	wiring.SetupLogging("intake")
	ctx := context.Background()
	deps, err := wiring.FromEnv(ctx)
	if err != nil {
		slog.Error("intake: start-up failed", "error", err)
		os.Exit(1)
	}
	h, err := app.Intake(ctx, deps)
	if err != nil {
		slog.Error("intake: start-up failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
