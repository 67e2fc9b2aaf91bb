// Package intakefn builds the IntakeFunction's handler: agency referrals.
// It is its own package so functions/intake links and initialises only what
// the intake function uses.
package intakefn

import (
	"context"
	"fmt"
	"net/http"

	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/intake"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// Router builds the IntakeFunction's router.
func Router(_ context.Context, deps wiring.Deps) (*auth.Router, error) {
	if err := deps.Tables.Require(dynamo.EnvReferrals, dynamo.EnvCases, dynamo.EnvAudit); err != nil {
		return nil, fmt.Errorf("app: intake: %w", err)
	}
	st := store.New(deps.DB, deps.Tables, deps.Clock)
	svc := intake.NewService(st, audit.Writer{DB: deps.DB, Table: deps.Tables.Audit}, deps.Clock, deps.IDs)
	rt := auth.NewRouter(deps.Config.Agencies)
	intake.Register(rt, svc)
	return rt, nil
}

// New builds the IntakeFunction's handler.
func New(ctx context.Context, deps wiring.Deps) (http.Handler, error) {
	return Router(ctx, deps)
}
