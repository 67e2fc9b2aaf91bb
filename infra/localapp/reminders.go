package localapp

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mappa-coordinator/mappa/shared/reminders"
)

// RemindersPath is the dev page that shows the reminders sweep's last run
// and runs it on demand (POST, or `make reminders`).
const RemindersPath = "/dev/reminders"

// RemindersEvery is how often the dev server runs the reminders sweep (on
// AWS it runs daily at 07:00 Europe/London; locally a short timer keeps
// the demo moving, and each run only acts on days not yet swept).
var RemindersEvery = 10 * time.Minute

// RemindersRun is one run of the sweep.
type RemindersRun struct {
	At     time.Time        `json:"at"`
	Why    string           `json:"why"`
	Report reminders.Report `json:"report"`
	Error  string           `json:"error,omitempty"`
}

// RunReminders runs the reminders sweep now, as the schedule would.
func (a *App) RunReminders(ctx context.Context, why string) RemindersRun {
	a.remMu.Lock()
	defer a.remMu.Unlock()
	run := RemindersRun{At: a.Deps.Clock.Now(), Why: why}
	rep, err := a.reminders.Run(ctx)
	run.Report = rep
	if err != nil {
		run.Error = err.Error()
	}
	a.lastRun = &run
	return run
}

func (a *App) runRemindersLogged(ctx context.Context, why string) {
	run := a.RunReminders(ctx, why)
	if ctx.Err() != nil {
		return
	}
	a.log.Info("reminders sweep", slog.String("why", why), slog.String("days", strings.Join(run.Report.Days, ",")),
		slog.Int("read", run.Report.Read), slog.Int("done", run.Report.Done), slog.Int("emails", run.Report.Emails),
		slog.String("error", run.Error))
}

var remindersPage = template.Must(template.New("r").Parse(`<!DOCTYPE html>
<html lang="en" class="govuk-template"><head><meta charset="utf-8"><title>Reminders sweep (development) - MAPPA Coordinator</title>
<link rel="stylesheet" href="/assets/govuk-frontend-6.6.0.min.css"></head>
<body class="govuk-template__body"><div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">
<h1 class="govuk-heading-l">Reminders sweep (development only)</h1>
<p class="govuk-body">On AWS the reminders function runs every day at 07:00 Europe/London. Here it runs when the dev server starts, every {{.Every}}, and when you press the button. Each run acts on the days not yet swept, up to today.</p>
{{with .Last}}<h2 class="govuk-heading-m">Last run</h2>
<dl class="govuk-summary-list">
<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">When</dt><dd class="govuk-summary-list__value">{{.At.Format "2 January 2006 15:04:05"}} ({{.Why}})</dd></div>
<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Dates acted on</dt><dd class="govuk-summary-list__value">{{if .Report.Days}}{{range $i, $d := .Report.Days}}{{if $i}}, {{end}}{{$d}}{{end}}{{else}}none{{end}}</dd></div>
<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Due items read</dt><dd class="govuk-summary-list__value">{{.Report.Read}}</dd></div>
<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Done</dt><dd class="govuk-summary-list__value">{{.Report.Done}} (already done: {{.Report.Skipped}}, failed: {{.Report.Failed}})</dd></div>
<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Emails queued</dt><dd class="govuk-summary-list__value">{{.Report.Emails}}{{if .Report.Digest}} including the monthly digest{{end}}</dd></div>
{{if .Error}}<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Error</dt><dd class="govuk-summary-list__value">{{.Error}}</dd></div>{{end}}
</dl>{{else}}<p class="govuk-body">It has not run yet.</p>{{end}}
<form method="post" action="/dev/reminders"><button type="submit" class="govuk-button" data-module="govuk-button">Run the reminders sweep now</button></form>
</main></div></body></html>`))

func (a *App) remindersPage(w http.ResponseWriter, r *http.Request) {
	if a.reminders == nil {
		http.Error(w, "reminders function not built", http.StatusServiceUnavailable)
		return
	}
	var last *RemindersRun
	switch r.Method {
	case http.MethodPost:
		run := a.RunReminders(r.Context(), "on demand")
		last = &run
		if strings.Contains(r.Header.Get("Accept"), "application/json") || r.URL.Query().Get("format") == "json" {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(run)
			return
		}
	case http.MethodGet:
		a.remMu.Lock()
		last = a.lastRun
		a.remMu.Unlock()
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var b bytes.Buffer
	if err := remindersPage.Execute(&b, map[string]any{"Last": last, "Every": RemindersEvery.String()}); err != nil {
		http.Error(w, "page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}

// devReplyKeys returns the dev server's reply-link signing key: kept in
// <data>/reply-keys so links in the local inbox keep working across
// restarts; random per run without a data directory.
func devReplyKeys(dataDir string) (string, error) {
	file := ""
	if dataDir != "" {
		file = filepath.Join(dataDir, "reply-keys")
		if b, err := os.ReadFile(file); err == nil {
			return strings.TrimSpace(string(b)), nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("localapp: reply keys: %w", err)
		}
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return "", err
	}
	v := "dev1:" + base64.StdEncoding.EncodeToString(k)
	if file != "" {
		if err := os.WriteFile(file, []byte(v+"\n"), 0o600); err != nil {
			return "", fmt.Errorf("localapp: reply keys: %w", err)
		}
	}
	return v, nil
}
