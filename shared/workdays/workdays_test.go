package workdays

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

func d(s string) civil.Date {
	v, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// oneOffs are the differences from the standard rules that were proclaimed
// for particular years. Anything else that differs is a data error.
var oneOffs = map[int]struct{ added, removed []string }{
	2020: {added: []string{"2020-05-08"}, removed: []string{"2020-05-04"}},
	2022: {added: []string{"2022-06-02", "2022-06-03", "2022-09-19"}, removed: []string{"2022-05-30"}},
	2023: {added: []string{"2023-05-08"}},
}

func TestDataFile(t *testing.T) {
	c := EnglandAndWales()
	first, last := c.Coverage()
	if first > 2024 || last < 2030 {
		t.Fatalf("the data file covers %d-%d; it must cover at least 2024-2030", first, last)
	}
	for y := first; y <= last; y++ {
		want := map[string]bool{}
		for _, h := range Rules(y) {
			want[h.Date.String()] = true
		}
		for _, s := range oneOffs[y].added {
			want[s] = true
		}
		for _, s := range oneOffs[y].removed {
			delete(want, s)
		}
		got := map[string]bool{}
		for _, h := range c.Holidays(y) {
			got[h.Date.String()] = true
			if !want[h.Date.String()] {
				t.Errorf("%d: %s (%s) is not a standard bank holiday nor a known one-off", y, h.Date, h.Title)
			}
		}
		for s := range want {
			if !got[s] {
				t.Errorf("%d: the file lacks %s", y, s)
			}
		}
	}
	var f File
	if err := json.Unmarshal(englandAndWales, &f); err != nil {
		t.Fatal(err)
	}
	for _, h := range f.Events {
		if h.Date.Year >= 2027 && !strings.Contains(h.Notes, "Projected") {
			t.Errorf("%s is not marked as projected although gov.uk had not published it when the file was compiled", h.Date)
		}
	}
}

func TestEaster(t *testing.T) {
	known := map[int]string{2020: "2020-04-12", 2021: "2021-04-04", 2022: "2022-04-17", 2023: "2023-04-09",
		2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2028: "2028-04-16",
		2029: "2029-04-01", 2030: "2030-04-21", 2038: "2038-04-25", 2285: "2285-03-22"}
	for y, want := range known {
		if got := EasterSunday(y).String(); got != want {
			t.Errorf("Easter %d = %s, want %s", y, got, want)
		}
	}
}

func TestKnownHolidays(t *testing.T) {
	c := EnglandAndWales()
	cases := []struct {
		date string
		name string
	}{
		{"2026-12-28", "Boxing Day"},     // Boxing Day on a Saturday
		{"2027-12-27", "Christmas Day"},  // Christmas on a Saturday
		{"2028-01-03", "New Year’s Day"}, // New Year's Day on a Saturday
		{"2022-09-19", "Bank Holiday for the State Funeral of Queen Elizabeth II"},
		{"2027-03-26", "Good Friday"},
		{"2031-12-25", "Christmas Day"}, // beyond the file: the rules
	}
	for _, k := range cases {
		name, ok := c.BankHoliday(d(k.date))
		if !ok || name != k.name {
			t.Errorf("%s: got %q %v, want %q", k.date, name, ok, k.name)
		}
	}
	if _, ok := c.BankHoliday(d("2026-12-26")); ok {
		t.Error("Saturday 2026-12-26 is listed; the substitute is the Monday")
	}
	if !c.Covers(2030) || c.Covers(2031) {
		t.Error("coverage is wrong")
	}
}

func TestWorkingDayHelpers(t *testing.T) {
	c := EnglandAndWales()
	cases := []struct {
		name           string
		in             string
		onOrBefore     string
		onOrAfter      string
		previous, next string
	}{
		{"plain Wednesday", "2027-01-06", "2027-01-06", "2027-01-06", "2027-01-05", "2027-01-07"},
		{"Saturday", "2027-01-09", "2027-01-08", "2027-01-11", "2027-01-08", "2027-01-11"},
		{"Monday after a weekend", "2027-01-11", "2027-01-11", "2027-01-11", "2027-01-08", "2027-01-12"},
		{"Easter Monday 2027", "2027-03-29", "2027-03-25", "2027-03-30", "2027-03-25", "2027-03-30"},
		{"Christmas 2027 substitute", "2027-12-27", "2027-12-24", "2027-12-29", "2027-12-24", "2027-12-29"},
		{"New Year 2028 substitute", "2028-01-03", "2027-12-31", "2028-01-04", "2027-12-31", "2028-01-04"},
	}
	for _, k := range cases {
		in := d(k.in)
		if got := c.OnOrBefore(in).String(); got != k.onOrBefore {
			t.Errorf("%s OnOrBefore = %s, want %s", k.name, got, k.onOrBefore)
		}
		if got := c.OnOrAfter(in).String(); got != k.onOrAfter {
			t.Errorf("%s OnOrAfter = %s, want %s", k.name, got, k.onOrAfter)
		}
		if got := c.PreviousWorkingDay(in).String(); got != k.previous {
			t.Errorf("%s PreviousWorkingDay = %s, want %s", k.name, got, k.previous)
		}
		if got := c.NextWorkingDay(in).String(); got != k.next {
			t.Errorf("%s NextWorkingDay = %s, want %s", k.name, got, k.next)
		}
	}
	if got := c.AddWorkingDays(d("2027-12-23"), 2).String(); got != "2027-12-29" {
		t.Errorf("two working days after 23 Dec 2027 = %s", got)
	}
	if got := c.AddWorkingDays(d("2027-12-29"), -2).String(); got != "2027-12-23" {
		t.Errorf("two working days before 29 Dec 2027 = %s", got)
	}
	if got := c.WorkingDaysBetween(d("2027-12-24"), d("2027-12-31")); got != 3 {
		t.Errorf("working days after 24 Dec to 31 Dec 2027 = %d, want 3", got)
	}
}

func TestPropertyOnOrBeforeIsLatestWorkingDay(t *testing.T) {
	c := EnglandAndWales()
	for day := d("2024-01-01"); day.Year <= 2031; day = day.AddDays(1) {
		got := c.OnOrBefore(day)
		if !c.IsWorkingDay(got) || got.After(day) {
			t.Fatalf("OnOrBefore(%s) = %s", day, got)
		}
		for x := got.AddDays(1); !x.After(day); x = x.AddDays(1) {
			if c.IsWorkingDay(x) {
				t.Fatalf("OnOrBefore(%s) = %s skipped working day %s", day, got, x)
			}
		}
		if wd := got.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Fatalf("weekend %s", got)
		}
	}
}

