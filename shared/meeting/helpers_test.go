package meeting_test

import (
	"testing"

	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

func mustPlanner(t *testing.T, p cadence.Policy) *cadence.Planner {
	t.Helper()
	pl, err := cadence.New(p, workdays.EnglandAndWales())
	if err != nil {
		t.Fatal(err)
	}
	return pl
}
