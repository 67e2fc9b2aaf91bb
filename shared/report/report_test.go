package report

import (
	"slices"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

func TestMonthIsLondon(t *testing.T) {
	// 23:30 UTC on 31 May is 00:30 on 1 June in London (BST).
	if got := Month(time.Date(2027, 5, 31, 23, 30, 0, 0, time.UTC)); got != "2027-06" {
		t.Errorf("BST: %s", got)
	}
	if got := Month(time.Date(2027, 1, 31, 23, 30, 0, 0, time.UTC)); got != "2027-01" {
		t.Errorf("GMT: %s", got)
	}
}

func TestEvents(t *testing.T) {
	at := time.Date(2027, 3, 10, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		got  []Event
		want []Metric
	}{
		{"category 2 at short notice", ForClassification(at, "eligible", 2, true), []Metric{Received, ShortNotice, Category2}},
		{"not eligible", ForClassification(at, "not-eligible", 0, false), []Metric{Received, NotEligible}},
		{"cannot decide", ForClassification(at, "cannot-decide", 0, false), []Metric{Received, CannotDecide}},
		{"accept", ForDecision("accept", at), []Metric{Accepted}},
		{"agency's answer counts nothing", ForDecision("information", at), nil},
		{"first level", ForLevel(0, 2, at), []Metric{Level2}},
		{"raised", ForLevel(2, 3, at), []Metric{Level3, LevelUp}},
		{"lowered", ForLevel(3, 1, at), []Metric{Level1, LevelDown}},
		{"no level", ForLevel(2, 0, at), nil},
	}
	for _, c := range cases {
		var got []Metric
		for _, e := range c.got {
			got = append(got, e.Metric)
			if e.Month != "2027-03" {
				t.Errorf("%s: month %s", c.name, e.Month)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestEveryMetricHasALabelAndAChart(t *testing.T) {
	seen := map[Metric]bool{}
	for _, g := range Groups {
		for _, m := range g.Metrics {
			if Labels[m] == "" {
				t.Errorf("%s has no label", m)
			}
			seen[m] = true
		}
	}
	if len(seen) != len(Labels) {
		t.Errorf("%d metrics charted, %d labelled", len(seen), len(Labels))
	}
}

func TestMonths(t *testing.T) {
	from, _ := ParseMonth("2026-11")
	to, _ := ParseMonth("2027-02")
	if got := Months(from, to, 24); !slices.Equal(got, []string{"2026-11", "2026-12", "2027-01", "2027-02"}) {
		t.Errorf("%v", got)
	}
	if _, err := ParseMonth("2026-13"); err == nil {
		t.Error("month 13 accepted")
	}
}

func TestMeetingAndActionEvents(t *testing.T) {
	at := time.Date(2027, 3, 10, 12, 0, 0, 0, time.UTC)
	sum := func(evs []Event) map[Metric]int {
		out := map[Metric]int{}
		for _, e := range Net(evs) {
			out[e.Metric] += e.Delta()
		}
		return out
	}
	// A correction from apologies to attended counts the invitee once.
	got := sum(append(ForAttendance("service-manager", 2, "", "apologies", at), ForAttendance("service-manager", 2, "apologies", "attended", at)...))
	if len(got) != 4 || got[InvitedSM] != 1 || got[PresentSM] != 1 || got[InvitedLevel2] != 1 || got[PresentLevel2] != 1 {
		t.Errorf("corrected attendance: %v", got)
	}
	if evs := ForAttendance("social-worker", 3, "deputy", "deputy", at); evs != nil {
		t.Errorf("the same outcome again counts %v", evs)
	}
	if got := sum(ForAttendance("social-worker", 3, "", "written-report", at)); got[WrittenInstead] != 1 || got[PresentSW] != 0 || got[InvitedLevel3] != 1 {
		t.Errorf("written report instead: %v", got)
	}
	if got := sum(ForReviewHeld(at, true, false)); got[ReviewHeld] != 1 || got[ReviewLate] != 1 || got[ReviewOnTime] != 0 {
		t.Errorf("late review: %v", got)
	}
	if got := sum(ForReviewHeld(at, false, false)); len(got) != 1 {
		t.Errorf("first review: %v", got)
	}
	due := civil.New(2027, 3, 9)
	if got := sum(ForActionClosed(true, due, at)); got[ActionDone] != 1 || got[ActionDoneLate] != 1 {
		t.Errorf("late action: %v", got)
	}
	if got := ForActionClosed(false, due, at); got != nil {
		t.Errorf("closed not done: %v", got)
	}
}
