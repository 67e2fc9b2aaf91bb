// Package classifyfn builds the ClassifyFunction's handler (the referrals
// stream). It is its own package so functions/classify links and
// initialises only what the classify function uses.
package classifyfn

import (
	"context"
	"errors"
	"fmt"

	"github.com/mappa-coordinator/mappa/shared/classify"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// New builds the ClassifyFunction's handler.
func New(_ context.Context, deps wiring.Deps) (*classify.Handler, error) {
	if deps.DB == nil {
		return nil, errors.New("app: classify: no DynamoDB client")
	}
	if err := deps.Tables.Require(dynamo.EnvReferrals, dynamo.EnvCases, dynamo.EnvOutbox, dynamo.EnvAudit); err != nil {
		return nil, fmt.Errorf("app: classify: %w", err)
	}
	h, err := classify.NewHandler(classify.Options{
		Store:       store.New(deps.DB, deps.Tables, deps.Clock),
		Clock:       deps.Clock,
		IDs:         deps.IDs,
		MappaInbox:  deps.Config.MappaInbox,
		AppOrigin:   deps.Config.AppOrigin,
		OutboxTable: deps.Tables.Outbox,
		AuditTable:  deps.Tables.Audit,
		// Tasks for the front door (not eligible, children may be at risk).
		MeetingsTable: deps.Tables.Meetings,
		ReportTable:   deps.Tables.Referrals,
	})
	if err != nil {
		return nil, fmt.Errorf("app: classify: %w", err)
	}
	return h, nil
}
