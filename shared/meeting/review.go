package meeting

import (
	"fmt"
	"slices"

	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
)

// Hard limits on the review interval, whatever an area configures: never
// past 16 weeks at level 2 or 8 weeks at level 3 (S2).
const (
	MaxWeeksLevel2 = 16
	MaxWeeksLevel3 = 8
)

// PanelDays are the fixed days on which an area holds level 2 business
// (S1: the MAPP panel meets twice a month). Empty: no fixed days.
type PanelDays []civil.Date

// Proposal is the next review the cadence proposes after a meeting.
type Proposal struct {
	Window cadence.Window `json:"window"`
	// Date is the proposed date: a panel day inside the window where the
	// area has them (level 2), otherwise the window's suggested day.
	Date civil.Date `json:"date"`
	// Basis is "panel-day", "suggested" or "custody".
	Basis   string               `json:"basis"`
	Reasons []eligibility.Reason `json:"reasons"`
}

// ProposeNextReview returns the next review after m (held or about to be):
// inside the engine's window, never past the hard limits, on a panel day
// where the area has one in the window.
func ProposeNextReview(m Meeting, planner *cadence.Planner, panel PanelDays) (Proposal, error) {
	custody := cadence.Custody{}
	if m.Custody {
		custody = cadence.Custody{ReleaseDate: m.ReleaseDate, ParoleEligibilityDate: m.ParoleEligibilityDate}
	}
	w, err := planner.NextReview(eligibility.Level(m.Level), m.Date, custody)
	if err != nil {
		return Proposal{}, err
	}
	limit := m.Date.AddDays(7 * MaxWeeksLevel2)
	if m.Level == 3 {
		limit = m.Date.AddDays(7 * MaxWeeksLevel3)
	}
	p := Proposal{Window: w, Date: w.Suggested, Basis: "suggested", Reasons: slices.Clone(w.Reasons)}
	if w.Basis == "custody" {
		p.Basis = "custody"
	}
	if w.Latest.After(limit) {
		w.Latest = limit
		if w.Earliest.After(limit) {
			w.Earliest = limit
		}
		if p.Date.After(limit) {
			p.Date = limit
		}
		p.Window = w
		p.Reasons = append(p.Reasons, eligibility.Reason{Rule: "REVIEW-HARD-LIMIT", Source: "S2 (children's trust practice guidance): level 2 every 12-16 weeks, level 3 every 6-8 weeks", Sentence: fmt.Sprintf(
			"A level %d review is never more than %d weeks after the last meeting: the window ends on %s.", m.Level, map[int]int{2: MaxWeeksLevel2, 3: MaxWeeksLevel3}[m.Level], limit)})
	}
	if m.Level == 2 && len(panel) > 0 && w.Basis != "custody" {
		if d, ok := panelDayIn(panel, w.Earliest, w.Latest, p.Date); ok {
			p.Date, p.Basis = d, "panel-day"
			p.Reasons = append(p.Reasons, eligibility.Reason{Rule: "REVIEW-PANEL-DAY", Source: "S1 (2010): the MAPP panel meets twice a month; panel days are configured per area", Sentence: fmt.Sprintf(
				"Level 2 business is held on fixed panel days: %s is the panel day inside the window nearest the suggested date.", d)})
		} else {
			p.Reasons = append(p.Reasons, eligibility.Reason{Rule: "REVIEW-NO-PANEL-DAY", Source: "S1 (2010): the MAPP panel meets twice a month; panel days are configured per area", Sentence: fmt.Sprintf(
				"No panel day is set between %s and %s; the suggested date is proposed instead. Add panel days or arrange an extra meeting.", w.Earliest, w.Latest)})
		}
	}
	return p, nil
}

// panelDayIn returns the panel day in [from, to] nearest target (earlier
// on a tie).
func panelDayIn(panel PanelDays, from, to, target civil.Date) (civil.Date, bool) {
	var best civil.Date
	bestDist := -1
	days := slices.Clone(panel)
	slices.SortFunc(days, func(a, b civil.Date) int { return a.Compare(b) })
	for _, d := range days {
		if d.Before(from) || d.After(to) {
			continue
		}
		dist := d.DaysUntil(target)
		if dist < 0 {
			dist = -dist
		}
		if bestDist < 0 || dist < bestDist {
			best, bestDist = d, dist
		}
	}
	return best, bestDist >= 0
}

// CheckReviewDate reports whether a review booked on date after a meeting
// on last at level keeps inside the hard limit; the error says the latest
// allowed date.
func CheckReviewDate(level int, last, date civil.Date) error {
	weeks := MaxWeeksLevel2
	if level == 3 {
		weeks = MaxWeeksLevel3
	}
	if limit := last.AddDays(7 * weeks); date.After(limit) {
		return fmt.Errorf("a level %d review must be no more than %d weeks after the last meeting: on or before %s", level, weeks, limit)
	}
	return nil
}
