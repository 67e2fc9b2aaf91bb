package eligibility

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

func TestTermCompare(t *testing.T) {
	anchor := civil.New(2025, 3, 1)
	cases := []struct {
		term      Term
		n         int
		anchor    civil.Date
		atLeast   bool
		moreThan  bool
		decidedAL bool
		decidedMT bool
	}{
		{Term{Months: 12}, 12, civil.Date{}, true, false, true, true},
		{Term{Months: 11}, 12, civil.Date{}, false, false, true, true},
		{Term{Months: 11, Weeks: 5}, 12, civil.Date{}, true, true, true, true},
		{Term{Weeks: 52}, 12, civil.Date{}, false, false, true, true},
		// 366 days is exactly 12 months from some starts and more from
		// others: at least 12 months either way, "more than" depends.
		{Term{Days: 366}, 12, civil.Date{}, true, false, true, false},
		{Term{Days: 365}, 12, civil.Date{}, false, false, false, true},
		{Term{Days: 365}, 12, anchor, true, false, true, true},
		{Term{Days: 365}, 12, civil.New(2024, 1, 1), false, false, true, true}, // 2024 is a leap year
		{Term{Months: 6, Days: 1}, 6, civil.Date{}, true, true, true, true},
	}
	for _, c := range cases {
		al, dal := c.term.AtLeastMonths(c.n, c.anchor)
		mt, dmt := c.term.MoreThanMonths(c.n, c.anchor)
		if dal != c.decidedAL || (dal && al != c.atLeast) || dmt != c.decidedMT || (dmt && mt != c.moreThan) {
			t.Errorf("%v vs %d months from %s: at least %v (%v), more than %v (%v)", c.term, c.n, c.anchor, al, dal, mt, dmt)
		}
	}
	words := map[Term]string{{Months: 48}: "4 years", {Months: 18}: "18 months", {Months: 1}: "1 month",
		{Weeks: 52}: "52 weeks", {Months: 12, Weeks: 6, Days: 1}: "12 months, 6 weeks and 1 day", {}: "0 days"}
	for term, want := range words {
		if got := term.String(); got != want {
			t.Errorf("%+v says %q, want %q", term, got, want)
		}
	}
}

func TestFactsRoundTrip(t *testing.T) {
	for _, tc := range classifyCases {
		f := facts(t, tc.facts)
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		back := facts(t, string(b))
		if !reflect.DeepEqual(f, back) {
			t.Errorf("%s: facts do not round-trip:\n%s", tc.name, b)
		}
	}
	b, _ := json.Marshal(Facts{})
	if string(b) != `{}` {
		t.Errorf("empty facts encode as %s", b)
	}
}
