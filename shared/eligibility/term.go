package eligibility

import (
	"strconv"
	"time"

	"github.com/mappa-coordinator/mappa/shared/civil"
)

// Term is the length of a sentence in calendar months, weeks and days.
type Term struct{ Months, Weeks, Days int }

// Term returns the sentence's length, and false when none was given.
func (s *Sentence) Term() (Term, bool) {
	if s == nil || (s.LengthMonths == nil && s.LengthWeeks == nil && s.LengthDays == nil) {
		return Term{}, false
	}
	deref := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	return Term{deref(s.LengthMonths), deref(s.LengthWeeks), deref(s.LengthDays)}, true
}

// end returns the last day of a term that starts on from.
func (t Term) end(from civil.Date) civil.Date {
	return from.AddMonths(t.Months).AddDays(7*t.Weeks + t.Days - 1)
}

func (t Term) String() string {
	var parts []string
	add := func(n int, one, many string) {
		if n == 1 {
			parts = append(parts, "1 "+one)
		} else if n > 1 {
			parts = append(parts, itoa(n)+" "+many)
		}
	}
	years, months := t.Months/12, t.Months%12
	if t.Weeks == 0 && t.Days == 0 && months == 0 && years > 0 {
		add(years, "year", "years")
	} else {
		add(t.Months, "month", "months")
	}
	add(t.Weeks, "week", "weeks")
	add(t.Days, "day", "days")
	if len(parts) == 0 {
		return "0 days"
	}
	out := parts[0]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			out += " and " + p
		} else {
			out += ", " + p
		}
	}
	return out
}

// AtLeastMonths reports whether the term is n calendar months or more;
// MoreThanMonths whether it is longer than n months. A term in whole months
// compares directly. A term with weeks or days is laid out on the calendar
// from the sentence date (anchor); without one, every start date in a
// four-year cycle is tried, and if the answer depends on the start (a term
// within a day or two of the threshold) decided is false: the sentence date
// is then a missing fact, not something to guess.
func (t Term) AtLeastMonths(n int, anchor civil.Date) (yes, decided bool) {
	return t.test(n, anchor, func(cmp int) bool { return cmp >= 0 })
}

// MoreThanMonths: see AtLeastMonths.
func (t Term) MoreThanMonths(n int, anchor civil.Date) (yes, decided bool) {
	return t.test(n, anchor, func(cmp int) bool { return cmp > 0 })
}

func (t Term) test(n int, anchor civil.Date, ok func(cmp int) bool) (bool, bool) {
	if t.Weeks == 0 && t.Days == 0 {
		return ok(sign(t.Months - n)), true
	}
	at := func(from civil.Date) bool {
		termEnd := from.AddMonths(t.Months).AddDays(7*t.Weeks + t.Days)
		return ok(termEnd.Compare(from.AddMonths(n)))
	}
	if !anchor.IsZero() {
		return at(anchor), true
	}
	first := at(cycleStart)
	for d := cycleStart.AddDays(1); d.Before(cycleEnd); d = d.AddDays(1) {
		if at(d) != first {
			return false, false
		}
	}
	return first, true
}

var (
	cycleStart = civil.New(2001, time.January, 1)
	cycleEnd   = civil.New(2005, time.January, 1)
)

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func itoa(n int) string { return strconv.Itoa(n) }

// half is half the term, for the detention part of a detention and
// training order: whole months halve exactly; an odd month gives 15 days,
// an odd week 3 days and half a day rounds down.
func (t Term) half() Term {
	return Term{Months: t.Months / 2, Weeks: t.Weeks / 2, Days: t.Days/2 + 15*(t.Months%2) + 3*(t.Weeks%2)}
}
