package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
)

// The whole system in-process, as `make dev` runs it: an agency client
// with a dev token posts a referral over real HTTP, and the status it can
// read turns to "classified" within seconds, with the inbox email sent.
func TestAgencySeesItsReferralClassifiedWithinSeconds(t *testing.T) {
	ctx := context.Background()
	app := startApp(t, localapp.Options{Background: true})
	since := time.Now().Add(-2 * time.Second)

	token, err := app.AgencyToken(ctx, "dev-agency-police")
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path string, body []byte) (int, map[string]any) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, app.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "e2e-"+randHex())
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}

	// The meeting 20 days from today, wherever the test runs.
	meeting := civil.Today(time.Now()).AddDays(20).String()
	body := referraltest.With(func(m map[string]any) {
		m["agencyReference"] = "TVP-LOCAL-" + randHex()
		referraltest.Obj(m, "meetingInvitation")["date"] = meeting
	})
	start := time.Now()
	status, posted := call("POST", "/v1/referrals", body)
	id, _ := posted["id"].(string)
	if status != http.StatusAccepted || id == "" {
		t.Fatalf("POST /v1/referrals: %d %v", status, posted)
	}

	var got map[string]any
	for deadline := start.Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		status, got = call("GET", "/v1/referrals/"+id, nil)
		if status != http.StatusOK {
			t.Fatalf("GET /v1/referrals/%s: %d %v", id, status, got)
		}
		if got["status"] == "classified" {
			break
		}
	}
	took := time.Since(start)
	if got["status"] != "classified" {
		t.Fatalf("status %v after %s, want classified", got["status"], took)
	}
	if took > 10*time.Second {
		t.Errorf("classified after %s", took)
	}
	t.Logf("posted to classified: %s", took.Round(time.Millisecond))

	// And the inbox email reaches the local SES server.
	found := false
	for deadline := time.Now().Add(10 * time.Second); !found && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		mails, err := app.Stack.SESStore(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range mails {
			if strings.Contains(e.Body.Text, app.URL+"/referrals/"+id) {
				found = true
				if len(e.Destination.To) != 1 || e.Destination.To[0] != localapp.MappaInbox {
					t.Errorf("email to %v", e.Destination.To)
				}
			}
		}
	}
	if !found {
		t.Fatal("no inbox email for the referral in the local SES store")
	}
	if p := app.Parked(); len(p) != 0 {
		t.Fatalf("parked stream records %+v", p)
	}
}
