// Package retentionfn builds the RetentionFunction's handler (the cases,
// referrals and meetings streams: expiry audited, a case's records follow
// its expiry). It is its own package so functions/retention links and
// initialises only what the retention function uses.
package retentionfn

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/mappa-coordinator/mappa/shared/audit"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/retentionstream"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// New builds the RetentionFunction's handler.
func New(_ context.Context, deps wiring.Deps) (*retentionstream.Handler, error) {
	if err := deps.Tables.Require(dynamo.EnvCases, dynamo.EnvReferrals, dynamo.EnvMeetings, dynamo.EnvAudit); err != nil {
		return nil, fmt.Errorf("app: retention: %w", err)
	}
	return &retentionstream.Handler{DB: deps.DB, Tables: deps.Tables,
		Audit: audit.Writer{DB: deps.DB, Table: deps.Tables.Audit}, Logger: slog.Default()}, nil
}
