// Package register is the risk register: every open case with its traffic
// light (GREEN / AMBER / RED), level, category, risk of serious harm, next
// review date and the days to it, filtered and sorted on the server.
//
// It holds the register's rules and nothing else: when a case's next review
// is (NextReview, from its meetings and the cadence), the order rows come in
// (the index keys, Key and Partition), the filters and their query
// parameters (ParseQuery), the cursor of a page, and the CSV a user
// downloads. The store (shared/store) keeps one sparse index entry per open
// case keyed by Partition and Key, so a page is a Query per traffic light,
// never a Scan (docs/data-model.md, "risk register").
//
// Pure domain: no AWS, no net/http.
package register

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/cadence"
	"github.com/mappa-coordinator/mappa/shared/civil"
	"github.com/mappa-coordinator/mappa/shared/eligibility"
	"github.com/mappa-coordinator/mappa/shared/meeting"
	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Lights are the traffic-light partitions of the register in RAG order:
// red first, then amber, green, and cases nobody has set a light on yet.
var Lights = []string{"red", "amber", "green", "none"}

// Light is the partition a case's traffic light puts it in.
func Light(rag string) string {
	if slices.Contains(Lights[:3], rag) {
		return rag
	}
	return "none"
}

// NoReview is the key part of a case with no next review (level 1, no level
// yet, or no meeting ever held or booked). It sorts after every date, so
// those cases come last in "soonest review first" and are never overdue.
const NoReview = "none"

// Key is a case's sort key inside its partition: the next review date
// (ISO, so keys sort in date order) or NoReview, then the case id.
func Key(next civil.Date, caseID string) string {
	if next.IsZero() {
		return NoReview + "#" + caseID
	}
	return next.String() + "#" + caseID
}

// Basis says where a next review date comes from.
type Basis string

// Bases.
const (
	// BasisBooked: the date of the case's next meeting that is booked (not
	// held, not cancelled). A booked date in the past means the meeting has
	// not been recorded as held: it shows as overdue.
	BasisBooked Basis = "booked"
	// BasisDue: no meeting is booked; the last day of the review window
	// after the last meeting held (cadence.NextReview: level 2 every 12-16
	// weeks, level 3 every 6-8 weeks, or before release or parole in
	// custody).
	BasisDue Basis = "due"
	// BasisNone: no review is due (level 1 or no level confirmed, or no
	// meeting held or booked yet).
	BasisNone Basis = "none"
)

// Review is what the case item keeps about its meetings for the register,
// written when a meeting changes (shared/rotastream).
type Review struct {
	// NextMeeting is the date of the earliest booked meeting (zero: none).
	NextMeeting civil.Date `json:"nextMeeting,omitzero"`
	// LastHeld is the date of the latest meeting held (zero: none).
	LastHeld civil.Date `json:"lastHeld,omitzero"`
	// Custody dates of the last meeting held (the review before release
	// or parole follows them).
	Custody cadence.Custody `json:"custody,omitzero"`
}

// FromMeetings is the Review of a case with meetings ms (any order).
// Cancelled meetings count for nothing.
func FromMeetings(ms []meeting.Meeting) Review {
	var r Review
	for _, m := range ms {
		switch m.Status {
		case meeting.StatusScheduled:
			if r.NextMeeting.IsZero() || m.Date.Before(r.NextMeeting) {
				r.NextMeeting = m.Date
			}
		case meeting.StatusHeld:
			if r.LastHeld.IsZero() || m.Date.After(r.LastHeld) {
				r.LastHeld = m.Date
				r.Custody = cadence.Custody{}
				if m.Custody {
					r.Custody = cadence.Custody{ReleaseDate: m.ReleaseDate, ParoleEligibilityDate: m.ParoleEligibilityDate}
				}
			}
		}
	}
	return r
}

