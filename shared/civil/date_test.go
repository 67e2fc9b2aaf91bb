package civil

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseRefusesImpossibleDates(t *testing.T) {
	for _, s := range []string{"2026-02-30", "2026-13-01", "2026-1-01", "26-01-01", "2026/01/01", "", "2026-02-29", "1800-01-01"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted an impossible date", s)
		}
	}
	d, err := Parse("2028-02-29")
	if err != nil || d != New(2028, time.February, 29) {
		t.Fatalf("Parse(2028-02-29) = %v, %v", d, err)
	}
}

func TestAddMonthsFallsToMonthEnd(t *testing.T) {
	cases := []struct {
		from Date
		n    int
		want Date
	}{
		{New(2026, 1, 31), 1, New(2026, 2, 28)},
		{New(2028, 1, 31), 1, New(2028, 2, 29)},
		{New(2026, 3, 15), -3, New(2025, 12, 15)},
		{New(2028, 2, 29), 12, New(2029, 2, 28)},
	}
	for _, c := range cases {
		if got := c.from.AddMonths(c.n); got != c.want {
			t.Errorf("%v.AddMonths(%d) = %v, want %v", c.from, c.n, got, c.want)
		}
	}
	if got := New(2026, 1, 15).AddYears(2).AddDays(-1); got != New(2028, 1, 14) {
		t.Errorf("caution on 2026-01-15 + 2 years - 1 day = %v, want 2028-01-14", got)
	}
}

func TestAgeOnAndDaysUntil(t *testing.T) {
	dob := New(2010, 6, 15)
	if got := dob.AgeOn(New(2026, 6, 14)); got != 15 {
		t.Errorf("age the day before the 16th birthday = %d", got)
	}
	if got := dob.AgeOn(New(2026, 6, 15)); got != 16 {
		t.Errorf("age on the 16th birthday = %d", got)
	}
	if got := New(2027, 3, 17).DaysUntil(New(2027, 3, 25)); got != 8 {
		t.Errorf("days from 17 to 25 March = %d, want 8", got)
	}
}

func TestJSONRoundTripAndErrors(t *testing.T) {
	var v struct {
		D Date `json:"d"`
	}
	if err := json.Unmarshal([]byte(`{"d":"2027-01-07"}`), &v); err != nil || v.D != New(2027, 1, 7) {
		t.Fatalf("unmarshal: %v %v", v.D, err)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"d":"2027-01-07"}` {
		t.Errorf("marshal = %s", out)
	}
	for _, bad := range []string{`{"d":"2027-02-30"}`, `{"d":20270107}`, `{"d":"tomorrow"}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("unmarshal %s accepted", bad)
		}
	}
	if err := json.Unmarshal([]byte(`{"d":null}`), &v); err != nil || !v.D.IsZero() {
		t.Errorf("null should give the zero date")
	}
}

func TestTodayIsLondonDate(t *testing.T) {
	// 23:30 UTC on 30 June is already 1 July in London (BST).
	now := time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC)
	if got := Today(now); got != New(2026, 7, 1) {
		t.Errorf("Today = %v, want 2026-07-01", got)
	}
}
