// Command intake is the IntakeFunction Lambda: agencies post referrals
// (POST /v1/referrals) and read their status (GET /v1/referrals/{id}).
// Wiring only; the handlers and the service are shared/intake, storage is
// shared/store.
package main

import (
	"context"
	"log/slog"
	"os"
	_ "time/tzdata" // Europe/London without the system zoneinfo

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/intake"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

func main() {
	wiring.SetupLogging("intake")
	deps, err := wiring.FromEnv(context.Background())
	if err != nil {
		slog.Error("intake: start-up failed", "error", err)
		os.Exit(1)
	}
	st := store.New(deps.DB, deps.Tables, deps.Clock)
	svc := intake.NewService(st, audit.Writer{DB: deps.DB, Table: deps.Tables.Audit}, deps.Clock, deps.IDs)
	rt := auth.NewRouter(deps.Config.Agencies)
	intake.Register(rt, svc)
	lambda.Start(httpadapter.NewV2(rt).ProxyWithContext)
}
