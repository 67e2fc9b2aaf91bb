package scale_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/bench/scale"
	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/app/remindersfn"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
)

func TestMain(m *testing.M) { localstack.Main(m) }

// The loaded caseload is what the system reads: the work list, a case, a
// meeting and the Board's report answer from it through the real API, and
// the reminders sweep for a day reads exactly that day's due items and
// acts on every one of them.
func TestLoadedCaseloadIsReadByTheSystem(t *testing.T) {
	ctx := context.Background()
	st := localstack.ForTest(t)
	tables := st.Tables(t)
	app, err := localapp.Start(ctx, localapp.Options{Stack: st, Tables: &tables, Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Stop)

	today := civil.Today(time.Now())
	const n = 60
	var bar strings.Builder
	res, err := scale.Load(ctx, app.Deps.DB, scale.Options{Cases: n, Tables: app.Tables, Today: today, Workers: 3, Progress: &bar})
	if err != nil {
		t.Fatal(err)
	}
	if res.Items < n*15 {
		t.Fatalf("loaded %d items for %d cases", res.Items, n)
	}
	if !strings.Contains(bar.String(), "loaded 60 cases") {
		t.Errorf("no progress report: %q", bar.String())
	}

	get := func(who, path string) map[string]any {
		t.Helper()
		tok, err := app.Issuer.StaffToken(who, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", app.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	// The work list: one case in twenty is waiting for a decision.
	list := get(seed.BSO1, "/v1/staff/referrals?status=classified&limit=100")
	items, _ := list["items"].([]any)
	synthetic := 0
	for _, it := range items {
		if b, _ := json.Marshal(it); strings.Contains(string(b), `"familyName":"Person-`) {
			synthetic++
		}
	}
	if synthetic != n/20 {
		t.Errorf("work list shows %d loaded referrals, want %d: %v", synthetic, n/20, list)
	}
	// A case and its meeting.
	c := get(seed.BSO1, "/v1/staff/cases/"+scale.CaseID(7))
	if b, _ := json.Marshal(c); !strings.Contains(string(b), "Person-000007") {
		t.Errorf("case 7: %s", b)
	}
	m := get(seed.BSO1, "/v1/staff/meetings/"+scale.MeetingID(7))
	if b, _ := json.Marshal(m); !strings.Contains(string(b), scale.ManagerID(7%len(res.Managers))) {
		t.Errorf("meeting 7 lacks its service manager: %s", b)
	}
	// The risk register: every loaded case is an open case on it (one in
	// five red).
	reg := get(seed.BSO1, "/v1/staff/register?rag=red&limit=100")
	if b, _ := json.Marshal(reg); strings.Count(string(b), `"Person-`) != n/5 {
		t.Errorf("register of red cases: %s", b)
	}
	// The Board's report counts the loaded months.
	rep := get(seed.AD1, "/v1/staff/reports")
	if b, _ := json.Marshal(rep); !strings.Contains(string(b), `"received"`) {
		t.Errorf("report: %s", b)
	}

	// The sweep for the busiest day reads that day's due items and acts on
	// each (reminders to both attendees, chasers, the attendance check).
	var day civil.Date
	for d, k := range res.Due {
		if k > res.Due[day] {
			day = d
		}
	}
	deps := app.Deps
	deps.Clock = clock.NewFixed(day.In(civil.London).Add(7 * time.Hour))
	sw, err := remindersfn.New(ctx, deps)
	if err != nil {
		t.Fatal(err)
	}
	sw.DigestTo = nil
	if err := scale.SetCursor(ctx, app.Deps.DB, app.Tables.Cases, day); err != nil {
		t.Fatal(err)
	}
	got, err := sw.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Days) != 1 || got.Read != res.Due[day] || got.Done != got.Read || got.Failed != 0 || got.Emails == 0 {
		t.Fatalf("sweep of %s: %+v, want %d due items read and done", day, got, res.Due[day])
	}
}
