package workdays

import (
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

// Rules returns the standard bank holidays of England and Wales for year
// (Banking and Financial Dealings Act 1971, Schedule 1, and the annual royal
// proclamations): New Year's Day, Good Friday, Easter Monday, the early May,
// spring and summer bank holidays, Christmas Day and Boxing Day, with the
// usual substitute days when one falls at a weekend.
//
// One-off changes (a jubilee, a coronation, a state funeral, a moved early
// May holiday) are proclaimed case by case and only the data file knows
// them; this is the fallback for years beyond the file and the check the
// data file's test runs against.
func Rules(year int) []Holiday {
	var out []Holiday
	add := func(d civil.Date, title string) { out = append(out, Holiday{Date: d, Title: title}) }

	ny := civil.New(year, time.January, 1)
	switch ny.Weekday() {
	case time.Saturday:
		add(ny.AddDays(2), "New Year’s Day")
	case time.Sunday:
		add(ny.AddDays(1), "New Year’s Day")
	default:
		add(ny, "New Year’s Day")
	}

	easter := EasterSunday(year)
	add(easter.AddDays(-2), "Good Friday")
	add(easter.AddDays(1), "Easter Monday")

	add(firstMonday(year, time.May), "Early May bank holiday")
	add(lastMonday(year, time.May), "Spring bank holiday")
	add(lastMonday(year, time.August), "Summer bank holiday")

	xmas := civil.New(year, time.December, 25)
	switch xmas.Weekday() {
	case time.Friday: // Boxing Day on Saturday moves to Monday 28th
		add(xmas, "Christmas Day")
		add(xmas.AddDays(3), "Boxing Day")
	case time.Saturday: // both move: Monday 27th and Tuesday 28th
		add(xmas.AddDays(2), "Christmas Day")
		add(xmas.AddDays(3), "Boxing Day")
	case time.Sunday: // Boxing Day Monday 26th, Christmas substitute Tuesday 27th
		add(xmas.AddDays(1), "Boxing Day")
		add(xmas.AddDays(2), "Christmas Day")
	default:
		add(xmas, "Christmas Day")
		add(xmas.AddDays(1), "Boxing Day")
	}
	return out
}

// EasterSunday returns the date of Easter Sunday in the Gregorian calendar
// (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher").
func EasterSunday(year int) civil.Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return civil.New(year, time.Month(month), day)
}

func firstMonday(year int, m time.Month) civil.Date {
	d := civil.New(year, m, 1)
	for d.Weekday() != time.Monday {
		d = d.AddDays(1)
	}
	return d
}

func lastMonday(year int, m time.Month) civil.Date {
	d := civil.New(year, m, 1).AddMonths(1).AddDays(-1)
	for d.Weekday() != time.Monday {
		d = d.AddDays(-1)
	}
	return d
}