// NextReview is a case's next review: the next booked meeting, otherwise
// the last day of the review window after the last meeting held at the
// case's level, otherwise none. planner nil means cadence.Default().
func NextReview(level int, r Review, planner *cadence.Planner) (civil.Date, Basis) {
	if !r.NextMeeting.IsZero() {
		return r.NextMeeting, BasisBooked
	}
	if r.LastHeld.IsZero() || (level != 2 && level != 3) {
		return civil.Date{}, BasisNone
	}
	if planner == nil {
		planner = cadence.Default()
	}
	w, err := planner.NextReview(eligibility.Level(level), r.LastHeld, r.Custody)
	if err != nil {
		return civil.Date{}, BasisNone
	}
	return w.Latest, BasisDue
}

// Sort is an order of the register.
type Sort string

// Orders.
const (
	// SortReview: soonest next review first (overdue ones first of all);
	// cases without a review last.
	SortReview Sort = "review"
	// SortRAG: RED, then AMBER, GREEN and not set; soonest review first
	// within each.
	SortRAG Sort = "rag"
)

// Query is a register request: filters, order and page.
type Query struct {
	// Lights keeps only these traffic lights (Lights values; empty: all).
	Lights []string
	// Level keeps only cases at this confirmed level (1-3; 0: any;
	// -1: level not confirmed yet).
	Level int
	// Category keeps only cases of this MAPPA category (1-4; 0: any).
	Category int
	// Overdue keeps only cases whose next review date has passed.
	Overdue bool
	Sort    Sort
	// After is the position after which the page starts (Cursor).
	After Cursor
	Limit int
}

// MaxLimit is the longest page; DefaultLimit the page without limit=.
const (
	MaxLimit     = 100
	DefaultLimit = 25
)

// ParseQuery reads the register's query parameters: rag (repeatable or
// comma-separated: red, amber, green, none), level (1-3 or "none"),
// category (1-4), overdue (true), sort (review or rag), cursor, limit.
// Every problem is reported at once.
func ParseQuery(v url.Values) (Query, validation.Errors) {
	var errs validation.Errors
	q := Query{Sort: SortReview, Limit: DefaultLimit}
	for _, raw := range v["rag"] {
		for l := range strings.SplitSeq(raw, ",") {
			l = strings.ToLower(strings.TrimSpace(l))
			if l == "" {
				continue
			}
			if !slices.Contains(Lights, l) {
				errs.Add("/rag", "must be red, amber, green or none (query parameter)")
				break
			}
			if !slices.Contains(q.Lights, l) {
				q.Lights = append(q.Lights, l)
			}
		}
	}
	switch s := v.Get("level"); s {
	case "":
	case "none":
		q.Level = -1
	default:
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 3 {
			errs.Add("/level", "must be 1, 2, 3 or none (query parameter)")
		}
		q.Level = n
	}
	if s := v.Get("category"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 4 {
			errs.Add("/category", "must be 1, 2, 3 or 4 (query parameter)")
		}
		q.Category = n
	}
	switch v.Get("overdue") {
	case "", "false":
	case "true":
		q.Overdue = true
	default:
		errs.Add("/overdue", "must be true or false (query parameter)")
	}
	switch s := Sort(v.Get("sort")); s {
	case "":
	case SortReview, SortRAG:
		q.Sort = s
	default:
		errs.Add("/sort", "must be review or rag (query parameter)")
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			errs.Add("/limit", fmt.Sprintf("must be a whole number from 1 to %d (query parameter)", MaxLimit))
		}
		q.Limit = n
	}
	if s := v.Get("cursor"); s != "" {
		c, err := DecodeCursor(s, q.Sort)
		if err != nil {
			errs.Add("/cursor", "is not a cursor from this list and order (query parameter)")
		}
		q.After = c
	}
	return q, errs
}

