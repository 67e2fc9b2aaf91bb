// Package workdays knows which days are working days in England and Wales:
// Monday to Friday except bank holidays. Due dates that must fall on a
// working day (review deadlines, invitation deadlines, supervision) use it.
//
// The bank holidays come from an embedded data file,
// data/bank-holidays-england-and-wales.json, in the shape of the
// "england-and-wales" division of https://www.gov.uk/bank-holidays.json. It
// is loaded and checked when the package initialises: a broken file stops
// every binary at start rather than producing a wrong date later. See
// README.md in this directory for how to update it.
//
// For a year the file does not cover, the calendar falls back to the
// standard rules (Rules), which give the usual eight bank holidays but
// cannot know one-off holidays announced later; Covers reports whether a
// year comes from the file.
package workdays

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

//go:embed data/bank-holidays-england-and-wales.json
var englandAndWales []byte

// Holiday is one bank holiday.
type Holiday struct {
	Date  civil.Date `json:"date"`
	Title string     `json:"title"`
	Notes string     `json:"notes"`
	// Bunting is carried over from the gov.uk file; unused.
	Bunting bool `json:"bunting,omitempty"`
}

// File is the data file's shape: gov.uk's division object plus the years it
// is complete for.
type File struct {
	Division string `json:"division"`
	// Source says where the data came from and when it was last checked.
	Source string `json:"source"`
	// FirstYear and LastYear bound the years the file lists completely.
	FirstYear int       `json:"firstYear"`
	LastYear  int       `json:"lastYear"`
	Events    []Holiday `json:"events"`
}

// Calendar answers working-day questions. It is immutable and safe for
// concurrent use.
type Calendar struct {
	first, last int
	holidays    map[civil.Date]string
}

// ew parses the embedded file on first use, not at start-up.
var ew = sync.OnceValue(func() *Calendar { return mustLoad(englandAndWales) })

func mustLoad(b []byte) *Calendar {
	c, err := Load(b)
	if err != nil {
		panic(fmt.Sprintf("workdays: embedded bank holidays: %v", err))
	}
	return c
}

// EnglandAndWales returns the calendar of England and Wales from the
// embedded data file.
func EnglandAndWales() *Calendar { return ew() }

// Load reads and checks a data file: the right division, every date real,
// inside FirstYear..LastYear and on a weekday, no date twice, and every year
// in range listing at least the eight standard bank holidays.
func Load(b []byte) (*Calendar, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if f.Division != "england-and-wales" {
		return nil, fmt.Errorf("division %q, want england-and-wales", f.Division)
	}
	if f.FirstYear < 1900 || f.LastYear < f.FirstYear || f.LastYear > 2200 {
		return nil, fmt.Errorf("years %d-%d are not a valid range", f.FirstYear, f.LastYear)
	}
	c := &Calendar{first: f.FirstYear, last: f.LastYear, holidays: map[civil.Date]string{}}
	perYear := map[int]int{}
	for i, h := range f.Events {
		switch {
		case h.Date.IsZero():
			return nil, fmt.Errorf("event %d has no date", i)
		case h.Title == "":
			return nil, fmt.Errorf("event %d (%s) has no title", i, h.Date)
		case h.Date.Year < f.FirstYear || h.Date.Year > f.LastYear:
			return nil, fmt.Errorf("event %d (%s) is outside %d-%d", i, h.Date, f.FirstYear, f.LastYear)
		case isWeekend(h.Date):
			return nil, fmt.Errorf("event %d (%s) falls on a weekend", i, h.Date)
		}
		if _, dup := c.holidays[h.Date]; dup {
			return nil, fmt.Errorf("event %d (%s) is listed twice", i, h.Date)
		}
		c.holidays[h.Date] = h.Title
		perYear[h.Date.Year]++
	}
	for y := f.FirstYear; y <= f.LastYear; y++ {
		if perYear[y] < 8 {
			return nil, fmt.Errorf("year %d lists %d bank holidays, want at least 8", y, perYear[y])
		}
	}
	return c, nil
}

// Covers reports whether year's bank holidays come from the data file
// rather than the standard rules.
func (c *Calendar) Covers(year int) bool { return year >= c.first && year <= c.last }

// Coverage returns the first and last years the data file lists.
func (c *Calendar) Coverage() (first, last int) { return c.first, c.last }

// BankHoliday returns the name of the bank holiday on d, if it is one.
func (c *Calendar) BankHoliday(d civil.Date) (string, bool) {
	if c.Covers(d.Year) {
		name, ok := c.holidays[d]
		return name, ok
	}
	for _, h := range Rules(d.Year) {
		if h.Date == d {
			return h.Title, true
		}
	}
	return "", false
}

// Holidays returns year's bank holidays in date order.
func (c *Calendar) Holidays(year int) []Holiday {
	if !c.Covers(year) {
		return Rules(year)
	}
	var out []Holiday
	for d, name := range c.holidays {
		if d.Year == year {
			out = append(out, Holiday{Date: d, Title: name})
		}
	}
	slices.SortFunc(out, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return out
}

func isWeekend(d civil.Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// IsWorkingDay reports whether d is a weekday that is not a bank holiday.
func (c *Calendar) IsWorkingDay(d civil.Date) bool {
	if isWeekend(d) {
		return false
	}
	_, hol := c.BankHoliday(d)
	return !hol
}

// OnOrBefore returns d if it is a working day, otherwise the last working
// day before it. It is how a due date that lands on a weekend or bank
// holiday is moved, so a maximum interval is never exceeded.
func (c *Calendar) OnOrBefore(d civil.Date) civil.Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(-1)
	}
	return d
}

// OnOrAfter returns d if it is a working day, otherwise the first working
// day after it.
func (c *Calendar) OnOrAfter(d civil.Date) civil.Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// PreviousWorkingDay returns the last working day strictly before d.
func (c *Calendar) PreviousWorkingDay(d civil.Date) civil.Date { return c.OnOrBefore(d.AddDays(-1)) }

// NextWorkingDay returns the first working day strictly after d.
func (c *Calendar) NextWorkingDay(d civil.Date) civil.Date { return c.OnOrAfter(d.AddDays(1)) }

// AddWorkingDays moves d by n working days (n may be negative). With n == 0
// it returns d unchanged even if d is not a working day.
func (c *Calendar) AddWorkingDays(d civil.Date, n int) civil.Date {
	for n > 0 {
		d = c.NextWorkingDay(d)
		n--
	}
	for n < 0 {
		d = c.PreviousWorkingDay(d)
		n++
	}
	return d
}

// WorkingDaysBetween counts the working days after from up to and including
// to (0 if to is not after from).
func (c *Calendar) WorkingDaysBetween(from, to civil.Date) int {
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}
