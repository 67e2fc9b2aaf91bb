package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/referral/referraltest"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writers of a log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The logs and the emails of a full request, from the agency's post
// through classification, the inbox email and a member of staff reading the
// referral and deciding on it, carry ids and never the person: no names,
// date of birth, identifiers, address, children or free text (issue 12).
func TestLogsOfAFullRequestCarryNoPersonalData(t *testing.T) {
	var logs syncBuffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })

	start := time.Now().Add(-time.Second)
	ctx := context.Background()
	app := startApp(t, localapp.Options{Background: true, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})

	agencyToken, err := app.AgencyToken(ctx, "dev-agency-police")
	if err != nil {
		t.Fatal(err)
	}
	bso := localapp.StaffWithRole(auth.RoleBSO)[0]
	staffToken, err := app.Issuer.StaffToken(bso, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	call := func(token, method, path string, body []byte) (int, map[string]any) {
		t.Helper()
		return callJSON(t, app, token, method, path, body)
	}

	body := referraltest.With(func(m map[string]any) {
		m["agencyReference"] = "TVP-LOGS-" + randHex()
		referraltest.Obj(m, "meetingInvitation")["date"] = civil.Today(time.Now()).AddDays(9).String()
	})
	status, posted := call(agencyToken, "POST", "/v1/referrals", body)
	id, _ := posted["id"].(string)
	if status != http.StatusAccepted || id == "" {
		t.Fatalf("POST /v1/referrals: %d %v", status, posted)
	}
	// A bad request too: its 422 names fields, and its log line must not
	// echo the values.
	bad := referraltest.With(func(m map[string]any) {
		m["agencyReference"] = "TVP-LOGS-BAD-" + randHex()
		referraltest.Obj(m, "person")["dateOfBirth"] = "1988-02-30"
	})
	if status, _ := call(agencyToken, "POST", "/v1/referrals", bad); status != http.StatusUnprocessableEntity {
		t.Fatalf("bad referral: %d", status)
	}

	var got map[string]any
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if _, got = call(staffToken, "GET", "/v1/staff/referrals/"+id, nil); got["status"] == "classified" {
			break
		}
	}
	if got["status"] != "classified" {
		t.Fatalf("referral not classified: %v", got["status"])
	}
	if status, out := call(staffToken, "POST", "/v1/staff/referrals/"+id+"/decisions",
		[]byte(`{"decision":"accept","reason":"Meets the threshold for level 2 management."}`)); status != http.StatusOK {
		t.Fatalf("decision: %d %v", status, out)
	}
	// Let the mailer send the inbox email so its logs are in too.
	if err := app.DrainStreams(ctx); err != nil {
		t.Fatal(err)
	}

	// The emails of the flow (the MAPPA inbox's notice, anything else sent
	// since the test began) carry ids and links, never the person.
	emails, err := app.Stack.SESStore(ctx, start)
	if err != nil {
		t.Fatal(err)
	}
	if len(emails) == 0 {
		t.Error("no email was sent in the flow")
	}
	for _, e := range emails {
		raw, _ := json.Marshal(e)
		for _, secret := range append(personalData(), "Meets the threshold") {
			if strings.Contains(string(raw), secret) {
				t.Errorf("email %q contains personal data or free text %q", e.Subject, secret)
			}
		}
	}

	out := logs.String()
	for _, want := range []string{`"requestId"`, `"actorId"`, id} {
		if !strings.Contains(out, want) {
			t.Errorf("the logs do not carry %s; they should identify requests by id", want)
		}
	}
	for _, secret := range append(personalData(), "1988-02-30", "Meets the threshold") {
		if strings.Contains(out, secret) {
			t.Errorf("the logs contain personal data or free text %q", secret)
		}
	}
}
