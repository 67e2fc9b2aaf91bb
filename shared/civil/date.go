// Package civil holds calendar values with no time of day and no time zone:
// a date of birth, a sentence date, the day a review falls due.
//
// MAPPA rules count in days, weeks, months and years on the calendar of
// England and Wales. Using time.Time for them invites off-by-one-day bugs at
// midnight and at the clock change, so the domain uses Date instead and
// converts at the edges (Europe/London) when it must.
package civil

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/London on Lambda's minimal image, without system zoneinfo
)

// Date is a calendar date. The zero value is "no date" (IsZero reports true).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// London is the time zone every MAPPA date and time is read in.
var London = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// time/tzdata is embedded above; a missing zone is a build fault.
		panic(fmt.Sprintf("civil: load %s: %v", name, err))
	}
	return loc
}

// ErrInvalid is returned when a string is not a real ISO 8601 calendar date.
var ErrInvalid = errors.New("not a valid date: use YYYY-MM-DD")

// New returns the date. It panics if the values are not a real date, so it
// is for literals in code and tests; use Parse for input.
func New(year int, month time.Month, day int) Date {
	d := Date{year, month, day}
	if !d.valid() {
		panic(fmt.Sprintf("civil: invalid date %04d-%02d-%02d", year, month, day))
	}
	return d
}

// Parse reads an ISO 8601 calendar date (YYYY-MM-DD). Impossible dates such
// as 2026-02-30 are refused rather than normalised.
func Parse(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, ErrInvalid
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, ErrInvalid
	}
	d := Of(t)
	if d.Year < 1900 || d.Year > 2200 {
		return Date{}, ErrInvalid
	}
	return d, nil
}

// Of returns the date of t in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Today returns the date in London at the instant now.
func Today(now time.Time) Date { return Of(now.In(London)) }

func (d Date) valid() bool {
	if d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return Of(d.midnightUTC()) == d
}

func (d Date) midnightUTC() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// In returns midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns d moved by n days (n may be negative).
func (d Date) AddDays(n int) Date { return Of(d.midnightUTC().AddDate(0, 0, n)) }

// AddMonths returns d moved by n calendar months. Like the law's "months",
// a day that does not exist in the target month falls to the month's last
// day (31 January + 1 month = 28 or 29 February), never into the next month.
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	day := min(d.Day, last)
	return Date{first.Year(), first.Month(), day}
}

// AddYears returns d moved by n years, with 29 February falling to 28
// February in a year that has none.
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.midnightUTC().Weekday() }

// DaysUntil returns the number of days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int {
	return int(e.midnightUTC().Sub(d.midnightUTC()).Hours() / 24)
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp(int(d.Month), int(e.Month))
	default:
		return cmp(d.Day, e.Day)
	}
}

func cmp(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// AgeOn returns the age in whole years of someone born on d, on the date on.
func (d Date) AgeOn(on Date) int {
	age := on.Year - d.Year
	if on.Month < d.Month || (on.Month == d.Month && on.Day < d.Day) {
		age--
	}
	return age
}

// MarshalJSON writes d as "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD" or null. Anything else is an error that
// says what a date must look like.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return ErrInvalid
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText implements encoding.TextMarshaler (DynamoDB attribute values,
// map keys).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
