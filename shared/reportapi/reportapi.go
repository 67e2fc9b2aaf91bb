// Package reportapi is GET /v1/staff/reports: the Strategic Management
// Board's figures by month, read from the counters kept as events happen
// (shared/reportstore). Figures only: no person, no case.
package reportapi

import (
	"context"
	"net/http"
	"time"

	"github.com/mappa-coordinator/mappa/shared/access"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
	"github.com/mappa-coordinator/mappa/shared/report"
	"github.com/mappa-coordinator/mappa/shared/reportstore"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Route is the reports route.
const Route = "GET /v1/staff/reports"

// MaxMonths is the longest range one request may ask for.
const MaxMonths = 24

// Reader reads the counters of months.
type Reader func(ctx context.Context, months []string) (map[string]map[report.Metric]int, error)

// OpenActionsReader reads how many actions are open now and how many of
// them are overdue on today (nil: not shown).
type OpenActionsReader func(ctx context.Context, today civil.Date) (open, overdue int, err error)

// Now is the figures of today rather than of a month.
type Now struct {
	Today civil.Date `json:"today"`
	// OpenActions are the actions agreed at meetings and not closed;
	// OverdueActions those of them past their due date.
	OpenActions    int `json:"openActions"`
	OverdueActions int `json:"overdueActions"`
}

// Metric is one metric's id and words.
type Metric struct {
	ID    report.Metric `json:"id"`
	Label string        `json:"label"`
}

// Chart is one group of metrics shown together.
type Chart struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Metrics []Metric `json:"metrics"`
}

// Month is one month's figures (every metric, 0 when nothing happened).
type Month struct {
	Month  string                `json:"month"`
	Counts map[report.Metric]int `json:"counts"`
}

// Body is the answer.
type Body struct {
	// Area is the MAPPA area the figures are for: the council this
	// deployment serves ("all": one deployment is one council's area).
	Area   string  `json:"area"`
	Now    *Now    `json:"now,omitempty"`
	From   string  `json:"from"`
	To     string  `json:"to"`
	Charts []Chart `json:"charts"`
	Months []Month `json:"months"`
}

// Register adds the route.
func Register(rt *auth.Router, read Reader, open OpenActionsReader, clk clock.Clock) {
	rt.HandleFunc(Route, access.Policy(Route), func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		now := clk.Now()
		var errs validation.Errors
		to := monthOr(q.Get("to"), now, "/to", &errs)
		from := monthOr(q.Get("from"), to.AddDate(0, -11, 0), "/from", &errs)
		if errs.OK() && from.After(to) {
			errs.Add("/from", "must not be after to (query parameter)")
		}
		months := report.Months(from, to, MaxMonths+1)
		if errs.OK() && len(months) > MaxMonths {
			errs.Add("/from", "must be at most 24 months before to (query parameter)")
		}
		if !errs.OK() {
			httpapi.Invalid(w, r, errs)
			return
		}
		counts, err := read(r.Context(), months)
		if err != nil {
			httpapi.Internal(w, r, err)
			return
		}
		out := Body{Area: reportstore.Area, From: months[0], To: months[len(months)-1]}
		if open != nil {
			today := civil.Today(now)
			o, od, err := open(r.Context(), today)
			if err != nil {
				httpapi.Internal(w, r, err)
				return
			}
			out.Now = &Now{Today: today, OpenActions: o, OverdueActions: od}
		}
		for _, g := range report.Groups {
			c := Chart{ID: g.ID, Title: g.Title}
			for _, m := range g.Metrics {
				c.Metrics = append(c.Metrics, Metric{ID: m, Label: report.Labels[m]})
			}
			out.Charts = append(out.Charts, c)
		}
		for _, m := range months {
			row := Month{Month: m, Counts: map[report.Metric]int{}}
			for metric := range report.Labels {
				row.Counts[metric] = counts[m][metric]
			}
			out.Months = append(out.Months, row)
		}
		w.Header().Set("Cache-Control", "no-store")
		httpapi.JSON(w, http.StatusOK, out)
	})
}

func monthOr(s string, def time.Time, ptr string, errs *validation.Errors) time.Time {
	if s == "" {
		t, _ := report.ParseMonth(report.Month(def))
		return t
	}
	t, err := report.ParseMonth(s)
	if err != nil {
		errs.Add(ptr, "must be a month YYYY-MM (query parameter)")
	}
	return t
}
