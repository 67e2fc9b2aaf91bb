package e2e_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/due"
	"github.com/mappa-coordinator/mappa/shared/meetingstore"
	"github.com/mappa-coordinator/mappa/shared/noticestream"
	"github.com/mappa-coordinator/mappa/shared/outbox"
)

// A DBS re-check recorded through the staff API is reminded once, in the
// whole local system (the functions as wired for Lambda, on a fixed
// clock): the API's transaction and the reminders function's staff-stream
// consumer both schedule the warning 28 days before, under the one key.
func TestDBSReminderScheduledTwiceIsSentOnce(t *testing.T) {
	clk := clock.NewFixed(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
	app := startApp(t, localapp.Options{Seed: true, Clock: clk})
	ctx := t.Context()
	drain := func() {
		t.Helper()
		if err := app.DrainStreams(ctx); err != nil {
			t.Fatal(err)
		}
	}
	drain()
	if run := app.RunReminders(ctx, "test"); run.Error != "" {
		t.Fatal(run.Error)
	}
	ms := meetingstore.New(app.Deps.DB, meetingstore.TablesFrom(app.Tables), clk)
	p, err := ms.GetPerson(ctx, seed.ServiceMgr2)
	if err != nil {
		t.Fatal(err)
	}
	next := civil.Today(clk.Now()).AddDays(40)
	body, _ := json.Marshal(map[string]any{"name": p.Name, "email": p.Email, "role": "service-manager", "dbsNextDue": next.String(), "version": p.Version})
	tok, err := app.Issuer.StaffToken(seed.BSO1, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if status, out := callJSON(t, app, tok, "PUT", "/v1/staff/people/"+seed.ServiceMgr2, body); status != 200 {
		t.Fatalf("save person: %d %v", status, out)
	}
	drain()
	warn := next.AddDays(-noticestream.DBSWarningDays)
	items, _, err := due.List(ctx, app.Deps.DB, app.Tables.Cases, warn)
	if err != nil {
		t.Fatal(err)
	}
	var dbs []due.Item
	for _, it := range items {
		if it.Kind == due.KindDBS {
			dbs = append(dbs, it)
		}
	}
	if len(dbs) != 2 || dbs[0].Once == "" || dbs[0].Once != dbs[1].Once {
		t.Fatalf("the warning should be scheduled by both writers on %s under one key: %+v", warn, dbs)
	}
	clk.Set(warn.In(time.UTC).Add(7 * time.Hour))
	if run := app.RunReminders(ctx, "test"); run.Error != "" || run.Report.Failed != 0 || run.Report.Repeats < 1 {
		t.Fatalf("the sweep on %s: %+v", warn, run)
	}
	sent := 0
	for _, it := range dbs {
		_, err := outbox.Get(ctx, app.Deps.DB, app.Tables.Outbox, "due-dbs-"+it.Ref+"-"+warn.String())
		switch {
		case err == nil:
			sent++
		case !errors.Is(err, outbox.ErrNotFound):
			t.Fatal(err)
		}
	}
	if sent != 1 {
		t.Fatalf("%d DBS warnings queued for %s, want 1", sent, p.Email)
	}
}
