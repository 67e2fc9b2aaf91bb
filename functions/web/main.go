// Command web is the WebFunction Lambda: the staff API, the eligibility
// check, the OpenAPI document and the static front end, behind the HTTP
// API. Wiring only; shared/app builds the handler.
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
	wiring.SetupLogging("web")
	ctx := context.Background()
	deps, err := wiring.FromEnv(ctx)
	if err != nil {
		slog.Error("web: start-up failed", "error", err)
		os.Exit(1)
	}
	h, err := app.Web(ctx, deps)
	if err != nil {
		slog.Error("web: start-up failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
