package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/seed"
)

// A business support officer asks for a MAPPA marker on the demo case and
// closes the task with a reason; a second close, a reason not on the list
// and an action that does not exist are refused.
func TestCaseWorkClosesWithAReason(t *testing.T) {
	app := startApp(t, localapp.Options{Seed: true})
	ctx := context.Background()
	caseID, err := seed.DemoCaseID(ctx, app.Deps.DB, app.Tables)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := app.Issuer.StaffToken(seed.BSO1, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	post := func(path string, body any) (int, map[string]any) {
		t.Helper()
		b, _ := json.Marshal(body)
		return callJSON(t, app, tok, "POST", "/v1/staff/cases/"+caseID+path, b)
	}
	status, task := post("/marker-requests", map[string]any{"caseNumber": "DEMO-A-1001", "reason": "Adult's council file needs the marker"})
	if status != http.StatusCreated {
		t.Fatalf("marker request: %d %v", status, task)
	}
	id, _ := task["id"].(string)
	if status, got := post("/tasks/"+id+"/close", map[string]any{"reason": "someday"}); status != http.StatusUnprocessableEntity {
		t.Errorf("close with an unknown reason: %d %v", status, got)
	}
	status, closed := post("/tasks/"+id+"/close", map[string]any{"reason": "done", "note": "Marker added"})
	if status != http.StatusOK || closed["status"] != "closed" || closed["closeReason"] != "done" || closed["closedBy"] != seed.BSO1 {
		t.Fatalf("close: %d %v", status, closed)
	}
	if status, got := post("/tasks/"+id+"/close", map[string]any{"reason": "done"}); status != http.StatusUnprocessableEntity {
		t.Errorf("second close: %d %v", status, got)
	}
	if status, got := post("/actions/no-such-action/close", map[string]any{"reason": "done"}); status != http.StatusNotFound {
		t.Errorf("closing an action that does not exist: %d %v", status, got)
	}
}