func TestLoadRefusesBadFiles(t *testing.T) {
	year := func(y int) string {
		var parts []string
		for _, h := range Rules(y) {
			parts = append(parts, fmt.Sprintf(`{"title":%q,"date":%q,"notes":""}`, h.Title, h.Date))
		}
		return strings.Join(parts, ",")
	}
	good := `{"division":"england-and-wales","source":"t","firstYear":2030,"lastYear":2030,"events":[` + year(2030) + `]}`
	if _, err := Load([]byte(good)); err != nil {
		t.Fatalf("good file refused: %v", err)
	}
	cases := map[string]string{
		"wrong division":  strings.Replace(good, "england-and-wales", "scotland", 1),
		"unknown field":   strings.Replace(good, `"source"`, `"sauce"`, 1),
		"impossible date": strings.Replace(good, "2030-01-01", "2030-02-30", 1),
		"weekend":         strings.Replace(good, "2030-01-01", "2030-01-05", 1),
		"duplicate":       strings.Replace(good, "2030-01-01", "2030-12-25", 1),
		"outside range":   strings.Replace(good, "2030-01-01", "2031-01-01", 1),
		"too few":         `{"division":"england-and-wales","firstYear":2030,"lastYear":2030,"events":[{"title":"x","date":"2030-01-01"}]}`,
		"no title":        strings.Replace(good, `"New Year’s Day"`, `""`, 1),
		"bad range":       strings.Replace(good, `"lastYear":2030`, `"lastYear":2029`, 1),
	}
	for name, body := range cases {
		if _, err := Load([]byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestMergeAndProject(t *testing.T) {
	gov := `{"england-and-wales":{"division":"england-and-wales","events":[` +
		`{"title":"New Year’s Day","date":"2031-01-01","notes":"","bunting":true},` +
		`{"title":"Good Friday","date":"2031-04-11","notes":"","bunting":false},` +
		`{"title":"Easter Monday","date":"2031-04-14","notes":"","bunting":true},` +
		`{"title":"Early May bank holiday","date":"2031-05-05","notes":"","bunting":true},` +
		`{"title":"Spring bank holiday","date":"2031-05-26","notes":"","bunting":true},` +
		`{"title":"A one-off holiday","date":"2031-06-13","notes":"Additional","bunting":true},` +
		`{"title":"Summer bank holiday","date":"2031-08-25","notes":"","bunting":true},` +
		`{"title":"Christmas Day","date":"2031-12-25","notes":"","bunting":true},` +
		`{"title":"Boxing Day","date":"2031-12-26","notes":"","bunting":true},` +
		`{"title":"Christmas Day","date":"2030-12-25","notes":"confirmed","bunting":true}` +
		`]},"scotland":{"division":"scotland","events":[]}}`
	merged, err := Merge(englandAndWales, []byte(gov))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(merged)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Covers(2031) {
		t.Fatal("2031 not added")
	}
	if name, ok := c.BankHoliday(d("2031-06-13")); !ok || name != "A one-off holiday" {
		t.Errorf("one-off not merged: %q", name)
	}
	// 2030 had only one gov.uk event (a partial year): the file's 2030 stays.
	if _, ok := c.BankHoliday(d("2030-08-26")); !ok {
		t.Error("a partial gov.uk year replaced a complete one")
	}
	projected, err := Project(merged, 2033)
	if err != nil {
		t.Fatal(err)
	}
	c, err = Load(projected)
	if err != nil || !c.Covers(2033) {
		t.Fatalf("projection: %v", err)
	}
	if !strings.Contains(string(projected), ProjectedNote) {
		t.Error("projected events not marked")
	}
	if _, err := Merge(englandAndWales, []byte(`{"scotland":{}}`)); err == nil {
		t.Error("a gov.uk file without england-and-wales was accepted")
	}
}