// Values is q as query parameters (without the cursor), for links.
func (q Query) Values() url.Values {
	v := url.Values{}
	if len(q.Lights) > 0 {
		v.Set("rag", strings.Join(q.Lights, ","))
	}
	switch {
	case q.Level == -1:
		v.Set("level", "none")
	case q.Level > 0:
		v.Set("level", strconv.Itoa(q.Level))
	}
	if q.Category > 0 {
		v.Set("category", strconv.Itoa(q.Category))
	}
	if q.Overdue {
		v.Set("overdue", "true")
	}
	if q.Sort != SortReview {
		v.Set("sort", string(q.Sort))
	}
	if q.Limit != DefaultLimit && q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// Partitions are the traffic-light partitions q reads, in the order of
// q.Sort (for SortRAG the order of the rows; for SortReview merged).
func (q Query) Partitions() []string {
	if len(q.Lights) == 0 {
		return Lights
	}
	var out []string
	for _, l := range Lights {
		if slices.Contains(q.Lights, l) {
			out = append(out, l)
		}
	}
	return out
}

// Entry is one case as the register index holds it.
type Entry struct {
	CaseID     string
	GivenNames string
	FamilyName string
	Light      string // Lights value
	Level      int    // 0: not confirmed
	Category   int    // 1-4; 0 not eligible or not classified
	Risk       string // low, medium, high, very-high; "" not given
	Next       civil.Date
	Basis      Basis
}

// Key is the entry's sort key in its partition.
func (e Entry) Key() string { return Key(e.Next, e.CaseID) }

// Match reports whether e passes q's filters on a day (today: for
// overdue).
func (q Query) Match(e Entry, today civil.Date) bool {
	switch {
	case len(q.Lights) > 0 && !slices.Contains(q.Lights, e.Light):
		return false
	case q.Level == -1 && e.Level != 0, q.Level > 0 && e.Level != q.Level:
		return false
	case q.Category > 0 && e.Category != q.Category:
		return false
	case q.Overdue && (e.Next.IsZero() || !e.Next.Before(today)):
		return false
	}
	return true
}

// Cursor is the position of the last row of a page: its partition (used
// by SortRAG, where partitions follow one another) and its key.
type Cursor struct {
	Sort  Sort   `json:"s"`
	Light string `json:"p,omitempty"`
	Key   string `json:"k"`
}

// IsZero reports the start of the register.
func (c Cursor) IsZero() bool { return c.Key == "" }

// ErrBadCursor is a cursor this register did not make for this order.
var ErrBadCursor = errors.New("register: bad cursor")

// Encode is the cursor as an opaque string.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a cursor made for order s.
func DecodeCursor(s string, order Sort) (Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 512 {
		return Cursor{}, ErrBadCursor
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Sort != order || c.Key == "" || (order == SortRAG && !slices.Contains(Lights, c.Light)) {
		return Cursor{}, ErrBadCursor
	}
	return c, nil
}

// After reports whether e comes after cursor c in order s.
func (c Cursor) before(e Entry, s Sort) bool {
	if c.IsZero() {
		return true
	}
	if s == SortRAG && c.Light != e.Light {
		return slices.Index(Lights, e.Light) > slices.Index(Lights, c.Light)
	}
	return e.Key() > c.Key
}

// Compare orders two entries in order s.
func Compare(s Sort, a, b Entry) int {
	if s == SortRAG {
		if d := cmp.Compare(slices.Index(Lights, a.Light), slices.Index(Lights, b.Light)); d != 0 {
			return d
		}
	}
	return cmp.Compare(a.Key(), b.Key())
}

// PageOf is one page of entries (any order, unfiltered) for q on today:
// the rows after q.After that pass the filters, in order, at most
// q.Limit, and the cursor of the next page (zero on the last). It is how
// the register is paged for a caller who may see only some cases (their
// cases are read by id, then paged here with the same keys and cursors
// the index gives everyone else).
func PageOf(entries []Entry, q Query, today civil.Date) ([]Entry, Cursor) {
	var rows []Entry
	for _, e := range entries {
		if q.Match(e, today) && q.After.before(e, q.Sort) {
			rows = append(rows, e)
		}
	}
	slices.SortFunc(rows, func(a, b Entry) int { return Compare(q.Sort, a, b) })
	if len(rows) <= q.Limit {
		return rows, Cursor{}
	}
	rows = rows[:q.Limit]
	return rows, CursorAt(q.Sort, rows[len(rows)-1])
}

// CursorAt is the cursor after e.
func CursorAt(s Sort, e Entry) Cursor {
	c := Cursor{Sort: s, Key: e.Key()}
	if s == SortRAG {
		c.Light = e.Light
	}
	return c
}

// StartAfter is where a partition's Query starts for cursor c in order s:
// skip reports that the partition lies wholly before the cursor, key is
// the exclusive lower bound of the sort key ("" for the whole partition).
func (c Cursor) StartAfter(s Sort, light string) (skip bool, key string) {
	if c.IsZero() {
		return false, ""
	}
	if s == SortRAG {
		ci, li := slices.Index(Lights, c.Light), slices.Index(Lights, light)
		switch {
		case li < ci:
			return true, ""
		case li > ci:
			return false, ""
		}
	}
	return false, c.Key
}

// DaysTo is the number of days from today to the next review (negative:
// overdue by that many days); ok is false without a next review.
func (e Entry) DaysTo(today civil.Date) (int, bool) {
	if e.Next.IsZero() {
		return 0, false
	}
	return today.DaysUntil(e.Next), true
}

// Counts are the register in numbers (what assistant directors see).
type Counts struct {
	Total   int            `json:"total"`
	Overdue int            `json:"overdue"`
	ByLight map[string]int `json:"byLight"`
	ByLevel map[string]int `json:"byLevel"`
}

// Count adds the entries up on today.
func Count(entries []Entry, today civil.Date) Counts {
	c := Counts{ByLight: map[string]int{}, ByLevel: map[string]int{}}
	for _, l := range Lights {
		c.ByLight[l] = 0
	}
	for _, l := range []string{"1", "2", "3", "none"} {
		c.ByLevel[l] = 0
	}
	for _, e := range entries {
		c.Total++
		c.ByLight[e.Light]++
		if e.Level >= 1 && e.Level <= 3 {
			c.ByLevel[strconv.Itoa(e.Level)]++
		} else {
			c.ByLevel["none"]++
		}
		if !e.Next.IsZero() && e.Next.Before(today) {
			c.Overdue++
		}
	}
	return c
}

// CSVHeader is the first line of the register's CSV.
var CSVHeader = []string{"Case", "Given names", "Family name", "Traffic light", "Level", "Category", "Risk of serious harm", "Next review", "Next review is", "Days to next review", "Overdue"}

// CSV writes entries as the register's CSV (RFC 4180, CRLF line ends). A
// cell that starts with =, +, - or @ is prefixed with ' so a spreadsheet
// does not run it as a formula (names are typed by people).
func CSV(entries []Entry, today civil.Date) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write(CSVHeader)
	for _, e := range entries {
		light, level, category, next, days, overdue := strings.ToUpper(e.Light), "not confirmed", "", "", "", "no"
		if e.Light == "none" {
			light = "not set"
		}
		if e.Level > 0 {
			level = strconv.Itoa(e.Level)
		}
		if e.Category > 0 {
			category = strconv.Itoa(e.Category)
		}
		if d, ok := e.DaysTo(today); ok {
			next, days = e.Next.String(), strconv.Itoa(d)
			if d < 0 {
				overdue = "yes"
			}
		}
		_ = w.Write([]string{e.CaseID, safe(e.GivenNames), safe(e.FamilyName), light, level, category, e.Risk, next, string(e.Basis), days, overdue})
	}
	w.Flush()
	return b.Bytes()
}

func safe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
