package localapp_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/shared/civil"
)

// The reminders sweep runs on demand from /dev/reminders (the button, or
// `make reminders`, which posts for JSON) and the page shows the dates the
// last run acted on; the reply-link key is kept in the data directory.
func TestRemindersOnDemandShowsTheDatesActedOn(t *testing.T) {
	dir := t.TempDir()
	app := start(t, dir)
	today := civil.Today(app.Deps.Clock.Now()).String()

	resp, page := get(t, app.URL+localapp.RemindersPath, "")
	if resp.StatusCode != 200 || !strings.Contains(page, "Run the reminders sweep now") {
		t.Fatalf("page: %d\n%s", resp.StatusCode, page)
	}
	req, _ := http.NewRequest("POST", app.URL+localapp.RemindersPath, nil)
	req.Header.Set("Accept", "application/json")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	var run localapp.RemindersRun
	if err := json.Unmarshal(b, &run); err != nil || r.StatusCode != 200 {
		t.Fatalf("run: %d %s", r.StatusCode, b)
	}
	if run.Error != "" || len(run.Report.Days) == 0 || run.Report.Days[len(run.Report.Days)-1] != today {
		t.Fatalf("run %+v, want it to act on today (%s)", run, today)
	}
	_, page = get(t, app.URL+localapp.RemindersPath, "")
	if !strings.Contains(page, "Dates acted on") || !strings.Contains(page, today) {
		t.Fatalf("the page does not show the dates acted on:\n%s", page)
	}
	if _, err := os.Stat(filepath.Join(dir, "reply-keys")); err != nil {
		t.Fatalf("reply-link key not kept: %v", err)
	}
}
