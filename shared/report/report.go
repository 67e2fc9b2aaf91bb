// Package report is what the Strategic Management Board's figures count:
// the metrics, the month an event falls in (Europe/London), and which
// metrics each event adds to. The counts are kept as events happen, in the
// same transaction as the event (shared/reportstore), so a report is a
// handful of reads, never a scan.
//
// It is pure domain: no AWS, no net/http.
package report

import (
	"fmt"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

// Metric names one figure.
type Metric string

// The metrics, in the order reports show them.
const (
	Received        Metric = "received"
	ShortNotice     Metric = "short-notice"
	Category1       Metric = "category-1"
	Category2       Metric = "category-2"
	Category3       Metric = "category-3"
	Category4       Metric = "category-4"
	NotEligible     Metric = "not-eligible"
	CannotDecide    Metric = "cannot-decide"
	Accepted        Metric = "accepted"
	MoreInformation Metric = "more-information"
	Declined        Metric = "declined"
	Level1          Metric = "level-1"
	Level2          Metric = "level-2"
	Level3          Metric = "level-3"
	LevelUp         Metric = "level-up"
	LevelDown       Metric = "level-down"
)

// Group is a set of metrics shown as one chart.
type Group struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Metrics []Metric `json:"metrics"`
}

// Groups are the report's charts.
var Groups = []Group{
	{"referrals", "Referrals received and at short notice", []Metric{Received, ShortNotice}},
	{"categories", "Referrals by category", []Metric{Category1, Category2, Category3, Category4, NotEligible, CannotDecide}},
	{"decisions", "Decisions on referrals", []Metric{Accepted, MoreInformation, Declined}},
	{"levels", "Level mix: levels recorded, and changes up or down", []Metric{Level1, Level2, Level3, LevelUp, LevelDown}},
}

// Labels are the metrics in words.
var Labels = map[Metric]string{
	Received: "Referrals received", ShortNotice: "At short notice (under 14 days)",
	Category1: "Category 1", Category2: "Category 2", Category3: "Category 3", Category4: "Category 4",
	NotEligible: "Not eligible", CannotDecide: "Cannot decide (information missing)",
	Accepted: "Accepted", MoreInformation: "More information asked for", Declined: "Declined",
	Level1: "Level 1 recorded", Level2: "Level 2 recorded", Level3: "Level 3 recorded",
	LevelUp: "Level raised", LevelDown: "Level lowered",
}

// Event is one count to add: a metric in a month ("2006-01").
type Event struct {
	Metric Metric
	Month  string
}

var london = civil.London

// Month is the month t falls in, in Europe/London ("2026-11").
func Month(t time.Time) string { return t.In(london).Format("2006-01") }

// ParseMonth checks a "2006-01" month.
func ParseMonth(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01", s, london)
	if err != nil {
		return time.Time{}, fmt.Errorf("report: month %q is not YYYY-MM", s)
	}
	return t, nil
}

// Months lists the months from..to inclusive ("2006-01"); at most max.
func Months(from, to time.Time, limit int) []string {
	var out []string
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, london); !m.After(to) && len(out) < limit; m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}

// ForClassification is what classifying a referral received at receivedAt
// counts: the referral itself, short notice, and its category or outcome.
func ForClassification(receivedAt time.Time, outcome string, primaryCategory int, shortNotice bool) []Event {
	m := Month(receivedAt)
	evs := []Event{{Received, m}}
	if shortNotice {
		evs = append(evs, Event{ShortNotice, m})
	}
	switch {
	case outcome == "eligible" && primaryCategory >= 1 && primaryCategory <= 4:
		evs = append(evs, Event{Metric(fmt.Sprintf("category-%d", primaryCategory)), m})
	case outcome == "not-eligible":
		evs = append(evs, Event{NotEligible, m})
	case outcome == "cannot-decide":
		evs = append(evs, Event{CannotDecide, m})
	}
	return evs
}

// ForDecision is what a business support officer's decision counts
// ("accept", "more-information", "decline"; anything else counts nothing).
func ForDecision(kind string, at time.Time) []Event {
	switch kind {
	case "accept":
		return []Event{{Accepted, Month(at)}}
	case "more-information":
		return []Event{{MoreInformation, Month(at)}}
	case "decline":
		return []Event{{Declined, Month(at)}}
	}
	return nil
}

// ForLevel is what recording a level counts: the level, and whether it
// went up or down from the previous one (0: none before).
func ForLevel(previous, level int, at time.Time) []Event {
	m := Month(at)
	if level < 1 || level > 3 {
		return nil
	}
	evs := []Event{{Metric(fmt.Sprintf("level-%d", level)), m}}
	switch {
	case previous != 0 && level > previous:
		evs = append(evs, Event{LevelUp, m})
	case previous != 0 && level < previous:
		evs = append(evs, Event{LevelDown, m})
	}
	return evs
}
