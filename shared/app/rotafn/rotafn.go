// Package rotafn builds the RotaFunction's handler (the meetings and cases
// streams). It is its own package so functions/rota links and initialises
// only what the rota function uses.
package rotafn

import (
	"context"
	"fmt"

	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/rotastream"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// New builds the RotaFunction's handler.
func New(_ context.Context, deps wiring.Deps) (*rotastream.Handler, error) {
	h, err := rotastream.New(rotastream.Options{
		Store:      meetingstore.New(deps.DB, meetingstore.TablesFrom(deps.Tables), deps.Clock),
		Clock:      deps.Clock,
		IDs:        deps.IDs,
		MappaInbox: deps.Config.MappaInbox,
		AppOrigin:  deps.Config.AppOrigin,
		Reviews:    store.New(deps.DB, deps.Tables, deps.Clock),
	})
	if err != nil {
		return nil, fmt.Errorf("app: rota: %w", err)
	}
	return h, nil
}
