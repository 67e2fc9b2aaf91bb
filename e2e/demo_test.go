package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/shared/auth"
)

// What `make dev` shows a business support officer on first run: the demo
// referrals went in through the real agency API and are classified, one
// with a short-notice meeting.
func TestDemoDataIsClassifiedInTheQueue(t *testing.T) {
	ctx := context.Background()
	app := startApp(t, localapp.Options{Seed: true})
	if err := app.DrainStreams(ctx); err != nil {
		t.Fatal(err)
	}
	token, err := app.Issuer.StaffToken(localapp.StaffWithRole(auth.RoleBSO)[0], time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, app.URL+"/v1/staff/referrals?status=classified", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Items []struct {
			ID              string `json:"id"`
			AgencyReference string `json:"agencyReference"`
		} `json:"items"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&list) != nil {
		t.Fatalf("list: %d", resp.StatusCode)
	}
	if len(list.Items) != 3 {
		t.Fatalf("%d classified demo referrals, want 3: %+v", len(list.Items), list.Items)
	}
}
